"""Small Word documents built with python-docx (the 推荐函, the 专家评分表): A4, Chinese fonts, bordered tables.

Pure: data in, bytes out. Plain Word features only, so that WPS opens the files as well as Word. Every text passes
through docx_builder.clean_text (characters XML cannot hold are removed).
"""
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from webapp.documents.docx_builder import clean_text

BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def new_document(*, landscape: bool = False):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.4)
    style = document.styles["Normal"]
    _fonts(style.font, BODY_FONT, Pt(14))
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.35
    return document


def _fonts(font, east_asian: str, size) -> None:
    font.name = LATIN_FONT
    font.size = size
    fonts = font.element.rPr.find(qn("w:rFonts")) if font.element.rPr is not None else None
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        font.element.get_or_add_rPr().append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def paragraph(document, text: str = "", *, size: float = 14, bold: bool = False, font: str = BODY_FONT,
              align: str = "left", indent: bool = False, space_before: float = 0, space_after: float = 0):
    """One paragraph; line breaks in `text` stay line breaks."""
    para = document.add_paragraph()
    para.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                      "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    para.paragraph_format.space_before, para.paragraph_format.space_after = Pt(space_before), Pt(space_after)
    add_text(para, text, size=size, bold=bold, font=font)
    return para


def add_text(para, text: str, *, size: float = 14, bold: bool = False, font: str = BODY_FONT) -> None:
    lines = clean_text(text).split("\n")
    for number, line in enumerate(lines):
        run = para.add_run(line)
        run.bold = bold
        _fonts(run.font, font, Pt(size))
        if number < len(lines) - 1:
            run.add_break()


def title(document, text: str, size: float = 20) -> None:
    paragraph(document, text, size=size, font=TITLE_FONT, align="center", space_after=12)


def table(document, rows: list[list[str]], widths_cm: list[float], *, header_rows: int = 1, size: float = 11):
    """A bordered table; the first `header_rows` rows bold, centred and repeated on every page."""
    grid = document.add_table(rows=len(rows), cols=len(widths_cm))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        row = grid.rows[r]
        if r < header_rows:
            _repeat_header(row)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Cm(widths_cm[c])
            para = cell.paragraphs[0]
            para.paragraph_format.line_spacing = 1.15
            if r < header_rows:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_text(para, str(value if value is not None else ""), size=size, bold=r < header_rows)
    return grid


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def footer(document, text: str) -> None:
    for section in document.sections:
        para = section.footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(para, text, size=9)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
