"""封面 and 一、基本情况表: read by their labels, not by positions. Every row of the file's tables is looked at; a cell
whose text is one of the form's labels gives its value in the cell after it. An added row, a merged or split cell, a
blank line inside a cell shifts nothing; the rows of 法人代表/负责人 and 联系人 are told apart by the label of their
merged first column."""
import re

from webapp.documents.word_reader.blocks import Cell
from webapp.documents.word_reader.labels import ECONOMY_ROWS, EFFECT_ROWS, clean, fold, guide_of, join_lines, key
from webapp.documents.word_reader.marks import after_label, numbered_items, ticks
from webapp.documents.word_reader.parsed import ParsedDocument

SIMPLE = {
    "项目名称": "cover.project_name", "申报单位": "cover.company_name",
    "企业名称": "basic.company_name", "组织机构代码": "basic.org_code", "成立时间": "basic.founded_on",
    "单位地址": "basic.address",
    "企业实施智能制造的总投入": "investment.invest_total", "企业近3年实施智能制造的总投入": "investment.invest_3y",
    "智能制造车间名称": "investment.workshop_name", "车间实施智能制造的总投入": "investment.workshop_invest_total",
    "车间近3年实施智能制造的总投入": "investment.workshop_invest_3y", "设备费": "investment.cost_equipment",
    "工业软件费": "investment.cost_software", "测试验证和项目咨询费": "investment.cost_testing",
    "人员费用": "investment.cost_personnel",
    "其中:国产智能制造软、硬件投资占比": "investment.domestic_share",
    "其中:省产智能制造软、硬件投资占比": "investment.provincial_share",
    **{key(label): f"effects.eff_{name}" for pair in EFFECT_ROWS for label, name in pair},
}
PERCENT_FIELDS = {"investment.domestic_share", "investment.provincial_share"}
PEOPLE = {"法人代表/负责人": "legal_rep", "法定代表人/负责人": "legal_rep", "联系人": "contact"}
PERSON = {"姓名": "name", "职务": "title", "手机": "mobile", "e-mail": "email", "email": "email", "邮箱": "email",
          "电子邮箱": "email"}
STAFF = {"总数": "staff_total", "高级职称": "staff_senior", "中级职称": "staff_intermediate",
         "初级职称": "staff_junior", "其他人员": "staff_other"}
ECONOMY = {key(label): name for label, name in ECONOMY_ROWS}
NATURES = ["国企", "民营", "三资", "其他（请注明）"]
TYPES = ["标杆企业", "标杆车间"]
HONOURS = {"国家智能制造试点示范企业": "honour_national_pilot", "国家智能制造示范工厂": "honour_national_demo_factory",
           "国家智能制造综合标准化与新模式应用项目承担企业": "honour_national_standard_project",
           "湖南省智能制造示范企业": "honour_hunan_demo_enterprise", "湖南省智能制造示范车间": "honour_hunan_demo_workshop",
           "国家两化融合贯标通过评定企业": "honour_integration_certified",
           "国家智能制造能力成熟度通过评定企业": "honour_maturity_certified", "其他（请注明）": "honour_other"}
_YEAR = re.compile(r"(19|20)\d\d")
_LEVEL = re.compile(r"等级:?([1-5一二三四五])")


