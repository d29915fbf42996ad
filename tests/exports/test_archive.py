"""Archive ZIPs and province exports: what they hold, streaming with a Content-Length, access, CLI, memory."""
import gc
import hashlib
import io
import logging
import os
import resource
import time
import tracemalloc
import uuid
import zipfile

import docx
import pytest
from openpyxl import load_workbook

from tests.exports.archive_data import make_app, manifest_rows, names_in, streamed, unit_of, verify
from tests.factories import resubmit
from webapp.applications.word import frozen_path
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.storage import attachment_path_for, document_root
from webapp.exports import archives
from webapp.documents.archive import MANIFEST_NAME, ArchiveIntegrityError
from webapp.documents.summary_xlsx import PROVINCE_SHEET_TITLE
from webapp.models import Application, ApplicationStatus as S, Attachment, AttachmentCategory, AuditRecord, Snapshot

MB = 1024 * 1024


# ---- the unit's ZIP ----------------------------------------------------------------------------------------------

def test_unit_zip_holds_its_summary_and_recommended_applications(app, campaign_data, login_as):
    client = login_as("recommender")
    page = client.get("/review/summary")
    assert "下载本单位材料（ZIP）" in page.get_data(as_text=True) and "/review/summary/archive.zip" in page.get_data(
        as_text=True)
    response = client.get("/review/summary/archive.zip", buffered=False)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    data = streamed(response)
    assert int(response.headers["Content-Length"]) == len(data)
    archive = verify(data)
    listing = names_in(archive)
    unit = "长沙市工业和信息化局"
    first, odd = campaign_data["first"][1], campaign_data["odd"][1]
    year = 2024
    assert f"{unit}/{year}年湖南省智能制造标杆推荐汇总表-{unit}.xlsx" in archive.namelist()
    assert f"{unit}/01-{first}/湖南省智能制造标杆申报书-{first}.docx" in archive.namelist()
    assert f"{unit}/01-{first}/（一）企业营业执照复印件/营业执照（副本）.pdf" in archive.namelist()
    assert f"{unit}/01-{first}/技术方案配图/环节2场景1-技术方案示意图.png" in archive.namelist()
    assert f"{unit}/01-{first}/技术方案配图/环节2场景1-技术方案示意图(2).png" in archive.namelist()
    assert f"{unit}/02-湖南＜麓山＞精密：机械＊有限公司/" in listing
    for key in ("rejected", "waiting", "returned", "draft", "zhuzhou"):
        assert campaign_data[key][1] not in listing, key          # only the unit's recommended applications
    assert "株洲" not in listing and "未推荐及其他" not in listing
    with archive.open(f"{unit}/01-{first}/湖南省智能制造标杆申报书-{first}.docx") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert first in text
    workbook = load_workbook(io.BytesIO(archive.read(f"{unit}/{year}年湖南省智能制造标杆推荐汇总表-{unit}.xlsx")))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert first in values and odd in values and campaign_data["rejected"][1] not in values
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(action="export.archive")).scalar_one()
        assert record.success and record.actor_login == client.login_name and "长沙市" in record.detail


def test_unit_zip_matches_the_frozen_files(app, campaign_data, login_as):
    data = streamed(login_as("recommender").get("/review/summary/archive.zip", buffered=False))
    archive = zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk")
    with app.app_context():
        application = db.session.get(Application, campaign_data["first"][0])
        snapshot = application.snapshots[-1]
        inside = [n for n in archive.namelist() if n.endswith(".docx") and "申报书-" in n][0]
        assert archive.read(inside) == frozen_path(snapshot).read_bytes()


def test_an_applications_files_follow_the_form_not_the_upload_order(app, campaign_data, login_as):
    """The 申报书 first, then one folder per 附件 in the form's order: the stamped scan (uploaded after the
    pictures here) before the pictures, and in each folder the files as uploaded."""
    archive = verify(streamed(login_as("recommender").get("/review/summary/archive.zip", buffered=False)))
    folder = f"长沙市工业和信息化局/01-{campaign_data['first'][1]}/"
    inside = [name[len(folder):] for name in archive.namelist() if name.startswith(folder)]
    assert inside[0].startswith("湖南省智能制造标杆申报书-")
    categories = list(dict.fromkeys(name.split("/")[0] for name in inside[1:]))
    labels = [category.label for category in AttachmentCategory]
    assert len(categories) > 3 and categories == sorted(categories, key=labels.index)
    assert categories.index("盖章申报书扫描件") < categories.index("技术方案配图")
    assert [name for name in inside if name.startswith("技术方案配图/")] == [
        "技术方案配图/环节2场景1-技术方案示意图.png", "技术方案配图/环节2场景1-技术方案示意图(2).png"]


