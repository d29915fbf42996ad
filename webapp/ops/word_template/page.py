"""The page of the template (size, margins, the footer with its page fields) and the cover."""
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from webapp.ops.word_template.blocks import new_table, paragraph
from webapp.ops.word_template.styles import CENTER, JUSTIFY, PAGE, STYLE_NAMES, TITLE


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


COVER_WIDTHS = [3.5, 8.26, 2.9]                 # label, value, suffix (cm)
COVER_VALUE_WIDTH = COVER_WIDTHS[1] - 2 * 0.12    # inside the cell margins
COVER_ROWS = [("项 目 名 称：", "{{ project_name }}", ""),
              ("申 报 单 位：", "{{ company_name }}", "（加盖公章）"),
              ("申 报 类 型：", "{{ type_box.enterprise }}标杆企业　　{{ type_box.workshop }}标杆车间", None),
              ("申 报 日 期：", "{{ declared_on }}", "")]


def build_cover(doc) -> None:
    title = paragraph(doc, "湖南省智能制造标杆申报书", "FormCover", align=CENTER, east_asia=TITLE, size=26)
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(110), Pt(60)
    table = new_table(doc, COVER_WIDTHS, borders=False)
    for label, value, suffix in COVER_ROWS:
        _cover_row(table.add_row().cells, label, value, suffix)
    maker = paragraph(doc, "湖南省工业和信息化厅制", "FormCover", align=CENTER)
    maker.paragraph_format.space_before = Pt(130)


def _cover_row(cells, label: str, value: str, suffix: str | None) -> None:
    """Label, value and suffix aligned on the value's first line; a long value wraps under itself.

    Where the form has a line to write on (suffix not None), the value is underlined and a tab to the cell's right
    edge underlines the rest of its last line, so that every line of a long value is underlined, and a short or
    empty value still shows the whole line.
    """
    paragraph(cells[0], label, "FormCover", reuse_first=True)
    if suffix is None:
        paragraph(cells[1], value, "FormCover", reuse_first=True)
    else:
        para = paragraph(cells[1], [(value, {"underline": True}), ("\t", {"underline": True})], "FormCover",
                         align=JUSTIFY, reuse_first=True)
        para.paragraph_format.tab_stops.add_tab_stop(Cm(COVER_VALUE_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    paragraph(cells[2], suffix or "", "FormCover", reuse_first=True, size=12).paragraph_format.space_before = Pt(17)
    for cell in cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        cell.paragraphs[0].paragraph_format.space_before = cell.paragraphs[0].paragraph_format.space_before or Pt(14)
