"""The unit's 推荐函 (Word): addressed to 湖南省工业和信息化厅, the recommended list by 申报类型 in the unit's order,
a stamp and date line, and in the footer the fingerprint its stamped scan is matched by. Pure: data in, bytes out."""
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date

from webapp.documents import simple_docx as d

TYPES = ("标杆企业", "标杆车间")


@dataclass(frozen=True)
class LetterLine:
    order: int                 # 序号 in the unit's 汇总表
    app_type: str              # 标杆企业 / 标杆车间
    company_name: str
    workshop_name: str = ""


@dataclass(frozen=True)
class LetterData:
    year: int
    unit_name: str
    letter_date: date
    lines: tuple[LetterLine, ...]

    @property
    def fingerprint(self) -> str:
        """12 hex digits of the SHA-256 of the content: a changed list or date gives another one."""
        content = {"year": self.year, "unit": self.unit_name, "date": self.letter_date.isoformat(),
                   "lines": [asdict(line) for line in self.lines]}
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]

    def by_type(self) -> list[tuple[str, list[LetterLine]]]:
        return [(label, [line for line in self.lines if line.app_type == label]) for label in TYPES]


def letter_filename(data: LetterData) -> str:
    return f"{data.year}年湖南省智能制造标杆推荐函-{data.unit_name}.docx"


def build_letter(data: LetterData) -> bytes:
    document = d.new_document()
    d.title(document, f"关于推荐{data.year}年湖南省智能制造标杆企业（车间）的函")
    d.paragraph(document, "湖南省工业和信息化厅：", space_before=6)
    total = len(data.lines)
    counts = "、".join(f"{label}{len(lines)}家" for label, lines in data.by_type() if lines) or "0家"
    d.paragraph(document, f"根据{data.year}年湖南省智能制造标杆企业（车间）申报工作的通知要求，经企业自愿申报、我局审核，"
                          f"现推荐以下{total}家企业（{counts}）申报{data.year}年湖南省智能制造标杆，"
                          "推荐顺序即我局的推荐排序。我局已对申报材料进行了审核，对推荐意见的真实性负责。",
                indent=True)
    for label, lines in data.by_type():
        if not lines:
            continue
        d.paragraph(document, f"{'一' if label == TYPES[0] else '二'}、{label}（{len(lines)}家）",
                    font=d.HEADING_FONT, space_before=8)
        for number, line in enumerate(lines, start=1):
            workshop = f"（{line.workshop_name}）" if line.workshop_name else ""
            d.paragraph(document, f"{number}. {line.company_name}{workshop}（汇总表序号 {line.order}）", indent=True)
    d.paragraph(document, "详见附件《推荐汇总表》。", indent=True, space_before=6)
    d.paragraph(document, "特此函告。", indent=True)
    d.paragraph(document, f"{data.unit_name}（盖章）", align="right", space_before=48)
    d.paragraph(document, f"{data.letter_date.year}年{data.letter_date.month}月{data.letter_date.day}日", align="right")
    d.paragraph(document, "联系人：              联系电话：", space_before=24, size=12)
    d.footer(document, f"{data.unit_name} 推荐函 · 校验码 {data.fingerprint}（上传盖章扫描件时核对）")
    return d.to_bytes(document)