# ---- the province's archive and summary --------------------------------------------------------------------------

def test_admin_archive_holds_every_unit_and_every_standing_submission(app, campaign_data, login_as):
    client = login_as("admin")
    response = client.get("/admin/archive/2024.zip", buffered=False)
    assert response.status_code == 200
    data = streamed(response)
    assert int(response.headers["Content-Length"]) == len(data)
    archive = verify(data)
    names = archive.namelist()
    assert names[:2] == [MANIFEST_NAME, "2024年湖南省智能制造标杆推荐汇总表-全省.xlsx"]
    cs, zz = "01-长沙市工业和信息化局", "02-株洲市工业和信息化局"
    assert f"{cs}/01-{campaign_data['first'][1]}/湖南省智能制造标杆申报书-{campaign_data['first'][1]}.docx" in names
    # 株洲 has not reported: its recommendation is provisional, among the others, and its 汇总表 says 未报送.
    zhuzhou = campaign_data['zhuzhou'][1]
    assert f"{zz}/未推荐及其他/已推荐（未报送）-{zhuzhou}/湖南省智能制造标杆申报书-{zhuzhou}.docx" in names
    listing = names_in(archive)
    assert f"{cs}/未推荐及其他/未推荐-{campaign_data['rejected'][1]}/" in listing
    assert f"{cs}/未推荐及其他/已提交-{campaign_data['waiting'][1]}/" in listing
    assert campaign_data["returned"][1] not in listing and campaign_data["draft"][1] not in listing
    assert len({name.split("/")[0] for name in names if "/" in name}) == 14    # every unit has its folder
    for name in names:
        if name.endswith(".docx"):
            docx.Document(io.BytesIO(archive.read(name)))
    province = load_workbook(io.BytesIO(archive.read(names[1])))
    assert province.sheetnames[0] == PROVINCE_SHEET_TITLE and len(province.sheetnames) == 15
    assert "长沙市" in province.sheetnames and "株洲市" in province.sheetnames
    assert province["株洲市"]["H2"].value == "未报送" and province["长沙市"]["H2"].value == "填报日期：2024年5月8日"
    unit_sheet = load_workbook(io.BytesIO(archive.read(f"{zz}/2024年湖南省智能制造标杆推荐汇总表-株洲市工业和信息化局.xlsx")))
    assert unit_sheet.active["H2"].value == "未报送"


def test_a_resubmitted_application_is_archived_as_last_submitted(app, campaign_data, login_as):
    """Returned, changed and submitted again: the archive holds the second submission's Word file, 版本 2."""
    with app.app_context():
        application = db.session.get(Application, campaign_data["returned"][0])
        application.contact_name = "李四"
        resubmit(db.session, application, write_files=True)
        db.session.commit()
        first, latest = application.snapshots[0], application.snapshots[-1]
        assert (first.version, latest.version) == (1, 2) and first.docx_sha256 != latest.docx_sha256
        latest_file = frozen_path(latest).read_bytes()
    archive = verify(streamed(login_as("admin").get("/admin/archive/2024.zip", buffered=False)))
    company = campaign_data["returned"][1]
    name = f"01-长沙市工业和信息化局/未推荐及其他/已提交-{company}/湖南省智能制造标杆申报书-{company}.docx"
    assert archive.read(name) == latest_file
    assert [row["版本"] for row in manifest_rows(archive) if row["path"] == name] == ["2"]


def test_admin_archive_of_one_unit(app, campaign_data, login_as):
    unit_id, _ = unit_of(app, "430200")
    client = login_as("admin")
    archive = verify(streamed(client.get(f"/admin/archive/2024.zip?unit={unit_id}", buffered=False)))
    assert {name.split("/")[0] for name in archive.namelist()[1:]} == {"02-株洲市工业和信息化局"}
    assert campaign_data["zhuzhou"][1] in names_in(archive)
    assert client.get("/admin/archive/2024.zip?unit=99999").status_code == 404
    assert client.get("/admin/archive/2024.zip?unit=abc").status_code == 404
    assert client.get("/admin/archive/1999.zip").status_code == 404


