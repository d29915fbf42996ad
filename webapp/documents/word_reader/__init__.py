"""Reading a filled 申报书 back from its Word file (pure: bytes in, a ParsedDocument out; no Flask, no database).

    parsed = read_docx(data)        # raises WordFileError with a message for the user

The file may be the blank form filled in, or a file this system generated and someone edited, saved by Word, WPS or
LibreOffice. It is read by the form's structure and labels, never by positions: package.py refuses hostile files
before anything is parsed, blocks.py flattens the body, basic.py reads the cover and the 基本情况表, texts.py finds the
parts 二 … 八 and their texts, links.py the 环节 and 场景 of 三.
"""
import io

from docx import Document

from webapp.documents.word_reader.basic import read_rows
from webapp.documents.word_reader.blocks import Para, Reader, Table
from webapp.documents.word_reader.labels import clean
from webapp.documents.word_reader.links import is_integration, read_links
from webapp.documents.word_reader.package import SAVE_AS, WordFileError, check_package
from webapp.documents.word_reader.parsed import ParsedDocument, ParsedLink, ParsedScenario, Picture
from webapp.documents.word_reader.texts import PARTS, read_texts, split_parts

__all__ = ["ParsedDocument", "ParsedLink", "ParsedScenario", "Picture", "WordFileError", "read_docx"]
MISSING_TITLES = {part_key: f"{numeral}、{title}" for part_key, numeral, title in PARTS}


def read_docx(data: bytes) -> ParsedDocument:
    check_package(data)
    try:
        document = Document(io.BytesIO(data))
        reader = Reader(document)
        body = reader.body()
    except WordFileError:
        raise
    except Exception:  # noqa: BLE001 — whatever python-docx cannot open is a file the user must save again
        raise WordFileError("无法读取该 Word 文件。" + SAVE_AS) from None
    parsed = ParsedDocument()
    parts = split_parts(body)
    before_texts = [block for key in ("cover", "basic") for block in parts.get(key, [])]
    read_rows([row for block in before_texts if isinstance(block, Table) for row in block.rows], parsed)
    _implementation(parts, parsed)
    fields, problems = read_texts(parts)
    parsed.fields.update(fields)
    parsed.problems += problems
    parsed.missing += [MISSING_TITLES[key] for key in ("overview", "implementation", "outcomes", "influence", "plan",
                                                         "lessons") if key not in parts]
    parsed.footer = _footer(document)
    return parsed


def _implementation(parts: dict, parsed: ParsedDocument) -> None:
    """三's 环节 blocks; what follows its 协同集成情况 heading is that text (the part "integration")."""
    blocks = parts.get("implementation", [])
    end = next((i for i, b in enumerate(blocks) if isinstance(b, Para) and is_integration(b)), len(blocks))
    if end < len(blocks):
        parts["integration"] = blocks[end + 1:]
    parsed.links, problems = read_links(blocks[:end])
    parsed.problems += problems
    if not parsed.links and parsed.listed_links:
        parsed.links = [ParsedLink(name, listed_only=True) for name in parsed.listed_links]


def _footer(document) -> str:
    for section in document.sections:
        for para in section.footer.paragraphs:
            if "校验码" in para.text:
                return clean(para.text)
    return ""
