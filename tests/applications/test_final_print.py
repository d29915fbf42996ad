"""定稿: the stamped paper equals the record. The 盖章版 (version, date, fingerprint, no 草稿), the stamped scan tied to
it, one valid scan (earlier ones 已作废 and out of the archives), byte-identical uploads refused, an edit that voids the
盖章版 asks first, one version number on the page, in the footers and in the manifest."""
import csv
import io
import re
import zipfile

import docx
import pytest

from webapp.applications.final_print import print_state
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import local_today, utcnow
from webapp.models import (
    Application, ApplicationStatus as S, Attachment, AttachmentCategory, AuditRecord, FinalPrint, ReportStatus,
    UnitReport,
)
from webapp.ops.demo_files import minimal_pdf

from tests.conftest import login, text
from tests.exports.archive_data import verify
from tests.factories import OPINION, make_application, make_complete_application, make_enterprise, resubmit, unit_reviewer
from webapp.review.decisions import decide


def upload(client, application_id, content: bytes, name: str, category: str = "stamped_scan", **fields):
    return client.post(f"/applications/{application_id}/attachments?category={category}",
                       data={"category": category, "file": [(io.BytesIO(content), name)], **fields},
                       content_type="multipart/form-data")


def word_texts(data: bytes) -> tuple[str, str]:
    """(body with tables, footers) of a Word file."""
    document = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    body += "\n" + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    footers = "\n".join(p.text for section in document.sections for p in section.footer.paragraphs)
    return body, footers


@pytest.fixture
def unstamped(app):
    """A complete application of 长沙 without its 盖章版, and its enterprise signed in."""
    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南湘江智能装备股份有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                                write_files=True, stamped=False)
        db.session.commit()
        ids = application.id, enterprise.users[0].login
    client = app.test_client()
    assert login(client, ids[1]).status_code == 302
    client.application_id = ids[0]
    return client


def final_of(app, application_id) -> FinalPrint | None:
    with app.app_context():
        finals = db.session.get(Application, application_id).final_prints
        return finals[-1] if finals else None


# ---- the 盖章版 ----------------------------------------------------------------------------------------------------

def test_the_final_print_waits_for_everything_but_the_scan(app, login_as):
    client = login_as("applicant")
    client.post("/applications/start")
    page = text(client.get("/applications/1/final"))
    assert "还有" in page and "处理完才能生成盖章版" in page and "disabled" in page
    refused = client.post("/applications/1/final", follow_redirects=True)
    assert "暂不能生成盖章版" in text(refused)
    with app.app_context():
        assert db.session.scalars(db.select(FinalPrint)).all() == []


def test_the_final_print_is_the_file_to_stamp(app, unstamped):
    page = text(unstamped.get(f"/applications/{unstamped.application_id}/final"))
    assert "除盖章扫描件外，各部分均已完成" in page and "生成盖章版（第 1 版）" in page
    response = unstamped.post(f"/applications/{unstamped.application_id}/final")
    assert response.status_code == 303
    final = final_of(app, unstamped.application_id)
    assert (final.version, final.declared_on) == (1, local_today())
    page = text(unstamped.get(f"/applications/{unstamped.application_id}/final"))
    assert f"校验码 {final.fingerprint}" not in page or final.fingerprint in page
    assert "下载盖章版 Word" in page and "当前有效" in page
    data = unstamped.get(f"/applications/{unstamped.application_id}/final/{final.id}.docx").data
    body, footers = word_texts(data)
    assert "草稿" not in footers and "版本 1" in footers and final.fingerprint in footers
    today = local_today()
    assert f"{today.year}年{today.month}月{today.day}日" in body           # 申报日期 filled
    listed = body.split("八、相关证明材料")[-1]
    assert "（未上传）" not in listed
    with app.app_context():                 # the proof files as they will be submitted
        application = db.session.get(Application, unstamped.application_id)
        assert all(a.original_name in listed for a in application.attachments
                   if a.category is not AttachmentCategory.STAMPED_SCAN)
    again = unstamped.post(f"/applications/{unstamped.application_id}/final", follow_redirects=True)
    assert "当前的盖章版仍然有效" in text(again)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "application.finalize")) == 1


