"""Build the docxtpl template of the 申报书 (附件2) with python-docx.

    python -m webapp.documents.docx_template_build

writes templates/shenbaoshu.docx next to this file. The output is byte-for-byte reproducible (fixed zip
dates, fixed document properties), so the committed template can be checked against this script.

The template holds Jinja tags (docxtpl): `{{ … }}` in runs, `{%p … %}` paragraphs, `{%tr … %}` table rows.
The names it uses are the keys of `docx_builder.application_context`. Only plain Word features are used:
tables with merged cells, paragraphs, page breaks, a footer with PAGE/NUMPAGES fields.
"""
import io
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "documents" / "templates" / "shenbaoshu.docx"

PAGE = {"width": 21.0, "height": 29.7, "top": 2.54, "bottom": 2.54, "left": 3.17, "right": 3.17}
TEXT_WIDTH_CM = PAGE["width"] - PAGE["left"] - PAGE["right"]          # 14.66
SONG, HEI, KAI, LATIN = "宋体", "黑体", "楷体", "Times New Roman"
# Grid lines of the 基本情况表 (cm from its left edge): every row's cells end on one of them.
CUTS = [0, 2.4, 4.4, 6.4, 7.8, 8.4, 9.8, 11.2, 12.5, TEXT_WIDTH_CM]
END = TEXT_WIDTH_CM
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)

PLEDGE = ("我单位申报提供的所有材料均真实、完整、准确。我单位申报材料内容所涉及的活动均符合国家相关法律法规要求。"
          "如有不实，愿承担相应的责任。")


# ---------------------------------------------------------------- fonts and styles

def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts explicitly (theme fonts would win over them) and set eastAsia for Word and WPS."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asia)):
        fonts.set(qn(f"w:{attr}"), name)


def _defaults(doc) -> None:
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attr, name in (("ascii", LATIN), ("hAnsi", LATIN), ("cs", LATIN), ("eastAsia", SONG)):
        fonts.set(qn(f"w:{attr}"), name)
    rpr_default.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    ppr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _style(doc, style_id: str, *, size: float, east_asia: str = SONG, bold: bool = False,
           align=None, first_line_chars: int = 0, line: float = 1.0, before: float = 0, after: float = 0):
    """A paragraph style with a Chinese name (shown in Word) and an ASCII id."""
    style = doc.styles.add_style(STYLE_NAMES[style_id], 1)
    style.element.styleId = style_id
    style.base_style = doc.styles["Normal"]
    _format_style(style, size=size, east_asia=east_asia, bold=bold, align=align, line=line, before=before,
                  after=after)
    if first_line_chars:
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(first_line_chars * size * 20)))
    return style


def _format_style(style, *, size, east_asia, bold=False, align=None, line=1.0, before=0.0, after=0.0):
    set_fonts(style.element, east_asia)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)


STYLE_NAMES = {"FormCover": "封面文字", "FormBody": "申报书正文", "FormItem": "申报书条目", "FormGuide": "填写说明",
               "FormCell": "表格文字", "FormPicture": "配图", "FormFooter": "页脚文字",
               "Heading1": "Heading 1", "Heading2": "Heading 2", "Heading3": "Heading 3"}


def define_styles(doc) -> None:
    _defaults(doc)
    normal = doc.styles["Normal"]
    set_fonts(normal.element, SONG)
    normal.font.size = Pt(12)
    for name, size, before, after in (("Heading 1", 16, 12, 6), ("Heading 2", 14, 8, 4), ("Heading 3", 12, 6, 2)):
        style = doc.styles[name]
        _format_style(style, size=size, east_asia=HEI, bold=name == "Heading 3", line=1.5, before=before, after=after)
        style.paragraph_format.keep_with_next = True
    _style(doc, "FormCover", size=16, line=1.2)
    _style(doc, "FormBody", size=12, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormItem", size=12, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormGuide", size=12, east_asia=KAI, align=JUSTIFY, line=1.5)
    _style(doc, "FormCell", size=10.5, line=1.15)
    _style(doc, "FormPicture", size=12, align=CENTER, before=3, after=3)
    _style(doc, "FormFooter", size=9, align=CENTER)
    for name in ("Header", "Footer"):
        set_fonts(doc.styles[name].element, SONG)


