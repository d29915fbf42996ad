"""Building blocks of the template: paragraphs of runs, fixed-grid tables, the 基本情况表's cells."""
import re
from dataclasses import dataclass

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from webapp.ops.word_template.footnotes import add_reference
from webapp.ops.word_template.styles import (CENTER, HEI, JUSTIFY, LEFT, STYLE_NAMES, TEXT_WIDTH_CM, set_fonts,
                                             set_mark_font)

# Grid lines of the 基本情况表 (cm from its left edge): every row's cells end on one of them.
CUTS = [0, 2.4, 4.4, 6.4, 7.8, 8.4, 9.2, 9.8, 11.2, 12.5, TEXT_WIDTH_CM]
END = TEXT_WIDTH_CM
CELL_MARGIN_TWIPS = 68            # left and right, inside every cell of the 基本情况表
CELL_SIZE, SMALLER_SIZES = 10.5, (9, 7.5)

# A check mark of the context (□ or ☑): it gets a run of its own in the mark font wherever it appears.
MARK = re.compile(r"(\{\{ (?:type_box\.\w+|nature\.\w+|accident\.\w+|honours\.(?!maturity_level|other_text)\w+) \}\})")


def paragraph(container, content="", style="FormBody", *, align=None, reuse_first=False, **run_format):
    """Add a paragraph of one run (str) or several runs (list of str / (str, format dict)).

    Run formats: bold, size, east_asia, underline; {"footnote": n} adds the mark of footnote n instead of text.
    """
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
        if "footnote" in fmt:
            add_reference(para, fmt["footnote"])
            continue
        for piece in (piece for piece in MARK.split(text) if piece) if text else [text]:
            run = para.add_run(piece)
            _format_run(run, **fmt)
            if MARK.fullmatch(piece):
                set_mark_font(run)
    return para


def _format_run(run, *, bold=None, size=None, east_asia=None, underline=None):
    if bold is not None:
        run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if east_asia is not None:
        set_fonts(run._r, east_asia)
    if underline is not None:
        run.underline = underline


def heading(doc, content, level: int):
    return paragraph(doc, content, f"Heading{level}")


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
    _cell_margins(table, CELL_MARGIN_TWIPS)
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
            if isinstance(content, Fit):
                content = [P(content.runs(end - CUTS[start]))]
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


@dataclass(frozen=True)
class Fit:
    """A value printed on one line of its cell: in the cell's size if it fits, else smaller (e-mail addresses, amounts).

    Rendered as alternative runs chosen by docxtpl (`{%r if … %}`) with the renderer's `fits` filter, which estimates
    the printed width of the value; a value too long even for the smallest size wraps as any text would.
    """
    expression: str

    def runs(self, cell_width_cm: float) -> list:
        width = cell_width_cm - 2 * CELL_MARGIN_TWIPS / 567
        value = "{{ %s }}" % self.expression
        tests = ["(%s)|fits(%.2f, %s)" % (self.expression, width, size) for size in (CELL_SIZE, SMALLER_SIZES[0])]
        return [("{%%r if %s %%}" % tests[0], {}), (value, {}),
                ("{%%r elif %s %%}" % tests[1], {}), (value, {"size": SMALLER_SIZES[0]}),
                ("{%r else %}", {}), (value, {"size": SMALLER_SIZES[1]}), ("{%r endif %}", {})]


def noted(label: str, footnote: int) -> list:
    """A label followed by the mark of one of the form's footnotes."""
    return [P([(label, {}), ("", {"footnote": footnote})])]


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
