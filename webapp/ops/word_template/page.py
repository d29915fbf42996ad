"""The page of the template (size, margins, the footer with its page fields), its properties, and the cover."""
from datetime import datetime

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from webapp.ops.word_template.blocks import new_table, paragraph
from webapp.ops.word_template.styles import CENTER, HEI, PAGE, STYLE_NAMES


def page_setup(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(PAGE["width"]), Cm(PAGE["height"])
    section.top_margin, section.bottom_margin = Cm(PAGE["top"]), Cm(PAGE["bottom"])
    section.left_margin, section.right_margin = Cm(PAGE["left"]), Cm(PAGE["right"])
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)


FOOTER_TEXT = ("{% if blank %}湖南省智能制造标杆申报书（空白表，供离线填写）"
               "{% else %}{% if draft %}草稿 · {% endif %}版本 {{ version }} · "
               "生成于 {{ generated_at }} · 校验码 {{ fingerprint }}{% endif %} · 第 ")


def footer(section) -> None:
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


def properties(doc) -> None:
    props = doc.core_properties
    props.title = "湖南省智能制造标杆申报书"
    props.author = props.last_modified_by = "湖南省智能制造标杆申报系统"
    props.subject = props.keywords = props.comments = ""
    props.created = props.modified = datetime(2024, 1, 1)
    props.revision = 1


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