# ---------------------------------------------------------------- paragraphs

def paragraph(container, content="", style="FormBody", *, align=None, reuse_first=False, **run_format):
    """Add a paragraph of one run (str) or several runs (list of str / (str, format dict))."""
    if reuse_first and container.paragraphs and not container.paragraphs[0].text:
        para = container.paragraphs[0]
    else:
        para = container.add_paragraph()
    para.style = STYLE_NAMES[style]
    if align is not None:
        para.alignment = align
    runs = content if isinstance(content, list) else [(content, run_format)]
    for run_content in runs:
        text, fmt = (run_content, {}) if isinstance(run_content, str) else run_content
        run = para.add_run(text)
        _format_run(run, **fmt)
    return para


def _format_run(run, *, bold=None, size=None, east_asia=None):
    if bold is not None:
        run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if east_asia is not None:
        set_fonts(run._r, east_asia)


def page_break_before(para) -> None:
    para.paragraph_format.page_break_before = True


# ---------------------------------------------------------------- tables

def insert_in_order(parent, element, *successors: str) -> None:
    """Insert `element` before the first child named in `successors` (the schema's order), else append it."""
    for child in parent:
        if child.tag in {qn(name) for name in successors}:
            child.addprevious(element)
            return
    parent.append(element)


def _set_borders(table, size: int = 4, kind: str = "single") -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), kind)
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000" if kind != "nil" else "auto")
        borders.append(element)
    insert_in_order(table._tbl.tblPr, borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _cell_margins(table, left_right_twips: int) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", 28), ("left", left_right_twips), ("bottom", 28), ("right", left_right_twips)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    insert_in_order(table._tbl.tblPr, margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def new_table(doc, widths_cm: list[float], *, borders: bool = True):
    """A fixed-layout table with the given grid (cm), centred on the page."""
    table = doc.add_table(rows=0, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(round(Cm(w).twips) for w in widths_cm)))
    _set_borders(table, kind="single" if borders else "nil")
    _cell_margins(table, 68)
    return table


class FormTable:
    """The 基本情况表: rows described as (end cut, content, kind) cells on the CUTS grid."""

    ROW_HEIGHT = Cm(0.75)

    def __init__(self, doc):
        self.table = new_table(doc, [b - a for a, b in zip(CUTS, CUTS[1:])])

    def row(self, *cells, height=ROW_HEIGHT, keep: bool | None = None) -> int:
        """Add a row; it is kept on one page unless it holds long text (keep=None: decided by the cells' kinds)."""
        row = self.table.add_row()
        row.height = height
        if keep or (keep is None and all(kind != "text" for _end, _content, kind in cells)):
            tr_pr = row._tr.get_or_add_trPr()
            insert_in_order(tr_pr, OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:jc", "w:hidden")
        start = 0
        for end, content, kind in cells:
            last = CUTS.index(end) - 1
            cell = row.cells[start]
            if last > start:
                cell = cell.merge(row.cells[last])
            fill_cell(cell, content, kind)
            start = last + 1
        return len(self.table.rows) - 1

    def tag_row(self, tag: str) -> None:
        """A row holding only a `{%tr … %}` tag: docxtpl replaces the whole row with the tag."""
        self.row((END, [tag], "tag"), height=None, keep=False)

    def merge_down(self, first: int, last: int) -> None:
        """Merge the label column of rows first..last (content stays in the first)."""
        cell = self.table.cell(first, 0).merge(self.table.cell(last, 0))
        for para in cell.paragraphs[1:]:          # python-docx moves the merged cells' empty paragraphs in
            if not para.text:
                para._p.getparent().remove(para._p)

    def mark_vmerge(self, index: int, value: str) -> None:
        """Set vMerge by hand on the label cell of a row (for rows that docxtpl repeats in a loop)."""
        self.table.rows[index].cells[0]._tc.vMerge = value


@dataclass
class P:
    """A paragraph of a table cell with its own alignment, first-line indent, space before or right indent (pt)."""

    content: object
    align: object = None
    indent: bool = False
    before: float = 0
    right: float = 0


def fill_cell(cell, content, kind: str) -> None:
    """kind: label (centred), value (left), number (centred), text (top, justified), head (黑体, left), tag."""
    parts = content if isinstance(content, list) else [content]
    align = {"label": CENTER, "number": CENTER, "text": JUSTIFY}.get(kind, LEFT)
    for index, part in enumerate(parts):
        part = part if isinstance(part, P) else P(part)
        run_format = {"east_asia": HEI} if kind == "head" else {}
        para = paragraph(cell, part.content, "FormCell", align=part.align or align, reuse_first=index == 0,
                         **run_format)
        if part.indent:
            para.paragraph_format.first_line_indent = Pt(21)
        if part.before:
            para.paragraph_format.space_before = Pt(part.before)
        if part.right:
            para.paragraph_format.right_indent = Pt(part.right)
    cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if kind == "text"
                               else WD_CELL_VERTICAL_ALIGNMENT.CENTER)


