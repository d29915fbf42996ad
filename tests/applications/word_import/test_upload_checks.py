"""The Word file of an import is an upload like any other: it may be as large as an attachment (not the 2 MB of a
form), and clamd scans it before anything reads it."""
import io
import os
import zipfile

from webapp.documents.docx_builder import render_blank

from tests.applications.word_import.pages import start, upload
from tests import clamd as clamd_server
from tests.clamd import EICAR, SIGNATURE
from tests.conftest import text

clamd = clamd_server.clamd          # the fixture, shared

MB = 1024 * 1024


def with_stored_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name), content, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def test_a_word_file_over_the_form_limit_reaches_the_import(login_as):
    client = login_as("applicant")
    application_id = start(client)
    response = upload(client, application_id, os.urandom(3 * MB), "申报书.docx")
    assert response.status_code != 413
    assert "的内容不是 Word 文档" in text(response)


def test_an_infected_word_file_is_refused_before_it_is_read(app, login_as, clamd):
    app.config["CLAMD_SOCKET"] = clamd
    client = login_as("applicant")
    application_id = start(client)
    infected = with_stored_part(render_blank([2021, 2022, 2023]), "word/media/readme.txt", EICAR)
    page = text(upload(client, application_id, infected))
    assert "检测到病毒或恶意代码" in page and SIGNATURE in page
    assert upload(client, application_id, render_blank([2021, 2022, 2023])).status_code == 303
