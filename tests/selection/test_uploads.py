"""The selection's uploads are uploads like the enterprise's: as large as the campaign allows (not the 2 MB of a
form), checked by clamd and the Office container checks before anything reads them."""
import io
import os

from webapp.ops.demo_files import minimal_pdf

from tests.applications.test_upload_safety import with_part
from tests.conftest import text
from tests.selection.test_plan_and_pool import post_import, workbook

MB = 1024 * 1024


def padded_pdf(megabytes: int) -> bytes:
    """A valid PDF grown by a comment of random bytes (a scan at a high resolution)."""
    pdf = minimal_pdf("盖章推荐函")
    return pdf.replace(b"%%EOF", b"%" + os.urandom(megabytes * MB).replace(b"\n", b" ").replace(b"\r", b" ")
                       + b"\n%%EOF")


def test_a_stamped_letter_scan_over_two_megabytes_is_accepted(app, login_as):
    unit = login_as("recommender")
    response = unit.post("/review/summary/letter-scan", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(padded_pdf(3)), "推荐函盖章扫描件.pdf")})
    assert response.status_code == 303
    assert "已上传推荐函扫描件" in text(unit.get(response.location))


def test_an_expert_list_that_would_expand_too_far_is_refused_before_it_is_opened(app, login_as):
    admin = login_as("admin")
    bomb = with_part(workbook([["李教授"]]), "xl/worksheets/sheet1.xml", zeros=300)
    assert len(bomb) < 5 * MB
    page = text(post_import(admin, bomb))
    assert "压缩炸弹" in page
    assert "导入完成" not in page