# ---------------------------------------------------------------- the document

def build_document():
    doc = Document()
    define_styles(doc)
    _page_setup(doc.sections[0])
    _footer(doc.sections[0])
    _properties(doc)
    build_cover(doc)
    build_basic_table(doc)
    build_sections(doc)
    return doc


def _page_setup(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(PAGE["width"]), Cm(PAGE["height"])
    section.top_margin, section.bottom_margin = Cm(PAGE["top"]), Cm(PAGE["bottom"])
    section.left_margin, section.right_margin = Cm(PAGE["left"]), Cm(PAGE["right"])
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)


FOOTER_TEXT = ("{% if blank %}湖南省智能制造标杆申报书（空白表，供离线填写）"
               "{% else %}{% if draft %}草稿 · {% endif %}版本 {{ version }} · "
               "生成于 {{ generated_at }} · 校验码 {{ fingerprint }}{% endif %} · 第 ")


def _footer(section) -> None:
    para = section.footer.paragraphs[0]
    para.style = STYLE_NAMES["FormFooter"]
    para.add_run(FOOTER_TEXT)
    _field(para, "PAGE")
    para.add_run(" 页 / 共 ")
    _field(para, "NUMPAGES")
    para.add_run(" 页")


def _field(para, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) as begin / instrText / separate / result / end runs."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = para.add_run()
        if kind == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        elif kind == "result":
            run.text = "1"
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _properties(doc) -> None:
    props = doc.core_properties
    props.title = "湖南省智能制造标杆申报书"
    props.author = props.last_modified_by = "湖南省智能制造标杆申报系统"
    props.subject = props.keywords = props.comments = ""
    props.created = props.modified = datetime(2024, 1, 1)
    props.revision = 1


# ---------------------------------------------------------------- cover

def build_cover(doc) -> None:
    title = paragraph(doc, "湖南省智能制造标杆申报书", "FormCover", align=CENTER, east_asia=HEI, size=26)
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(110), Pt(70)
    table = new_table(doc, [3.5, 8.26, 2.9], borders=False)
    rows = [("项 目 名 称：", "{{ project_name }}", ""),
            ("申 报 单 位：", "{{ company_name }}", "（加盖公章）"),
            ("申 报 类 型：", "{{ type_box.enterprise }}标杆企业　　{{ type_box.workshop }}标杆车间", None),
            ("申 报 日 期：", "{{ declared_on }}", "")]
    for label, value, suffix in rows:
        row = table.add_row()
        row.height = Cm(1.3)
        for cell, text, size in zip(row.cells, (label, value, suffix or ""), (None, None, 12)):
            paragraph(cell, text, "FormCover", reuse_first=True, size=size)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        if suffix is not None:
            _bottom_border(row.cells[1])
    maker = paragraph(doc, "湖南省工业和信息化厅制", "FormCover", align=CENTER)
    maker.paragraph_format.space_before = Pt(130)


def _bottom_border(cell) -> None:
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000")):
        bottom.set(qn(f"w:{attr}"), value)
    borders.append(bottom)
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.insert(tc_pr.index(tc_pr.find(qn("w:tcW"))) + 1, borders)


# ---------------------------------------------------------------- 一、基本情况表

L, V, N, T, H = "label", "value", "number", "text", "head"

