"""八、相关证明材料: type detection by content, size limits, atomic storage, permissions, plain and HTMX uploads."""
import hashlib
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from docx import Document

from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus, Attachment, AttachmentCategory, AuditRecord,
    Campaign, Link, SectionVersion,
)
from webapp.applications.uploads import UploadError, attachment_path, clean_name, store_upload

from tests.conftest import text

MB = 1024 * 1024


# ---- tiny real files ----

def make_pdf(padding: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" \
           b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    return body + b"%" + b"0" * padding + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xb3\x26\x1e")) \
        + chunk(b"IEND", b"")


# The smallest well-formed JPEG (1×1, 125 bytes).
JPEG = bytes.fromhex(
    "ffd8ffdb004300030202020202030202020303030304060404040404080606050609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f"
    "101011100a0c12131210130f101010ffc9000b080001000101011100ffcc000600101005ffda0008010100003f00d2cf20ffd9")


def make_docx() -> bytes:
    document = Document()
    document.add_paragraph("关键技术设备清单")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["名称", "单价", "总价", "品牌", "供应商"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_ole2() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# ---- helpers ----

def start(client) -> int:
    response = client.post("/applications/start")
    assert response.status_code == 303
    return int(re.search(r"/applications/(\d+)/", response.location).group(1))


def upload(client, application_id, files, category="license", *, htmx=False, **fields):
    data = {"category": category, "file": [(io.BytesIO(content), name) for content, name in files], **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    # As the form does: the category also in the query, so that a body refused unread still names its block.
    return client.post(f"/applications/{application_id}/attachments?category={category}", data=data, content_type="multipart/form-data",
                       headers=headers)


def rows(app, application_id=None):
    with app.app_context():
        query = db.select(Attachment)
        if application_id is not None:
            query = query.filter_by(application_id=application_id)
        return [(a.id, a.category.value, a.original_name, a.size, a.sha256, a.content_type, a.stored_name,
                 a.document_version, a.document_fingerprint) for a in db.session.scalars(query.order_by(Attachment.id))]


def stored_files(app) -> list[Path]:
    """Every file under the upload folder, temporary ones included."""
    return sorted(p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file())


def path_of(app, attachment_id) -> Path:
    with app.app_context():
        return attachment_path(db.session.get(Attachment, attachment_id))


def set_campaign(app, **values):
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        for key, value in values.items():
            setattr(campaign, key, value)
        db.session.commit()


def set_status(app, application_id, status):
    with app.app_context():
        db.session.get(Application, application_id).status = status
        db.session.commit()


@pytest.fixture
def applicant(login_as):
    client = login_as("applicant")
    client.application_id = start(client)
    return client


# ---- accepted types ----

ALLOWED = [
    ("营业执照.pdf", make_pdf, "application/pdf"),
    ("车间照片.png", make_png, "image/png"),
    ("产线照片.JPG", lambda: JPEG, "image/jpeg"),
    ("设备清单.docx", make_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("设备清单.xlsx", make_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("人员情况.doc", make_ole2, "application/msword"),
    ("人员情况.xls", make_ole2, "application/vnd.ms-excel"),
]


@pytest.mark.parametrize("name, build, content_type", ALLOWED, ids=[a[0] for a in ALLOWED])
def test_each_allowed_type_is_stored_with_its_hash_and_size(app, applicant, name, build, content_type):
    content = build()
    response = upload(applicant, applicant.application_id, [(content, name)], "other")
    assert response.status_code == 303
    [(attachment_id, category, original, size, sha256, stored_type, stored_name, *_)] = rows(app)
    assert (category, original, stored_type) == ("other", name, content_type)
    assert size == len(content) and sha256 == hashlib.sha256(content).hexdigest()
    with app.app_context():
        assert db.session.get(Attachment, attachment_id).crc32 == zlib.crc32(content)   # for the archives' headers
    path = path_of(app, attachment_id)
    assert path.read_bytes() == content
    assert path.parent.name == stored_name[:2] and re.fullmatch(r"[0-9a-f]{32}", stored_name)
    assert name not in str(path)                     # the original name lives only in the database
    assert stored_files(app) == [path]               # no temporary file left


# ---- refused content ----

def office_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


REFUSED = [
    ("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "文件内容与类型不符"),
    ("说明.png", "这是一个文本文件，不是图片。".encode(), "文件内容与类型不符"),
    ("报告.png", make_pdf(), "内容是 PDF 文件，但扩展名为“.png”"),
    ("清单.xlsx", make_docx(), "内容是 DOCX 文件"),
    ("压缩包.docx", office_zip({"readme.txt": b"hello"}), "文件内容与类型不符"),
    ("宏.docx", office_zip({"word/document.xml": b"<w/>"}), "文件内容与类型不符"),   # no [Content_Types].xml
    ("无扩展名", make_pdf(), "没有扩展名"),
    ("空文件.pdf", b"", "空文件"),
]


@pytest.mark.parametrize("name, content, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_content_leaves_nothing_behind(app, applicant, name, content, message):
    response = upload(applicant, applicant.application_id, [(content, name)])
    assert response.status_code == 200
    page = text(response)
    assert message in page and "category-license-error" in page
    assert rows(app) == []
    assert stored_files(app) == []


def test_refusal_message_lists_the_accepted_formats(app, applicant):
    response = upload(applicant, applicant.application_id, [(b"MZ" + b"\x00" * 100, "x.pdf")], htmx=True)
    assert "“x.pdf”：文件内容与类型不符，只接受 PDF、JPG、PNG、DOC/DOCX、XLS/XLSX 格式。" in text(response)


def test_refusals_are_audited(app, applicant):
    upload(applicant, applicant.application_id, [(b"MZ" + b"\x00" * 100, "x.pdf")])
    with app.app_context():
        record = db.session.scalars(db.select(AuditRecord).order_by(AuditRecord.id.desc())).first()
        assert (record.action, record.success, record.object_type) == ("attachment.upload", False, "application")
        assert "x.pdf" in record.detail and "文件内容与类型不符" in record.detail


def test_stamped_scan_accepts_only_scans(app, applicant):
    response = upload(applicant, applicant.application_id, [(make_docx(), "申报书.docx")], "stamped_scan")
    assert "盖章申报书扫描件只接受 PDF、JPG、PNG 格式" in text(response)
    assert rows(app) == []


# ---- sizes ----

def test_file_over_the_campaign_limit_is_refused_with_both_sizes(app, applicant):
    set_campaign(app, max_file_mb=1)
    content = make_pdf(padding=int(1.5 * MB) - 200)
    response = upload(applicant, applicant.application_id, [(content, "审计报告.pdf")], "audit")
    page = text(response)
    assert "“审计报告.pdf”大小为 1.5 MB，超过了单个文件 1 MB 的上限" in page
    assert rows(app) == [] and stored_files(app) == []


def test_application_total_limit_keeps_the_files_already_stored(app, applicant):
    set_campaign(app, max_file_mb=1, max_application_mb=1)
    first, second = make_pdf(padding=600 * 1024), make_pdf(padding=500 * 1024)
    response = upload(applicant, applicant.application_id, [(first, "审计报告一.pdf"), (second, "审计报告二.pdf")],
                      "audit")
    page = text(response)
    assert "已上传 1 个文件：审计报告一.pdf" in page
    assert "“审计报告二.pdf”（501 KB）未上传：本申报书的附件合计不能超过 1 MB，已上传 601 KB" in page
    assert [r[2] for r in rows(app)] == ["审计报告一.pdf"]
    assert len(stored_files(app)) == 1


def test_request_above_max_content_length_answers_htmx_with_the_category_block(app, applicant):
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    content = make_pdf(padding=150 * 1024)
    response = upload(applicant, applicant.application_id, [(content, "营业执照.pdf")], htmx=True)
    page = text(response)
    assert response.status_code == 200 and "<html" not in page
    assert 'id="category-license"' in page and "超过了单次上传 100 KB 的上限" in page
    plain = upload(applicant, applicant.application_id, [(content, "营业执照.pdf")])
    assert plain.status_code == 413 and "超过了单次上传 100 KB 的上限" in text(plain)
    assert rows(app) == [] and stored_files(app) == []


def test_request_too_large_is_readable_even_when_the_csrf_check_reads_the_body_first(app, applicant):
    app.config.update(MAX_CONTENT_LENGTH=100 * 1024, WTF_CSRF_ENABLED=True)
    content = make_pdf(padding=150 * 1024)
    response = applicant.post(f"/applications/{applicant.application_id}/attachments?category=audit",
                              data={"category": "audit", "file": (io.BytesIO(content), "审计报告.pdf")},
                              content_type="multipart/form-data", headers={"HX-Request": "true"})
    page = text(response)
    assert response.status_code == 200 and 'id="category-audit"' in page and "超过了单次上传" in page


# ---- names and downloads ----

def test_chinese_name_is_kept_and_sent_in_content_disposition(app, applicant):
    name = "湖南某某智能装备有限公司营业执照（副本）.pdf"
    content = make_pdf()
    upload(applicant, applicant.application_id, [(content, name)])
    [(attachment_id, *_)] = rows(app)
    response = applicant.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200 and response.data == content
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert f'filename="attachment-{attachment_id}.pdf"' in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_images_may_be_shown_inline_but_other_files_never(app, applicant):
    upload(applicant, applicant.application_id, [(make_png(), "photo.png"), (make_pdf(), "scan.pdf")], "photos")
    [(png_id, *_), (pdf_id, *_)] = rows(app)
    assert applicant.get(f"/attachments/{png_id}?inline=1").headers["Content-Disposition"].startswith("inline;")
    assert 'filename="photo.png"' in applicant.get(f"/attachments/{png_id}").headers["Content-Disposition"]
    assert applicant.get(f"/attachments/{pdf_id}?inline=1").headers["Content-Disposition"].startswith("attachment;")


def test_names_are_cleaned():
    assert clean_name("C:\\fakepath\\营业执照\x00\u202e.pdf") == "营业执照.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("  \x07 ") == "未命名文件"
    long = clean_name("审" * 300 + ".pdf")
    assert len(long) == 255 and long.endswith("审.pdf")


# ---- who may reach what ----

def test_another_enterprise_gets_404_for_download_and_delete(app, applicant, login_as):
    upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")])
    [(attachment_id, *_)] = rows(app)
    other = login_as("applicant")
    assert other.get(f"/attachments/{attachment_id}").status_code == 404
    assert other.post(f"/attachments/{attachment_id}/delete").status_code == 404
    assert upload(other, applicant.application_id, [(make_pdf(), "x.pdf")]).status_code == 404
    assert len(rows(app)) == 1 and path_of(app, attachment_id).exists()


def test_units_see_their_prefecture_after_submission_and_the_admin_always(app, applicant, login_as):
    upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")])
    [(attachment_id, *_)] = rows(app)
    url = f"/attachments/{attachment_id}"
    same_unit, other_unit, admin = login_as("recommender"), login_as("other_recommender"), login_as("admin")
    assert admin.get(url).status_code == 200
    assert same_unit.get(url).status_code == 404        # a draft is the enterprise's own
    set_status(app, applicant.application_id, ApplicationStatus.SUBMITTED)
    assert same_unit.get(url).status_code == 200
    assert other_unit.get(url).status_code == 404
    assert same_unit.post(f"{url}/delete").status_code == 403
    assert len(rows(app)) == 1


# ---- delete, state, audit ----

def test_delete_in_draft_removes_row_and_file_and_is_audited(app, applicant):
    upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")])
    [(attachment_id, *_)] = rows(app)
    path = path_of(app, attachment_id)
    response = applicant.post(f"/attachments/{attachment_id}/delete")
    assert response.status_code == 303 and response.location.endswith("/sections/attachments#category-license")
    assert rows(app) == [] and not path.exists()
    with app.app_context():
        actions = [r.action for r in db.session.scalars(db.select(AuditRecord).order_by(AuditRecord.id))]
        version = db.session.scalars(db.select(SectionVersion).filter_by(
            application_id=applicant.application_id, section="attachments")).one().version
    assert actions[-2:] == ["attachment.upload", "attachment.delete"]
    assert version == 2


def test_no_upload_or_delete_after_submission(app, applicant):
    upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")])
    [(attachment_id, *_)] = rows(app)
    set_status(app, applicant.application_id, ApplicationStatus.SUBMITTED)
    response = upload(applicant, applicant.application_id, [(make_pdf(), "审计报告.pdf")], "audit", htmx=True)
    assert response.status_code == 409 and "不能上传或删除附件" in text(response)
    assert upload(applicant, applicant.application_id, [(make_pdf(), "审计报告.pdf")], "audit").status_code == 303
    assert applicant.post(f"/attachments/{attachment_id}/delete").status_code == 303
    assert [r[2] for r in rows(app)] == ["营业执照.pdf"] and path_of(app, attachment_id).exists()
    assert len(stored_files(app)) == 1


# ---- plain and HTMX answers ----

def test_plain_post_redirects_and_htmx_gets_the_category_block(app, applicant):
    plain = upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")])
    assert plain.status_code == 303
    assert plain.location.endswith(f"/applications/{applicant.application_id}/sections/attachments#category-license")
    htmx = upload(applicant, applicant.application_id, [(make_png(), "执照照片.png")], htmx=True)
    page = text(htmx)
    assert htmx.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith('<div class="attachment-category" id="category-license">')
    assert "营业执照.pdf" in page and "执照照片.png" in page and "已上传 1 个文件：执照照片.png" in page
    assert 'id="attachment-totals" hx-swap-oob="true"' in page and 'id="section-nav"' in page
    assert 'id="category-stamped_scan" hx-swap-oob="true"' in page     # the 盖章版's state follows the proof files
    delete = applicant.post(f"/attachments/{rows(app)[0][0]}/delete", headers={"HX-Request": "true"})
    assert delete.status_code == 200 and "<html" not in text(delete) and "已删除“营业执照.pdf”" in text(delete)


def test_next_must_be_a_local_path(app, applicant):
    local = upload(applicant, applicant.application_id, [(make_pdf(), "a.pdf")], next="/applications/1/checklist")
    assert local.status_code == 303 and local.location.endswith("/applications/1/checklist")
    for padding, bad in enumerate(("//evil.example/x", "https://evil.example/", "/\\evil.example"), start=1):
        response = upload(applicant, applicant.application_id, [(make_pdf(padding), "b.pdf")], next=bad)
        assert response.status_code == 303 and "evil" not in response.location


def test_empty_submission_asks_for_a_file(app, applicant):
    response = upload(applicant, applicant.application_id, [], htmx=True)
    assert "请先选择要上传的文件" in text(response)


def test_section_page_shows_categories_required_marks_and_totals(app, applicant):
    set_campaign(app, required_attachments=["license", "photos", "stamped_scan"])
    upload(applicant, applicant.application_id, [(make_pdf(), "营业执照.pdf")])
    page = text(applicant.get(f"/applications/{applicant.application_id}/sections/attachments"))
    for label in ("（一）企业营业执照复印件", "（二）近三年（2021-2023年）企业财务审计报告及智能制造专项审计报告",
                  "包括名称、单价、总价、品牌、对应合同、供应商、进口/国产/省产等信息", "包括人员相关信息表及其资质证书等",
                  "（七）其他相关证明文件", "盖章申报书扫描件"):
        assert label in page
    assert page.count('class="tag-required" title="本批次必须上传"') == 3
    assert "营业执照.pdf" in page and "已上传 1 个文件" in page and "上限 200 MB" in page
    assert 'enctype="multipart/form-data"' in page and 'hx-encoding="multipart/form-data"' in page


# ---- the stamped scan and pictures of a 场景 ----

def test_solution_pictures_belong_to_a_scenario_and_must_be_images(app, applicant):
    with app.app_context():
        application = db.session.get(Application, applicant.application_id)
        link = db.session.scalars(db.select(Link).filter_by(edition_id=application.edition_id)).first()
        app_link = ApplicationLink(application=application, link=link, position=0)
        scenario = ApplicationScenario(app_link=app_link, position=0, name="智能排产")
        db.session.add(scenario)
        db.session.commit()
        scenario_id = scenario.id
    back = f"/applications/{applicant.application_id}/sections/implementation"
    response = upload(applicant, applicant.application_id, [(make_png(), "排产看板.png")], "solution_picture",
                      app_scenario_id=str(scenario_id), next=back)
    assert response.status_code == 303 and response.location.endswith(back)
    refused = upload(applicant, applicant.application_id, [(make_pdf(), "方案.pdf")], "solution_picture",
                     app_scenario_id=str(scenario_id), next=back)
    assert refused.status_code == 303
    with app.app_context():
        pictures = db.session.get(ApplicationScenario, scenario_id).pictures
        assert [p.original_name for p in pictures] == ["排产看板.png"]
    assert upload(applicant, applicant.application_id, [(make_png(), "x.png")], "solution_picture",
                  app_scenario_id="999999").status_code == 404


# ---- storage is atomic ----

class BrokenStream(io.RawIOBase):
    """A client that disconnects after the first megabyte."""

    def __init__(self):
        self.sent = 0

    def readable(self):
        return True

    def read(self, size=-1):
        if self.sent:
            raise OSError("connection reset")
        self.sent = 1
        return b"%PDF-1.4\n" + b"0" * MB


def test_interrupted_upload_leaves_no_file_and_no_row(app, applicant):
    with app.test_request_context(), app.app_context():
        application = db.session.get(Application, applicant.application_id)
        with pytest.raises(OSError):
            store_upload(application, AttachmentCategory.LICENSE, BrokenStream(), "执照.pdf", None)
        db.session.rollback()
    assert rows(app) == [] and stored_files(app) == []


def test_a_file_placed_in_a_rolled_back_transaction_is_removed(app, applicant):
    with app.app_context():
        application = db.session.get(Application, applicant.application_id)
        attachment = store_upload(application, AttachmentCategory.LICENSE, io.BytesIO(make_pdf()), "执照.pdf", None)
        assert attachment_path(attachment).exists()
        db.session.rollback()
    assert rows(app) == [] and stored_files(app) == []


def test_store_upload_refuses_with_upload_error(app, applicant):
    with app.app_context():
        application = db.session.get(Application, applicant.application_id)
        with pytest.raises(UploadError, match="文件内容与类型不符"):
            store_upload(application, AttachmentCategory.OTHER, io.BytesIO(b"MZ" * 100), "x.exe", None)
    assert stored_files(app) == []
