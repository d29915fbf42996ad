"""Uploads that would harm a reviewer who opens them: zip bombs and billion-laughs Office files, and viruses (a real
clamd with a local EICAR signature)."""
import io
import zipfile

import pytest

from webapp.core import virus_scan

from tests.applications import test_attachments
from tests.applications.test_attachments import make_docx, make_pdf, make_xlsx, rows, stored_files, upload
from tests import clamd as clamd_server
from tests.clamd import EICAR, SIGNATURE
from tests.conftest import text

clamd = clamd_server.clamd          # the fixture, shared

MB = 1024 * 1024

applicant = test_attachments.applicant          # the fixture, shared


def with_part(original: bytes, name: str, data: bytes | None = None, *, zeros: int = 0) -> bytes:
    """A copy of an Office file with one part added or replaced (`zeros` MB of zeros streamed into it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item))
        with target.open(name, "w", force_zip64=False) as part:
            if data is not None:
                part.write(data)
            for _ in range(zeros):
                part.write(b"\0" * MB)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t>
</w:r></w:p></w:body></w:document>"""


def test_a_zip_bomb_spreadsheet_is_refused_before_it_is_opened(app, applicant):
    bomb = with_part(make_xlsx(), "xl/worksheets/sheet2.xml", zeros=200)
    assert len(bomb) < 400 * 1024                          # ~200 KB that unpack to 200 MB
    page = text(upload(applicant, applicant.application_id, [(bomb, "设备清单.xlsx")]))
    assert "压缩炸弹" in page and "200 MB" in page
    assert rows(app) == [] and stored_files(app) == []


def test_a_high_ratio_under_the_size_limit_is_refused_too(app, applicant):
    bomb = with_part(make_docx(), "word/media/padding.bin", zeros=50)
    page = text(upload(applicant, applicant.application_id, [(bomb, "说明.docx")]))
    assert "压缩比异常" in page and rows(app) == []


@pytest.mark.parametrize("part", ["word/document.xml", "word/_rels/document.xml.rels"])
def test_a_billion_laughs_document_is_refused(app, applicant, part):
    hostile = with_part(make_docx(), part, BILLION_LAUGHS)
    page = text(upload(applicant, applicant.application_id, [(hostile, "技术成果.docx")]))
    assert "文档类型定义" in page and rows(app) == []


def test_a_utf16_dtd_is_found_as_well(app, applicant):
    hostile = with_part(make_docx(), "word/document.xml", b"\xff\xfe" + BILLION_LAUGHS.decode().encode("utf-16-le"))
    assert "文档类型定义" in text(upload(applicant, applicant.application_id, [(hostile, "x.docx")]))


def test_ordinary_office_files_pass(app, applicant):
    for content, name in ((make_docx(), "清单.docx"), (make_xlsx(), "清单.xlsx")):
        assert upload(applicant, applicant.application_id, [(content, name)], "other").status_code == 303
    assert len(rows(app)) == 2


# ---- viruses ----------------------------------------------------------------------------------------------------

def test_an_infected_file_is_refused_and_never_stored(app, applicant, clamd):
    app.config["CLAMD_SOCKET"] = clamd
    infected = make_pdf().replace(b"%%EOF", EICAR + b"\n%%EOF")
    page = text(upload(applicant, applicant.application_id, [(infected, "营业执照.pdf")]))
    assert "检测到病毒或恶意代码" in page and SIGNATURE in page
    assert rows(app) == [] and stored_files(app) == []
    assert upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")]).status_code == 303
    assert len(rows(app)) == 1


def test_the_client_speaks_instream(tmp_path, clamd):
    clean, infected = tmp_path / "clean.txt", tmp_path / "eicar.com"
    clean.write_bytes(b"nothing here" * 100_000)
    infected.write_bytes(EICAR)
    assert virus_scan.scan_file(clean, clamd) is None
    assert virus_scan.scan_file(infected, clamd).startswith(SIGNATURE)


def test_a_configured_scanner_that_is_down_refuses_the_upload(app, applicant, tmp_path):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-such.sock")
    page = text(upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")]))
    assert "病毒扫描服务暂时不可用" in page and rows(app) == []


def test_scanning_is_off_by_default(app):
    assert app.config["CLAMD_SOCKET"] == ""