ECONOMY_ROWS = [("总资产（万元）", "total_assets"), ("负债率（%）", "debt_ratio"),
                ("主营业务收入（万元）", "revenue"), ("上缴税金（万元）", "taxes"), ("实现利润（万元）", "profit")]
HONOUR_LINES = [
    "{{ honours.national_pilot }}国家智能制造试点示范企业　　{{ honours.national_demo_factory }}国家智能制造示范工厂",
    "{{ honours.national_standard_project }}国家智能制造综合标准化与新模式应用项目承担企业",
    "{{ honours.hunan_demo_enterprise }}湖南省智能制造示范企业　　{{ honours.hunan_demo_workshop }}湖南省智能制造示范车间",
    "{{ honours.integration_certified }}国家两化融合贯标通过评定企业",
    "{{ honours.maturity_certified }}国家智能制造能力成熟度通过评定企业（等级：{{ honours.maturity_level or '　　' }}级）",
    "{{ honours.other }}其他（请注明）{{ honours.other_text }}",
]
EFFECT_ROWS = [
    (("关键设备数控化率（%）", "cnc_rate"), ("关键设备联网率（%）", "network_rate")),
    (("生产效率提升（%）", "productivity"), ("资源综合利用率提升（%）", "resource_use")),
    (("研发周期缩短（%）", "rd_cycle"), ("运营成本下降（%）", "operating_cost")),
    (("产品不良率下降（%）", "defect_rate"), ("优化人员比例（%）", "staff_optimised")),
    (("设备综合利用率提升（%）", "equipment_use"), ("库存周转率提升（%）", "inventory_turnover")),
    (("订单准时交付率提升（%）", "on_time_delivery"), ("订单完成周期缩短（%）", "order_cycle")),
    (("物流成本占企业运营成本比重降低（%）", "logistics_cost"), ("土地利用率提升（%）", "land_use")),
]


def build_basic_table(doc) -> None:
    page_break_before(heading(doc, "一、基本情况表", 1))
    table = FormTable(doc)
    _enterprise_rows(table)
    _economy_rows(table)
    _honour_and_staff_rows(table)
    _investment_rows(table)
    _capability_rows(table)
    _effect_rows(table)
    table.row((2.4, "真实性承诺", L), (END, [
        P(PLEDGE, indent=True),
        P("企业法定代表人：{{ pledge_legal_rep }}", before=8),
        P("公　　　　章：", before=8),
        P("{{ pledge_date }}", align=RIGHT, before=8, right=21)], T), keep=True)


def _enterprise_rows(t: FormTable) -> None:
    t.row((END, "（一）企业基本信息", H))
    t.row((2.4, "企业名称", L), (END, "{{ company_name }}", V))
    t.row((2.4, "组织机\n构代码", L), (7.8, "{{ org_code }}", V), (9.8, "成立时间", L), (END, "{{ founded_on }}", V))
    t.row((2.4, "企业性质", L), (END, "{{ nature.state }}国企　{{ nature.private }}民营　{{ nature.foreign }}三资　"
                                     "{{ nature.other }}其他（请注明）{{ nature_other }}", V))
    t.row((2.4, "所属行业", L), (8.4, "{{ industry_division or '（行业大类代码+名称）' }}", V),
          (END, "{{ industry_group or '（行业中类代码+名称）' }}", V))
    t.row((2.4, "单位地址", L), (END, "{{ address }}", V))
    for label, key in (("法人代表/\n负责人", "legal_rep"), ("联系人", "contact")):
        first = t.row((2.4, label, L), (4.4, "姓名", L), (7.8, "{{ %s.name }}" % key, V),
                      (9.8, "手机", L), (END, "{{ %s.mobile }}" % key, V))
        last = t.row((2.4, "", L), (4.4, "职务", L), (7.8, "{{ %s.title }}" % key, V),
                     (9.8, "E-mail", L), (END, "{{ %s.email }}" % key, V))
        t.merge_down(first, last)


def _economy_rows(t: FormTable) -> None:
    t.row((4.4, "近三年主要经济指标", L), *[(cut, "{{ economy.years[%d] }}" % i, L)
                                      for i, cut in enumerate((7.8, 11.2, END))])
    for label, key in ECONOMY_ROWS:
        t.row((4.4, label, L), *[(cut, "{{ economy.%s[%d] }}" % (key, i), N) for i, cut in enumerate((7.8, 11.2, END))])


