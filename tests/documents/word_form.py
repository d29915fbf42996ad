"""Reading a rendered 申报书 back with python-docx: lookups by the form's labels, and how values should print."""
import io
from datetime import datetime
from decimal import Decimal

from docx import Document
from docx.table import _Cell

from tests.factories import make_complete_application, make_enterprise
from webapp.core.extensions import db
from webapp.documents.docx_builder import application_context, render_docx
from webapp.models import Application, ApplicationType

GENERATED_AT = datetime(2024, 5, 20, 2, 31)      # UTC: 10:31 in Beijing
HEADINGS = {"Heading1", "Heading2", "Heading3"}


def num(value) -> str:
    """A number as the context holds it (as entered, without trailing zeros)."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount(value) -> str:
    """An amount in 万元 as the form prints it: two decimals, thousands separators."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def percent(value) -> str:
    return "" if value is None else f"{Decimal(value):.2f}"


def box(checked) -> str:
    return "☑" if checked else "□"


class Form:
    """The rendered file opened with python-docx, with lookups by the form's labels."""

    def __init__(self, data: bytes):
        self.data = data
        self.doc = Document(io.BytesIO(data))
        self.cover_rows = self._rows(self.doc.tables[0])
        self.rows = self._rows(self.doc.tables[1])
        self.body = [p for p in self.doc.paragraphs]

    def _rows(self, table) -> list[list[_Cell]]:
        """Each row as its distinct cells (a merged cell once; a vertically continued cell as an empty one)."""
        return [[_Cell(tc, table) for tc in row._tr.tc_lst] for row in table.rows]

    def _find(self, label: str, nth: int = 0) -> tuple[list[_Cell], int]:
        hits = [(row, i) for row in self.rows for i, cell in enumerate(row) if cell.text == label]
        assert len(hits) > nth, f"label {label!r} not found"
        return hits[nth]

    def cell(self, label: str, offset: int = 1, nth: int = 0) -> str:
        row, index = self._find(label, nth)
        return row[index + offset].text

    def label_cell(self, label: str) -> _Cell:
        row, index = self._find(label)
        return row[index]

    def cell_paragraphs(self, label: str) -> list[str]:
        row, index = self._find(label)
        return [p.text for p in row[index + 1].paragraphs]

    def row_texts(self, label: str, nth: int = 0) -> list[str]:
        return [cell.text for cell in self._find(label, nth)[0]]

    def row_starting(self, prefix: str) -> list[str]:
        return next([c.text for c in row] for row in self.rows if row[0].text.startswith(prefix))

    def has_label(self, label: str) -> bool:
        return any(cell.text == label for row in self.rows for cell in row)

    def cover(self, label: str) -> str:
        """A cover value without the tab that underlines the rest of its last line."""
        return next(row[1].text for row in self.cover_rows if row[0].text == label).removesuffix("\t")

    def heading_index(self, text: str, start: int = 0) -> int:
        return next(i for i in range(start, len(self.body)) if self.body[i].text.startswith(text)
                    and self.body[i].style.style_id in HEADINGS)

    def text_after(self, heading: str) -> str:
        """The user's text under a heading: the paragraphs up to the next heading, without the form's guidance."""
        index = self.heading_index(heading) + 1
        lines = []
        while index < len(self.body) and self.body[index].style.style_id not in HEADINGS:
            if self.body[index].style.style_id != "FormGuide":
                lines.append(self.body[index].text)
            index += 1
        return "\n".join(lines)

    def footer(self) -> str:
        return self.doc.sections[0].footer.paragraphs[0].text


def pictures_store():
    """Pictures by stored name, and the open_attachment callable that serves them."""
    store = {}
    return store, lambda picture: store[picture["stored_name"]]


def build(campaign, app_type=ApplicationType.ENTERPRISE, name="湖南湘江智能装备股份有限公司", **kwargs) -> Application:
    enterprise = make_enterprise(db.session, name=name)
    return make_complete_application(db.session, enterprise=enterprise, campaign=campaign, app_type=app_type,
                                     **kwargs)


def render(application, opener=None, draft=False) -> Form:
    context = application_context(application, generated_at=GENERATED_AT, draft=draft)
    return Form(render_docx(context, opener or (lambda picture: b"")))
