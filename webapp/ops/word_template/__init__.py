"""Build the docxtpl template of the 申报书 (附件2) with python-docx.

    python -m webapp.ops.word_template

writes webapp/documents/templates/shenbaoshu.docx. The output is byte-for-byte reproducible (fixed zip dates, fixed
document properties), so the committed template can be checked against this package (a test does).

The template holds Jinja tags (docxtpl): `{{ … }}` in runs, `{%p … %}` paragraphs, `{%tr … %}` table rows.
The names it uses are the keys of `docx_builder.application_context`. Only plain Word features are used:
tables with merged cells, paragraphs, page breaks, footnotes, a footer with PAGE/NUMPAGES fields.

Modules: styles (fonts, paragraph styles, the page), blocks (paragraphs and tables), page (page setup, footer,
cover), basic_table (一、基本情况表), sections (二 … 八), footnotes (the form's five notes), package (the file as
committed, without the leftovers of python-docx's default template).
"""
import io

from docx import Document

from webapp.ops.word_template.basic_table import PLEDGE, build_basic_table
from webapp.ops.word_template.footnotes import add_footnotes
from webapp.ops.word_template.package import TEMPLATE_PATH, clean_package, stable_zip
from webapp.ops.word_template.page import build_cover, footer, page_setup
from webapp.ops.word_template.sections import build_sections
from webapp.ops.word_template.styles import define_styles

__all__ = ["PLEDGE", "TEMPLATE_PATH", "build_document", "template_bytes"]


def build_document():
    doc = Document()
    define_styles(doc)
    page_setup(doc.sections[0])
    footer(doc.sections[0])
    build_cover(doc)
    build_basic_table(doc)
    build_sections(doc)
    add_footnotes(doc)
    clean_package(doc)
    return doc


def template_bytes() -> bytes:
    """The template as it should be committed (stable zip: fixed dates, same order)."""
    buffer = io.BytesIO()
    build_document().save(buffer)
    return stable_zip(buffer.getvalue())