def _honour_and_staff_rows(t: FormTable) -> None:
    t.row((2.4, "相关荣誉", L), (END, HONOUR_LINES, V))
    t.row((END, "企业近三年是否发生过重大安全生产事故、重大环境事故　　　{{ accident.yes }}是　　{{ accident.no }}否", V))
    first = t.row((2.4, "智能制造相关技术人员", L), (4.4, "总　　数", L), (END, "{{ staff.total }}人", V))
    t.row((2.4, "", L), (4.4, "高级职称", L), (7.8, "{{ staff.senior }}人", V),
          (9.8, "中级职称", L), (END, "{{ staff.intermediate }}人", V))
    last = t.row((2.4, "", L), (4.4, "初级职称", L), (7.8, "{{ staff.junior }}人", V),
                 (9.8, "其他人员", L), (END, "{{ staff.other }}人", V))
    t.merge_down(first, last)
    t.row((2.4, "企\n业\n简\n介", L), (END, [P("{{ profile|paras if profile else '（发展历程、主营业务、市场销售等方面"
                                           "基本情况，500字以内）' }}", indent=True)], T), height=Cm(4))


def _investment_rows(t: FormTable) -> None:
    t.row((END, "（二）智能制造情况", H))
    t.row((9.8, "企业实施智能制造的总投入（万元）", L), (END, "{{ invest.total }}", N))
    t.row((9.8, "企业近3年实施智能制造的总投入（万元）", L), (END, "{{ invest.three_years }}", N))
    t.tag_row("{%tr if is_workshop or blank %}")
    t.row((9.8, "智能制造车间名称", L), (END, "{{ workshop.name }}", V))
    t.row((9.8, "车间实施智能制造的总投入（万元）", L), (END, "{{ workshop.total }}", N))
    t.row((9.8, "车间近3年实施智能制造的总投入（万元）", L), (END, "{{ workshop.three_years }}", N))
    t.tag_row("{%tr endif %}")
    first = t.row((2.4, "其中：", L), (6.4, "设备费（万元）", L), (8.4, "{{ invest.equipment }}", N),
                  (12.5, "工业软件费（万元）", L), (END, "{{ invest.software }}", N))
    last = t.row((2.4, "", L), (6.4, "测试验证和项目咨询费（万元）", L), (8.4, "{{ invest.testing }}", N),
                 (12.5, "人员费用（万元）", L), (END, "{{ invest.personnel }}", N))
    t.merge_down(first, last)
    t.row((9.8, "其中：国产智能制造软、硬件投资占比", L), (END, "{{ invest.domestic_share }}%", N))
    t.row((9.8, "其中：省产智能制造软、硬件投资占比", L), (END, "{{ invest.provincial_share }}%", N))
    first = t.row((2.4, "实施智能制造涵盖的环节", L), (8.4, "{{ link_rows[0][0] }}", V), (END, "{{ link_rows[0][1] }}", V))
    t.mark_vmerge(first, "restart")
    t.tag_row("{%tr for pair in link_rows[1:] %}")
    t.mark_vmerge(t.row((2.4, "", L), (8.4, "{{ pair[0] }}", V), (END, "{{ pair[1] }}", V)), "continue")
    t.tag_row("{%tr endfor %}")


def _numbered(name: str) -> list:
    """A numbered list of the context list `name` (… under it on the blank form)."""
    return ["{%%p for item in %s %%}" % name, P("{{ loop.index }}. {{ item|paras }}"), "{%p endfor %}",
            "{%p if blank %}", "……", "{%p endif %}"]


def _capability_rows(t: FormTable) -> None:
    t.row((2.4, "智能制造实现功能", L), (END, ["在研发设计、生产制造、经营管理等方面实现的功能：", *_numbered("functions")], T))
    t.row((2.4, "智能制造技术创新能力", L), (END, [
        "智能制造技术支撑机构：（拥有的企业技术中心、工程技术中心、创新中心、实验室等研发机构的等级及名称）",
        P("{{ support_institutions|paras }}", indent=True),
        P("产学研主要合作单位及智能制造供应商名称：", before=4),
        P("{{ partners|paras }}", indent=True)], T))
    t.row((2.4, "已取得智能制造技术成果", L), (END, [
        "解决的关键问题：", *_numbered("key_problems"),
        P("突破的关键技术及短板装备：", before=4), *_numbered("key_technologies")], T))