def test_province_summary_workbook(app, campaign_data, login_as):
    client = login_as("admin")
    response = client.get("/admin/summary/2024.xlsx")
    assert response.status_code == 200 and int(response.headers["Content-Length"]) == len(response.data)
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == PROVINCE_SHEET_TITLE and len(workbook.sheetnames) == 15
    overview = workbook[PROVINCE_SHEET_TITLE]
    values = [cell.value for row in overview.iter_rows() for cell in row]
    # Only reported lists count: 长沙 has reported, 株洲 (and the twelve others) not.
    assert campaign_data["first"][1] in values and campaign_data["odd"][1] in values
    assert campaign_data["zhuzhou"][1] not in values and campaign_data["waiting"][1] not in values
    assert overview["A2"].value.startswith("推荐单位：全省14个推荐单位，已报送1个，共推荐2项（标杆企业2项，标杆车间0项）；未报送：株洲市、")
    zhuzhou = workbook["株洲市"]
    assert zhuzhou["H2"].value == "未报送" and zhuzhou["A4"].value is None and zhuzhou["A4"].border.left.style == "thin"
    assert workbook["长沙市"]["H2"].value == "填报日期：2024年5月8日"                  # the date of 报送, not today's
    unit_id, _ = unit_of(app, "430100")
    one = load_workbook(io.BytesIO(client.get(f"/admin/summary/2024.xlsx?unit={unit_id}").data))
    assert len(one.sheetnames) == 1 and one.active["H2"].value == "填报日期：2024年5月8日"
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(AuditRecord)
                                  .filter_by(action="export.summary")).scalar_one() == 2


def test_a_tampered_file_stops_the_download(app, campaign_data, login_as, caplog):
    with app.app_context():
        attachment = db.session.execute(db.select(Attachment).filter_by(
            application_id=campaign_data["zhuzhou"][0]).order_by(Attachment.id)).scalars().first()
        path = attachment_path_for(attachment.stored_name)
    original = path.read_bytes()
    path.write_bytes(original[:-1] + bytes([original[-1] ^ 0xFF]))     # same size, one byte changed
    client = login_as("admin")
    response = client.get("/admin/archive/2024.zip", buffered=False)
    assert response.status_code == 200                                  # the change shows only while reading
    with caplog.at_level(logging.ERROR), pytest.raises(ArchiveIntegrityError):
        streamed(response)
    assert "SHA-256" in caplog.text

    path.unlink()                                                       # a missing file is caught before streaming
    response = client.get("/admin/archive/2024.zip")
    assert response.status_code == 500 and "无法生成材料压缩包" in response.get_data(as_text=True)
    with app.app_context():
        refused = db.session.execute(db.select(AuditRecord).filter_by(action="export.archive", success=False)
                                     ).scalar_one()
        assert "2024" in refused.detail


def test_the_archived_summary_follows_a_change_of_its_data(app, campaign_data, login_as):
    """The 汇总表 workbooks are kept between downloads by the digest of their data: a changed row is a new one."""
    client = login_as("recommender")
    name = "长沙市工业和信息化局/2024年湖南省智能制造标杆推荐汇总表-长沙市工业和信息化局.xlsx"

    def summary_values() -> list:
        archive = verify(streamed(client.get("/review/summary/archive.zip", buffered=False)))
        return [cell.value for row in load_workbook(io.BytesIO(archive.read(name))).active.iter_rows() for cell in row]

    assert campaign_data["first"][1] in summary_values()
    with app.app_context():
        db.session.get(Application, campaign_data["first"][0]).company_name = "湖南星沙智能装备股份有限公司"
        db.session.commit()
    values = summary_values()
    assert "湖南星沙智能装备股份有限公司" in values and campaign_data["first"][1] not in values


def test_a_new_worker_reads_the_workbooks_and_letters_another_built(app, campaign_data, login_as, monkeypatch):
    """Generated documents are kept on disk too, shared by the workers: a worker that has built nothing yet (its
    own cache empty) takes them from there, and the archive holds the same bytes."""
    client = login_as("admin")
    before = verify(streamed(client.get("/admin/archive/2024.zip", buffered=False)))
    with app.app_context():
        kept = list((document_root() / "generated").glob("*.bin"))
    assert len(kept) == 14 + 1 + 1          # each unit's 汇总表, the province's, 长沙's 推荐函

    def not_again(*args):
        raise AssertionError("built again")

    archives.documents.clear()                                                # a new worker
    for builder in ("build_unit_workbook", "build_province_workbook", "build_letter"):
        monkeypatch.setattr(archives, builder, not_again)
    after = verify(streamed(client.get("/admin/archive/2024.zip", buffered=False)))
    generated = [info.filename for info in after.infolist()       # the province's and each unit's own files
                 if info.filename.count("/") <= 1 and info.filename.endswith((".xlsx", ".docx"))]
    assert len(generated) == 16 and all(after.read(name) == before.read(name) for name in generated)
    assert client.get("/admin/summary/2024.xlsx").status_code == 200