class BasicReader:
    """Fills `parsed.fields` from the rows of the cover and the 基本情况表."""

    def __init__(self, parsed: ParsedDocument):
        self.parsed = parsed
        self.fields = parsed.fields
        self.group = ""                 # the label of the (merged) first column of the rows being read
        self.years: dict[int, str] = {}  # grid column → year of 近三年主要经济指标 ("2021", or "#1" when unreadable)
        self.seen: set[str] = set()

    def read(self, rows: list[list[Cell]]) -> None:
        for row in rows:
            self.row(row)
        if "企业名称" not in self.seen:
            self.parsed.missing.append("一、基本情况表")
        if "项目名称" not in self.seen:
            self.parsed.missing.append("封面")

    def row(self, cells: list[Cell]) -> None:
        if not cells:
            return
        keys = [key(cell.text).casefold() for cell in cells]
        if keys[0] and not cells[0].continued:
            self.group = keys[0]
        self.seen.update(keys)
        for index, label in enumerate(keys):
            self.cell(label, cells, index)
        if self.group == "实施智能制造涵盖的环节":
            self.parsed.listed_links += [name for name in (_link_name(c.text) for c in cells[1:]) if name]

    def cell(self, label: str, row: list[Cell], index: int) -> None:
        cell, after = row[index], row[index + 1:]
        value = after[0] if after else None
        if value is not None and self.labelled(label, value):
            return
        if label in ECONOMY:
            # By the grid column under each year's heading, not by order: a merged or deleted cell shifts nothing.
            for position, found in enumerate(after, start=1):
                key_ = f"economics.{self.years.get(found.column, f'#{position}')}.{ECONOMY[label]}"
                if not self.fields.get(key_):
                    self.fields[key_] = clean(found.text).replace("\t", "")
        elif label == "近三年主要经济指标":
            self.years = {column: _year(c.text, position) for position, c in enumerate(after, start=1)
                          for column in range(c.column, c.column + c.span)}
            self.parsed.years = [int(y) for y in dict.fromkeys(self.years.values()) if y.isdigit()]
        elif label == "所属行业" and value is not None:
            division, group = ([clean(c.text) for c in after] + ["", ""])[:2]
            self.fields["basic.industry_division_code"] = "" if _placeholder(division) else division
            self.fields["basic.industry_group_code"] = "" if _placeholder(group) else group
        elif fold(cell.text).startswith(fold("企业近三年是否发生过重大安全生产事故")):
            answer = fold(cell.text).rsplit("事故", 1)[-1]
            self.fields["honours.major_accident"] = _chosen(ticks(answer, ["是", "否"]), self.parsed, "重大事故")
        elif fold(cell.text).startswith("其他效果"):
            lines = [p.text for p in cell.paras]
            lines[0] = after_label(lines[0], "其他效果")
            self.fields["effects.eff_other"] = join_lines(lines)

    def labelled(self, label: str, value: Cell) -> bool:
        """A label whose value is the next cell; False when `label` is none of them."""
        if label in SIMPLE:
            found = clean(value.text).replace("\t", "")
            self.fields[SIMPLE[label]] = found.removesuffix("%") if SIMPLE[label] in PERCENT_FIELDS else found
        elif label in PERSON and self.group in PEOPLE:
            self.fields[f"basic.{PEOPLE[self.group]}_{PERSON[label]}"] = clean(value.text)
        elif label in STAFF:
            self.fields[f"staff.{STAFF[label]}"] = clean(value.text).removesuffix("人").strip()
        elif label == "申报类型":
            self.fields["cover.app_type"] = _chosen(ticks(value.text, TYPES), self.parsed, "申报类型")
        elif label == "企业性质":
            chosen = _chosen(ticks(value.text, NATURES), self.parsed, "企业性质")
            self.fields["basic.nature"] = chosen.removesuffix("（请注明）")
            self.fields["basic.nature_other"] = after_label(value.text, "其他（请注明）")
        elif label == "相关荣誉":
            self.honours(value.text)
        elif label == "企业简介":
            self.fields["profile.profile"] = join_lines([p.text for p in value.paras if not guide_of(p.text)])
        elif label == "智能制造实现功能":
            self.fields["functions.functions"] = numbered_items(_after_intro(value, FUNCTIONS_INTRO))
        elif label == "智能制造技术创新能力":
            self.parts(value, INNOVATION, lists=False)
        elif label == "已取得智能制造技术成果":
            self.parts(value, ACHIEVEMENTS, lists=True)
        else:
            return False
        return True

    def honours(self, text: str) -> None:
        chosen = ticks(text, list(HONOURS))
        for label, name in HONOURS.items():
            self.fields[f"honours.{name}"] = None if chosen is None else chosen[label]
        level = _LEVEL.search(fold(text))
        digit = level.group(1) if level else ""
        self.fields["honours.maturity_level"] = str("一二三四五".index(digit) + 1) if digit in "一二三四五" and digit \
            else digit
        self.fields["honours.honour_other_text"] = after_label(text, "其他（请注明）")

    def parts(self, value: Cell, labels: dict[str, str], *, lists: bool) -> None:
        """A cell of labelled parts ("解决的关键问题：" … "突破的关键技术及短板装备：" …)."""
        current, lines = None, {name: [] for name in labels.values()}
        for para in value.paras:
            label = next((label for label in labels if fold(para.text).startswith(fold(label))), None)
            if label:
                current = labels[label]
                rest = after_label(para.text, label)
                lines[current].append("" if guide_of(rest) else rest)
            elif current:
                lines[current].append(para.text)
        for name, found in lines.items():
            self.fields[name] = numbered_items(found) if lists else join_lines(found)


FUNCTIONS_INTRO = "在研发设计、生产制造、经营管理等方面实现的功能"
INNOVATION = {"智能制造技术支撑机构": "innovation.support_institutions",
              "产学研主要合作单位及智能制造供应商名称": "innovation.partners"}
ACHIEVEMENTS = {"解决的关键问题": "achievements.key_problems", "突破的关键技术及短板装备": "achievements.key_technologies"}


def read_rows(rows: list[list[Cell]], parsed: ParsedDocument) -> None:
    BasicReader(parsed).read(rows)


def _year(text: str, position: int) -> str:
    match = _YEAR.search(fold(text))
    return match.group(0) if match else f"#{position}"


def _placeholder(text: str) -> bool:
    """Empty, or the form's hint "（行业大类代码+名称）" left in place."""
    return not key(text)


def _chosen(chosen: dict[str, bool] | None, parsed: ParsedDocument, what: str) -> str:
    """The one ticked label of a single choice; "" when none, a problem when several."""
    if chosen is None:
        return ""
    ticked = [label for label, on in chosen.items() if on]
    if len(ticked) > 1:
        parsed.problems.append(f"“{what}”勾选了多项（{'、'.join(ticked)}），未导入，请在表单中选择。")
        return ""
    return ticked[0]


def _link_name(text: str) -> str:
    return clean(re.sub(r"^\s*[\d０-９]+\s*[.．、]?\s*", "", text or ""))


def _after_intro(value: Cell, intro: str) -> list[str]:
    lines = [p.text for p in value.paras]
    if lines and fold(lines[0]).startswith(fold(intro)):
        lines[0] = after_label(lines[0], intro)
    return lines