def test_version_numbers_agree_on_page_footer_history_and_manifest(app, unstamped, login_as):
    """第 1 版 on the page, 版本 1 in the draft's and the 盖章版's footers, in the snapshot and the manifest; after a
    return, 第 2 版 everywhere."""
    path = f"/applications/{unstamped.application_id}"
    assert "第 1 版" in text(unstamped.get(f"{path}/sections/profile"))
    _body, footers = word_texts(unstamped.get(f"{path}/document.docx").data)
    assert "草稿 · 版本 1 ·" in footers
    unstamped.post(f"{path}/final")
    final = final_of(app, unstamped.application_id)
    assert upload(unstamped, unstamped.application_id, minimal_pdf("盖章扫描 第1版"), "盖章申报书扫描件.pdf").status_code == 303
    assert unstamped.post(f"{path}/submit").status_code == 303
    with app.app_context():
        application = db.session.get(Application, unstamped.application_id)
        snapshot = application.snapshots[-1]
        assert (snapshot.version, snapshot.fingerprint, snapshot.docx_sha256) == (1, final.fingerprint,
                                                                                 final.docx_sha256)
        reviewer = unit_reviewer(db.session, application.unit)
        decide(application, "recommend", reviewer, OPINION)
        db.session.commit()
    unit = login_as("recommender")
    assert "第1版" in text(unit.get(f"/review/{unstamped.application_id}"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(unit.get("/review/summary/archive.zip").response)))
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    word = next(r for r in manifest if r["path"].endswith(".docx"))
    scan = next(r for r in manifest if "盖章申报书扫描件" in r["path"])
    assert (word["版本"], word["校验码"]) == ("1", final.fingerprint) == (scan["版本"], scan["校验码"])
    assert [r for r in manifest if r["path"].endswith(".xlsx")][0]["版本"] == ""
    with app.app_context():
        application = db.session.get(Application, unstamped.application_id)
        decide(application, "return", unit_reviewer(db.session, application.unit), "请补充。")
        db.session.commit()
    assert "第 2 版" in text(unstamped.get(f"{path}/sections/profile"))
    _body, footers = word_texts(unstamped.get(f"{path}/document.docx").data)
    assert "草稿 · 版本 2 ·" in footers
    assert "第1版已经提交过" in text(unstamped.get(f"{path}/final"))


# ---- the stamped scan --------------------------------------------------------------------------------------------

def test_a_scan_needs_the_current_final_print_and_is_tied_to_it(app, unstamped):
    refused = upload(unstamped, unstamped.application_id, minimal_pdf("扫描件"), "扫描件.pdf")
    assert refused.status_code == 200 and "请先生成盖章版（定稿）" in text(refused)
    page = text(unstamped.get(f"/applications/{unstamped.application_id}/sections/attachments"))
    assert "尚未生成盖章版" in page
    unstamped.post(f"/applications/{unstamped.application_id}/final")
    final = final_of(app, unstamped.application_id)
    assert upload(unstamped, unstamped.application_id, minimal_pdf("扫描件"), "扫描件.pdf").status_code == 303
    with app.app_context():
        [scan] = [a for a in db.session.get(Application, unstamped.application_id).attachments
                  if a.category is AttachmentCategory.STAMPED_SCAN]
        assert (scan.final_print_id, scan.document_version, scan.document_fingerprint) == \
            (final.id, 1, final.fingerprint)
        assert print_state(scan.application).scan_current


def test_a_new_scan_supersedes_the_earlier_ones(app, unstamped):
    path = f"/applications/{unstamped.application_id}"
    unstamped.post(f"{path}/final")
    upload(unstamped, unstamped.application_id, minimal_pdf("第一次扫描"), "盖章申报书扫描件.pdf")
    # Pages of one scan come together: the second file of the same upload does not replace the first.
    unstamped.post(f"{path}/attachments?category=stamped_scan", content_type="multipart/form-data", data={
        "category": "stamped_scan", "file": [(io.BytesIO(minimal_pdf("第2页")), "第2页.pdf"),
                                             (io.BytesIO(minimal_pdf("第3页")), "第3页.pdf")]})
    with app.app_context():
        scans = {a.original_name: a.superseded_at for a in db.session.get(Application, unstamped.application_id)
                 .attachments if a.category is AttachmentCategory.STAMPED_SCAN}
        assert scans["盖章申报书扫描件.pdf"] is not None
        assert scans["第2页.pdf"] is None and scans["第3页.pdf"] is None
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "attachment.supersede")) == 1
    page = text(unstamped.get(f"{path}/sections/attachments"))
    assert "已作废的扫描件（1 个，不随申报书报送）" in page and "已作废 · 盖章版第 1 版" in page


def test_a_byte_identical_upload_is_refused_naming_the_existing_file(app, unstamped):
    content = minimal_pdf("营业执照副本")
    upload(unstamped, unstamped.application_id, content, "营业执照.pdf", "license")
    response = upload(unstamped, unstamped.application_id, content, "执照-再次.pdf", "other")
    assert response.status_code == 200
    assert "“执照-再次.pdf”与已上传的“营业执照.pdf”（（一）企业营业执照复印件）内容完全相同，没有重复上传" in text(response)
    with app.app_context():
        names = [a.original_name for a in db.session.scalars(db.select(Attachment))]
        assert "执照-再次.pdf" not in names


def test_a_scan_submitted_with_a_version_stays_and_cannot_be_deleted(app):
    with app.app_context():
        application = make_application(db.session, status=S.RETURNED)
        db.session.commit()
        scan = next(a for a in application.attachments if a.category is AttachmentCategory.STAMPED_SCAN)
        ids = application.id, scan.id, application.enterprise.users[0].login
    client = app.test_client()
    login(client, ids[2])
    response = client.post(f"/attachments/{ids[1]}/delete", follow_redirects=True)
    assert "已随第1版申报书提交，不能删除" in text(response)
    with app.app_context():
        assert db.session.get(Attachment, ids[1]) is not None


# ---- an edit that voids the 盖章版 asks first ----------------------------------------------------------------------