def test_a_collection_that_fails_leaves_the_garbage_collector_on(app, campaign_data, login_as):
    with app.app_context():
        snapshot = db.session.execute(db.select(Snapshot).filter_by(application_id=campaign_data["first"][0])
                                      ).scalars().first()
        snapshot.docx_stored_name = None
        db.session.commit()
    assert gc.isenabled()
    response = login_as("admin").get("/admin/archive/2024.zip")
    assert response.status_code == 500 and "无法生成材料压缩包" in response.get_data(as_text=True)
    assert gc.isenabled()


def test_a_word_file_with_a_tampered_stored_name_is_refused_and_recorded(app, campaign_data, login_as):
    with app.app_context():
        snapshot = db.session.execute(db.select(Snapshot).filter_by(application_id=campaign_data["first"][0])
                                      ).scalars().first()
        snapshot.docx_stored_name = "../../../etc/passwd"
        db.session.commit()
    response = login_as("admin").get("/admin/archive/2024.zip")
    assert response.status_code == 500 and "无法生成材料压缩包" in response.get_data(as_text=True)
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(action="export.archive")).scalar_one()
        assert not record.success and "存储名无效" in record.detail


# ---- access ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["recommender", "applicant", "security", "auditor"])
def test_only_the_admin_reaches_the_province_exports(app, login_as, role):
    client = login_as(role)
    for url in ("/admin/archive/2024.zip", "/admin/summary/2024.xlsx", "/admin/archive/2024.zip?unit=1"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["admin", "applicant"])
def test_only_a_unit_reaches_the_unit_zip(app, login_as, role):
    assert login_as(role).get("/review/summary/archive.zip").status_code == 403


