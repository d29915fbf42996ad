"""复核 through enterprise → unit → province (and a 不通过 followed by revocation); the funnel of the overview; the
recognition part of the province archive; the `export-recognition` command."""
import io

from openpyxl import load_workbook

from webapp.campaigns.funnel import build_funnel
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.exports.archives import campaign_archive
from webapp.models import ApplicationStatus as S, AuditRecord, Campaign, RecheckRequest, RecheckStatus as C
from webapp.ops.demo_files import minimal_pdf

from tests.conftest import text
from tests.factories import make_application
from tests.recognition.builders import DOCUMENT_NO, client_of, recognised_world


def later_campaign(app) -> int:
    """The recognised campaign becomes last year's: a new current campaign of the next year."""
    with app.app_context():
        old = current_campaign()
        new = Campaign(year=old.year + 1, title=f"{old.year + 1}年湖南省智能制造标杆申报", edition_id=old.edition_id,
                       enterprise_deadline=old.enterprise_deadline, unit_deadline=old.unit_deadline, is_current=True)
        old.is_current = False
        db.session.add(new)
        db.session.commit()
        return new.id


def test_a_recheck_runs_through_the_unit_to_the_province(app, login_as):
    world = recognised_world(app)
    campaign_id = later_campaign(app)
    admin = login_as("admin")
    assert "发出复核要求" in text(admin.get(f"/admin/recognition/{campaign_id}"))
    assert admin.post(f"/admin/recognition/{campaign_id}/rechecks").status_code == 303
    with app.app_context():
        requests = db.session.execute(db.select(RecheckRequest).order_by(RecheckRequest.id)).scalars().all()
        assert len(requests) == 3 and {r.status for r in requests} == {C.REQUESTED}
        first = next(r.id for r in requests if r.certificate_id == world["certificates"][0])
    url = f"/recognition/rechecks/{first}"
    enterprise = client_of(app, world["logins"][0])
    assert "复核" in text(enterprise.get("/recognition/mine"))
    empty = enterprise.post(f"{url}/report", data={"report": "", "submit": "1"})
    assert empty.status_code == 409 and "请先填写并保存复核报告" in text(empty)
    file = enterprise.post(f"{url}/files", data={"file": (io.BytesIO(minimal_pdf("复核佐证")), "复核佐证.pdf")},
                           content_type="multipart/form-data")
    assert file.status_code == 303
    assert enterprise.post(f"{url}/report", data={"report": "认定以来新建两条智能产线。", "submit": "1"}).status_code == 303
    # Another enterprise and another unit do not see it.
    assert client_of(app, world["logins"][2]).get(url).status_code == 404
    assert client_of(app, world["unit_logins"][1]).get(url).status_code == 404
    unit = client_of(app, world["unit_logins"][0])
    assert "推荐单位审核" in text(unit.get(url))
    assert unit.post(f"{url}/unit", data={"action": "return", "opinion": "请补充指标变化。"}).status_code == 303
    with app.app_context():
        assert db.session.get(RecheckRequest, first).status is C.RETURNED
    assert enterprise.post(f"{url}/report", data={"report": "补充：生产效率提升20%。", "submit": "1"}).status_code == 303
    assert unit.post(f"{url}/unit", data={"action": "endorse", "opinion": "情况属实，同意。"}).status_code == 303
    no_reason = admin.post(f"{url}/conclude", data={"action": "fail", "comment": ""})
    assert no_reason.status_code == 409 and "必须填写意见" in text(no_reason)
    assert admin.post(f"{url}/conclude", data={"action": "fail", "comment": "智能化水平明显下降。"}).status_code == 303
    assert "撤销该认定" in text(admin.get(url))
    with app.app_context():
        request = db.session.get(RecheckRequest, first)
        assert request.status is C.FAILED and request.unit_opinion == "情况属实，同意。" and len(request.files) == 1
        assert request.report == "补充：生产效率提升20%。" and request.conclusion_comment == "智能化水平明显下降。"
        actions = db.session.execute(db.select(AuditRecord.action).where(AuditRecord.action.like("recheck.%"))
                                     .order_by(AuditRecord.id)).scalars().all()
        assert [a for a in actions if a not in ("recheck.save", "recheck.file", "recheck.request")] == [
            "recheck.submit", "recheck.return", "recheck.submit", "recheck.endorse", "recheck.fail"]
    # Nothing is asked twice, and a submitted report is no longer editable.
    assert admin.post(f"/admin/recognition/{campaign_id}/rechecks").status_code == 303
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(RecheckRequest.id))).scalar_one() == 3
    late = enterprise.post(f"{url}/report", data={"report": "改写", "submit": "0"})
    assert late.status_code == 409 and "不能修改报告" in text(late)


def test_the_funnel_counts_each_step_passed(app, login_as):
    recognised_world(app)
    with app.app_context():
        make_application(db.session, name="湖南已提交有限公司", status=S.SUBMITTED)
        make_application(db.session, name="湖南已推荐有限公司", status=S.RECOMMENDED)
        db.session.commit()
        funnel = build_funnel(current_campaign())
        assert funnel.labels == ["申报", "推荐", "形式审查通过", "评审", "拟认定", "认定"]
        assert funnel.total.counts == [5, 4, 3, 3, 3, 3]
        by_type = {row.label: row.counts for row in funnel.by_type}
        assert by_type["标杆车间"] == [1, 1, 1, 1, 1, 1]
        by_prefecture = {row.label: row.counts for row in funnel.by_prefecture}
        assert by_prefecture["株洲市"] == [1, 1, 1, 1, 1, 1] and by_prefecture["长沙市"][0] == 4
    page = text(login_as("admin").get("/admin/overview"))
    assert "申报到认定" in page and "形式审查通过" in page


def test_the_archive_and_the_command_carry_the_recognition_list(app, runner, tmp_path):
    recognised_world(app)
    with app.app_context():
        campaign = current_campaign()
        year = campaign.year
    out = tmp_path / "list.xlsx"
    result = runner.invoke(args=["export-recognition", "--campaign", str(year), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[2]]
    for column in ("证书编号", "验证码", "申报企业名称", "标杆类型", "车间名称", "所在市州", "认定文号", "状态"):
        assert column in header
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 3 and {r[header.index("认定文号")] for r in rows} == {DOCUMENT_NO}
    assert {r[header.index("状态")] for r in rows} == {"有效"}
    assert runner.invoke(args=["export-recognition", "--campaign", "1999", "--out", str(out)]).exit_code != 0
    with app.app_context():
        names = [entry.path for entry in campaign_archive(current_campaign()).archive.entries]
    assert any("认定/" in n and n.endswith("认定名单.xlsx") for n in names)
    assert sum("认定/电子证书/" in n and n.endswith(".docx") for n in names) == 3
