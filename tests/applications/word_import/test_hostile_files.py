"""Hostile Word files are refused before anything in them is parsed, with a message for the user: macros, templates,
relationships to anything outside the file, DTDs and entities, encrypted parts, zip bombs, files that are no ZIP."""
import io
import zipfile

import pytest

from webapp.documents.docx_builder import render_blank
from webapp.documents.word_reader import WordFileError, read_docx
from webapp.documents.word_reader import package

from tests.applications.word_import.files import changed

BLANK = render_blank([2021, 2022, 2023])
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS = "word/_rels/document.xml.rels"


def refused(data: bytes) -> str:
    with pytest.raises(WordFileError) as caught:
        read_docx(data)
    return str(caught.value)


def test_a_plain_file_is_read():
    assert read_docx(BLANK).years == [2021, 2022, 2023]


def test_a_macro_enabled_document_is_refused():
    data = changed(BLANK, {"[Content_Types].xml": lambda xml: xml.replace(
        MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml")})
    assert "启用宏" in refused(data)


def test_a_macro_project_is_refused_whatever_the_content_types_say():
    assert "宏" in refused(changed(BLANK, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"}))


def test_activex_controls_are_refused():
    assert "ActiveX" in refused(changed(BLANK, {"word/activeX/activeX1.xml": b"<ax/>"}))


def test_a_template_is_refused():
    data = changed(BLANK, {"[Content_Types].xml": lambda xml: xml.replace(
        MAIN, "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")})
    assert "模板" in refused(data)


@pytest.mark.parametrize("kind", ["attachedTemplate", "image", "oleObject", "subDocument"])
def test_a_relationship_to_anything_outside_the_file_is_refused(kind):
    rel = (f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
           'Target="http://attacker.example/x" TargetMode="External"/>')
    data = changed(BLANK, {RELS: lambda xml: xml.replace("</Relationships>", rel + "</Relationships>")})
    assert kind in refused(data)


def test_a_hyperlink_word_adds_to_an_email_address_is_fine():
    rel = ('<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
           'Target="mailto:a@example.com" TargetMode="External"/>')
    data = changed(BLANK, {RELS: lambda xml: xml.replace("</Relationships>", rel + "</Relationships>")})
    assert read_docx(data).years == [2021, 2022, 2023]


def test_a_dtd_or_entity_declaration_is_refused():
    bomb = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    data = changed(BLANK, {"word/document.xml": lambda xml: xml.replace("?>", "?>" + bomb, 1)})
    assert "DTD" in refused(data)


def test_a_declaration_hidden_behind_a_long_prolog_is_refused():
    padded = "<!--" + "x" * 8000 + '--><!DOCTYPE w:document [<!ENTITY a "a">]>'
    data = changed(BLANK, {"word/document.xml": lambda xml: xml.replace("?>", "?>" + padded, 1)})
    assert "DTD" in refused(data)


def test_a_zip_bomb_is_refused_by_its_declared_size(monkeypatch):
    monkeypatch.setattr(package, "MAX_UNPACKED", 4 * 1024 * 1024)       # the same check at a size quick to make
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(BLANK))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        with target.open("word/media/zeros.bin", "w", force_zip64=False) as part:
            chunk = bytes(1024 * 1024)
            for _ in range(package.MAX_UNPACKED // len(chunk) + 1):
                part.write(chunk)
    assert len(out.getvalue()) < 100 * 1024
    assert "过大" in refused(out.getvalue())


def test_an_encrypted_entry_is_refused():
    data = bytearray(BLANK)
    at = data.find(b"PK\x01\x02")                  # the first entry of the central directory: set its encrypted flag
    data[at + 8] |= 0x1
    assert "加密" in refused(bytes(data))


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_anything_that_is_no_word_file_is_refused(data):
    assert ".docx" in refused(data)


def test_a_zip_that_is_no_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                               'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                                               '</Types>')
        target.writestr("hello.txt", "hi")
    assert "不是 Word 文档" in refused(out.getvalue())