def test_anonymous_is_sent_to_login(client):
    for url in ("/review/summary/archive.zip", "/admin/archive/2024.zip", "/admin/summary/2024.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_another_units_zip_never_shows_this_units_data(app, campaign_data, login_as):
    archive = verify(streamed(login_as("other_recommender").get("/review/summary/archive.zip", buffered=False)))
    listing = names_in(archive)
    assert "株洲市工业和信息化局/01-" in listing
    assert "长沙" not in listing and all(campaign_data[k][1] not in listing for k in ("first", "odd", "rejected"))
    rows = manifest_rows(archive)
    assert all(row["path"].startswith("株洲市工业和信息化局/") for row in rows)


# ---- CLI ---------------------------------------------------------------------------------------------------------

def test_cli_writes_archives_and_summaries_that_verify(app, runner, campaign_data, tmp_path):
    out = tmp_path / "out" / "全省.zip"
    out.parent.mkdir()
    result = runner.invoke(args=["export-archive", "--campaign", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    archive = verify(out)
    assert len({name.split("/")[0] for name in archive.namelist() if "/" in name}) == 14
    result = runner.invoke(args=["export-archive", "--campaign", "2024", "--unit", "株洲", "--out",
                                 str(tmp_path / "out" / "株洲.zip")])
    assert result.exit_code == 0, result.output
    assert {n.split("/")[0] for n in verify(tmp_path / "out" / "株洲.zip").namelist()[1:]} == {"02-株洲市工业和信息化局"}
    result = runner.invoke(args=["export-summary", "--campaign", "2024", "--out", str(tmp_path / "out" / "s.xlsx")])
    assert result.exit_code == 0, result.output
    assert len(load_workbook(tmp_path / "out" / "s.xlsx").sheetnames) == 15
    result = runner.invoke(args=["export-summary", "--campaign", "2024", "--unit", "长沙", "--out",
                                 str(tmp_path / "out" / "cs.xlsx")])
    assert result.exit_code == 0 and load_workbook(tmp_path / "out" / "cs.xlsx").active.title == "推荐汇总表"
    assert runner.invoke(args=["export-summary", "--campaign", "1999", "--out", "x.xlsx"]).exit_code != 0
    assert runner.invoke(args=["export-archive", "--campaign", "2024", "--unit", "市", "--out", "x.zip"]).exit_code != 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(["全省.zip", "株洲.zip", "s.xlsx", "cs.xlsx"])
    umask = os.umask(0)
    os.umask(umask)
    for path in (tmp_path / "out").iterdir():           # exports are handed on: the process's usual mode, not 0600
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path.name


def test_cli_refuses_and_leaves_nothing_when_a_file_changed(app, runner, campaign_data, tmp_path):
    with app.app_context():
        snapshot = db.session.execute(db.select(Snapshot).filter_by(application_id=campaign_data["first"][0])
                                      ).scalars().first()
        path = frozen_path(snapshot)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = runner.invoke(args=["export-archive", "--campaign", "2024", "--out", str(tmp_path / "a.zip")])
    assert result.exit_code != 0 and isinstance(result.exception, (SystemExit, ArchiveIntegrityError))
    assert list(tmp_path.glob("a.zip*")) == [] and list(tmp_path.glob(".a.zip*")) == []
    with app.app_context():
        assert db.session.execute(db.select(AuditRecord).filter_by(action="export.archive", success=False)
                                  ).scalar_one()
    result = runner.invoke(args=["export-archive", "--campaign", "2024", "--out", str(tmp_path / "no" / "a.zip")])
    assert result.exit_code != 0 and "不存在" in result.output


# ---- memory ------------------------------------------------------------------------------------------------------

def write_random_file(path, size: int) -> str:
    """Random (incompressible) bytes written in 1 MB pieces; returns the SHA-256 computed while writing."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for _ in range(size // MB):
            piece = os.urandom(MB)
            digest.update(piece)
            out.write(piece)
    return digest.hexdigest()


def current_rss() -> int:
    """The process's resident memory now (Linux), else its peak so far (ru_maxrss, KiB on Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.slow
def test_streaming_a_large_archive_keeps_memory_flat(app, login_as, tmp_path):
    with app.app_context():
        application = make_app("湖南湘江智能装备有限公司", "430104", S.RECOMMENDED)
        for number in range(3):
            stored_name = uuid.uuid4().hex
            size = 100 * MB
            digest = write_random_file(attachment_path_for(stored_name), size)
            db.session.add(Attachment(application=application, category=AttachmentCategory.OTHER,
                                      original_name=f"大文件{number + 1}.pdf", stored_name=stored_name,
                                      content_type="application/pdf", size=size, sha256=digest))
        db.session.commit()
    client = login_as("admin")
    response = client.get("/admin/archive/2024.zip", buffered=False)
    announced = int(response.headers["Content-Length"])
    assert announced > 300 * MB
    out = tmp_path / "big.zip"
    rss_before = current_rss()
    tracemalloc.start()
    started = time.perf_counter()
    total, rss_peak = 0, rss_before
    with open(out, "wb") as handle:
        for chunk in response.response:
            total += len(chunk)
            handle.write(chunk)
            rss_peak = max(rss_peak, current_rss())
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nstreamed {total / MB:.0f} MB in {elapsed:.2f} s ({total / MB / elapsed:.0f} MB/s); "
          f"tracemalloc peak {peak / MB:.1f} MB; RSS growth {(rss_peak - rss_before) / MB:.1f} MB")
    assert total == announced
    assert peak < 50 * MB and rss_peak - rss_before < 50 * MB
    with zipfile.ZipFile(out, metadata_encoding="gbk") as archive:
        rows = {row["path"]: row for row in manifest_rows(archive)}
        big = [info for info in archive.infolist() if "大文件" in info.filename]
        assert len(big) == 3
        for info in big:
            assert info.file_size == int(rows[info.filename]["size"]) == 100 * MB


def test_exports_partial_links_to_the_province_exports(app):
    from types import SimpleNamespace

    from flask import render_template
    with app.test_request_context():
        campaign = current_campaign()
        rows = [SimpleNamespace(unit_id=7, name="株洲市工业和信息化局")]          # the overview's unit rows
        html = render_template("exports/_exports.html", campaign=campaign, units=rows)
        assert render_template("exports/_exports.html", campaign=None).strip() == ""
    assert 'href="/admin/summary/2024.xlsx"' in html and 'href="/admin/archive/2024.zip"' in html
    assert 'action="/admin/archive/2024.zip"' in html and '<option value="7">株洲市工业和信息化局</option>' in html