def _effect_rows(t: FormTable) -> None:
    first = None
    for (left_label, left), (right_label, right) in EFFECT_ROWS:
        index = t.row((2.4, "" if first is not None else "智能制造实施效果", L),
                      (6.4, left_label, L), (8.4, "{{ effects.%s }}" % left, N),
                      (12.5, right_label, L), (END, "{{ effects.%s }}" % right, N))
        first = index if first is None else first
    last = t.row((2.4, "", L), (END, [P([("其他效果：", {}), ("{{ effects_other|paras }}", {})])], T),
                 height=Cm(1.5))
    t.merge_down(first, last)


# ---------------------------------------------------------------- 二 … 八

OVERVIEW = [("（一）企业概况：", "企业成立时间、主营业务、发展历程、经营状况（主营业务收入、总资产、行业地位）、员工情况、"
                                "省部级以上荣誉、行业资质等", "overview_company"),
            ("（二）技术水平：", "研发队伍、科研成果、知识产权、提供技术支持和服务的能力和条件等", "overview_technology"),
            ("（三）行业优势：", "在相关行业、区域以及智能制造方面已具备的技术优势、服务优势", "overview_advantages")]
INFLUENCE = [("（一）影响力：", "项目实施对行业和区域的影响和带动作用", "influence"),
             ("（二）先进性：", "与国内外先进水平、行业领军企业比较，项目具备的先进性", "advancement"),
             ("（三）示范推广：", "围绕智能制造的实施，总结提炼可复制、可推广的典型解决方案、应用场景、模式等", "demonstration")]
SCENARIO_ITEMS = [
    ("1．具体场景名称", "name", "（如：人机协同作业）"),
    ("2．具体场景描述", "description", "（结合要素条件进行描述）（150字以内）"),
    ("3．解决的痛点问题", "pain_points", "（150字以内）"),
    ("4．采用的技术方案", "solution", "（包括供应商，300字以内，可以配图）"),
    ("5．保障要素", "safeguards", "（如人、管理机制、组织标准、培训等，150字以内）"),
    ("6．实施成果", "results", "（最好通过量化指标描述，200字以内）"),
    ("7．其他", "other", "（如对于其他车间、工厂的带动效应等）（150字以内，选填）"),
]
ATTACHMENT_HEADINGS = [
    ("license", "（一）企业营业执照复印件", ""),
    ("audit", "（二）近三年（{{ economy.span }}）企业财务审计报告及智能制造专项审计报告", ""),
    ("equipment", "（三）关键技术设备、软件的清单及品牌、供应商",
     "（包括名称、单价、总价、品牌、对应合同、供应商、进口/国产/省产等信息）"),
    ("staff", "（四）主要技术人员情况", "（包括人员相关信息表及其资质证书等）"),
    ("photos", "（五）企业智能化生产线、车间、工厂的照片、图片", ""),
    ("achievements", "（六）技术成果及荣誉", "（取得专利、软件著作权等证书或受理文件复印件，标准或标准草案文件及相关阶段复印件，"
                                    "主要研究报告、技术规范等复印件，获得省部级以上科技奖励证书复印件等证明材料）"),
    ("other", "（七）其他相关证明文件", "（智能制造能力成熟度评估报告，与智能制造专项审计报告相对应的发票、合同等佐证材料，"
                              "企业认为所需的其他证明材料等）"),
    ("stamped_scan", "附：盖章申报书扫描件", ""),
]