def test_an_edit_of_a_stamped_application_asks_before_it_is_saved(app, unstamped):
    path = f"/applications/{unstamped.application_id}"
    unstamped.post(f"{path}/final")
    page = text(unstamped.get(f"{path}/sections/profile"))
    assert "修改后须重新生成盖章版并重新盖章上传" in page                # said before anything is saved
    with app.app_context():
        profile = db.session.get(Application, unstamped.application_id).profile
    unchanged = unstamped.post(f"{path}/sections/profile", data={"profile": profile, "version": "0"},
                               headers={"HX-Request": "true"})
    assert "已保存" in text(unchanged)                                  # nothing changed: nothing to ask
    asked = unstamped.post(f"{path}/sections/profile", data={"profile": "新的企业简介。", "version": "1"},
                           headers={"HX-Request": "true"})
    body = text(asked)
    assert asked.status_code == 200 and "修改后须重新生成盖章版并重新盖章上传" in body and "确认修改并保存" in body
    assert "新的企业简介。" in body and "已保存" not in body
    with app.app_context():
        application = db.session.get(Application, unstamped.application_id)
        assert application.profile == profile and print_state(application).current
    confirmed = unstamped.post(f"{path}/sections/profile", headers={"HX-Request": "true"},
                               data={"profile": "新的企业简介。", "version": "1", "confirm_restamp": "1"})
    assert "已保存" in text(confirmed)
    with app.app_context():
        application = db.session.get(Application, unstamped.application_id)
        assert application.profile == "新的企业简介。"
        assert print_state(application).stale_reason == "生成后申报书内容有修改"
    page = text(unstamped.get(f"{path}/sections/profile"))
    assert "盖章版（第1版）已过期：生成后申报书内容有修改" in page


def test_a_changed_proof_file_makes_the_final_print_stale(app, unstamped):
    path = f"/applications/{unstamped.application_id}"
    unstamped.post(f"{path}/final")
    assert 'data-restamp="本申报书已生成盖章版' in unstamped.get(f"{path}/sections/attachments").get_data(as_text=True)
    upload(unstamped, unstamped.application_id, minimal_pdf("新增的专利证书"), "新增专利证书.pdf", "achievements")
    with app.app_context():
        state = print_state(db.session.get(Application, unstamped.application_id))
        assert state.stale_reason == "生成后证明材料有增删或更换"
    regenerated = unstamped.post(f"{path}/final")
    assert regenerated.status_code == 303
    with app.app_context():
        application = db.session.get(Application, unstamped.application_id)
        assert len(application.final_prints) == 2 and print_state(application).current


# ---- the archives hold the valid scan only --------------------------------------------------------------------------

def test_superseded_scans_are_in_the_history_but_not_in_either_zip(app, login_as):
    with app.app_context():
        application = make_application(db.session, status=S.RETURNED, write_files=True)
        application.profile = application.profile + "补充了近三年研发投入情况。"
        resubmit(db.session, application, write_files=True)
        decide(application, "recommend", unit_reviewer(db.session, application.unit), OPINION)
        db.session.execute(db.update(UnitReport).filter_by(campaign_id=application.campaign_id,
                                                           unit_id=application.unit_id)      # made by the 推荐
                           .values(status=ReportStatus.REPORTED, reported_at=utcnow(), fill_date=local_today()))
        db.session.commit()             # reported (报送): the province's archive holds reported lists only
        scans = [a for a in application.attachments if a.category is AttachmentCategory.STAMPED_SCAN]
        assert [(s.document_version, s.superseded_at is not None) for s in scans] == [(1, True), (2, False)]
        ids = application.id, scans[0].id, application.enterprise.users[0].login
    unit = login_as("recommender")
    review = text(unit.get(f"/review/{ids[0]}"))
    assert "盖章申报书扫描件.pdf（盖章版第1版）" in review and "盖章申报书扫描件.pdf（盖章版第2版）" in review
    assert unit.get(f"/attachments/{ids[1]}").status_code == 200             # the history can still be opened
    view = text(unit.get(f"/applications/{ids[0]}"))
    assert "已作废" in view
    admin = login_as("admin")
    year = 2024
    for client, url in ((unit, "/review/summary/archive.zip"), (admin, f"/admin/archive/{year}.zip")):
        archive = verify(b"".join(client.get(url).response))
        scans_in = [n for n in archive.namelist() if "/盖章申报书扫描件/" in n]
        assert len(scans_in) == 1 and not re.search(r"\(\d\)", scans_in[0]), scans_in
        manifest = {r["path"]: r for r in csv.DictReader(io.StringIO(
            archive.read("manifest.csv").decode("utf-8-sig")))}
        assert manifest[scans_in[0]]["版本"] == "2"


def test_the_word_import_says_first_that_it_voids_the_final_print(app, unstamped):
    base = f"/applications/{unstamped.application_id}"
    assert "修改后须重新生成盖章版" not in text(unstamped.get(f"{base}/word-import"))
    unstamped.post(f"{base}/final")
    page = text(unstamped.get(f"{base}/word-import"))
    assert "已生成盖章版（第1版" in page and "修改后须重新生成盖章版并重新盖章上传" in page