def build_sections(doc) -> None:
    page_break_before(heading(doc, "二、企业情况概述", 1))
    for label, guidance, key in OVERVIEW:
        _lead_and_text(doc, label, guidance, key)
    _implementation(doc)
    _titled_text(doc, "四、智能制造实施成效", "（企业在提高生产效率、缩短研发周期、降低产品不良品率、降低企业运营成本、"
                 "提高资源利用率等方面的关键绩效指标情况，以及其他个性化指标完成情况，包括突破的短板技术装备情况等）", "outcomes")
    heading(doc, "五、行业影响及示范作用", 1)
    paragraph(doc, "（在行业内的影响、示范、带动引领作用）", "FormGuide")
    for label, guidance, key in INFLUENCE:
        _lead_and_text(doc, label, guidance, key)
    _titled_text(doc, "六、下一步工作计划", "（目前仍待解决的问题；下一步实施计划）", "next_steps")
    _titled_text(doc, "七、智能制造经验总结", "（遇到的困难、走过的弯路、形成的经验）", "lessons")
    _attachments(doc)


def heading(doc, content, level: int):
    return paragraph(doc, content, f"Heading{level}")


def _lead_and_text(doc, label: str, guidance: str, key: str) -> None:
    paragraph(doc, [(label, {}), (guidance, {"east_asia": KAI, "size": 12})], "Heading2")
    paragraph(doc, "{{ %s|paras }}" % key)


def _titled_text(doc, title: str, guidance: str, key: str) -> None:
    heading(doc, title, 1)
    paragraph(doc, guidance, "FormGuide")
    paragraph(doc, "{{ %s|paras }}" % key)


def _implementation(doc) -> None:
    heading(doc, "三、智能制造实施内容", 1)
    paragraph(doc, "（对《基本情况表》中所列智能制造实践所列环节，逐个描述企业在该环节及相应的智能制造典型场景中实施智能制造"
                   "所开展的工作和取得的成果，并阐述各系统、环节、场景之间的集成协同情况，以及对供应链上下游企业的带动情况）",
              "FormGuide")
    paragraph(doc, "{%p for link in links %}")
    heading(doc, "（{{ link.ordinal }}）环节{{ link.position }}：{{ link.name }}"
                 "{% if blank %}（如：生产作业）{% endif %}", 2)
    paragraph(doc, "{%p for s in link.scenarios %}")
    heading(doc, "场景{{ s.position }}：{{ s.title }}", 3)
    for label, key, hint in SCENARIO_ITEMS:
        paragraph(doc, [(label, {"bold": True}), ("{% if blank %}" + hint + "{% endif %}", {"east_asia": KAI}),
                        ("：", {"bold": True}), ("{{ s.%s|paras }}" % key, {})], "FormItem")
        if key == "solution":
            paragraph(doc, "{%p for picture in s.pictures %}")
            paragraph(doc, "{{ images[picture.id] }}", "FormPicture")
            paragraph(doc, "{%p endfor %}")
    paragraph(doc, "{%p endfor %}")
    paragraph(doc, "{%p endfor %}")
    paragraph(doc, "{%p if blank %}")
    paragraph(doc, "（二）环节2", "Heading2")
    paragraph(doc, "……")
    paragraph(doc, "{%p endif %}")
    paragraph(doc, [("（{{ integration_ordinal }}）协同集成情况", {})], "Heading2")
    paragraph(doc, "（需重点阐述各个系统之间、多个场景之间的集成协同情况，以及对供应链上下游企业的带动情况）", "FormGuide")
    paragraph(doc, "{{ integration|paras }}")


def _attachments(doc) -> None:
    heading(doc, "八、相关证明材料", 1)
    for key, label, guidance in ATTACHMENT_HEADINGS:
        runs = [(label, {})] + ([(guidance, {"east_asia": KAI, "size": 12})] if guidance else [])
        paragraph(doc, runs, "Heading3")
        paragraph(doc, "{%%p for name in attachments.%s %%}" % key)
        paragraph(doc, "{{ loop.index }}. {{ name }}", "FormItem")
        paragraph(doc, "{%p else %}")
        paragraph(doc, "{{ '' if blank else '（未上传）' }}", "FormItem")
        paragraph(doc, "{%p endfor %}")


# ---------------------------------------------------------------- output

def template_bytes() -> bytes:
    """The template as it should be committed (stable zip: fixed dates, same order)."""
    buffer = io.BytesIO()
    build_document().save(buffer)
    return stable_zip(buffer.getvalue())


def stable_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main() -> int:
    TEMPLATE_PATH.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE_PATH.write_bytes(template_bytes())
    print(f"已生成模板：{TEMPLATE_PATH.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
