"""The command line of the selection (an expert's account, the 评审汇总表) and the demo's last year's campaign,
which runs through every step so that every page has realistic data; the archive's 评审 folder."""

import io
import zipfile

from openpyxl import load_workbook

from webapp.core.extensions import db
from webapp.documents.content_cache import documents
from webapp.models import (
    Application, ApplicationStatus as S, Assignment, AssignmentState as A, Campaign, Certificate, CorrectionRequest, Expert, Objection,
    ObjectionState, Publicity, Role, ScoreCard, StatusChange, UnitReport, User,
)
from webapp.selection import review_export
from webapp.selection.plan import get_plan
from webapp.selection.ranking import ranking, results

from tests.zip_tools import names_as_read


def test_create_user_makes_an_expert_of_the_pool_in_a_prefecture(runner, app):
    result = runner.invoke(args=["create-user", "--role", "expert", "--username", "zz_expert", "--unit", "株洲市"])
    assert result.exit_code == 0, result.output
    assert "评审专家（株洲市） 账号 zz_expert" in result.output and "一次性密码" in result.output
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login="zz_expert")).scalar_one()
        expert = db.session.execute(db.select(Expert).filter_by(user_id=user.id)).scalar_one()
        assert user.role is Role.EXPERT and user.must_change_password and expert.prefecture_adcode == "430200"
    missing = runner.invoke(args=["create-user", "--role", "expert", "--username", "zz2"])
    assert missing.exit_code != 0 and "--unit" in missing.output
    unknown = runner.invoke(args=["create-user", "--role", "expert", "--username", "zz3", "--unit", "火星"])
    assert unknown.exit_code != 0 and "找不到" in unknown.output


def test_demo_builds_last_years_campaign_through_its_whole_life(runner, app, tmp_path):
    result = runner.invoke(args=["demo", "--applications", "3", "--seed", "5", "--no-files"])
    assert result.exit_code == 0, result.output
    assert "完整评审流程" in result.output and "演示评审专家 登录名 zj01" in result.output
    assert "拟认定名单已公示" in result.output and "/verify/" in result.output
    with app.app_context():
        current = db.session.execute(db.select(Campaign).filter_by(is_current=True)).scalar_one()
        last = db.session.execute(db.select(Campaign).filter_by(year=current.year - 1)).scalar_one()
        assert not last.is_open and not last.is_current
        experts = db.session.execute(db.select(Expert)).scalars().all()
        assert len(experts) >= 15 and len({e.prefecture_adcode for e in experts}) >= 5
        assert all(e.user_id for e in experts)
        states = list(db.session.execute(db.select(Application.status).filter_by(campaign_id=last.id)).scalars())
        assert S.FORM_FAILED in states and S.UNDER_REVIEW not in states      # the review is over: all decided
        assert states.count(S.RECOGNISED) >= 3 and states.count(S.REVOKED) == 1
        assert S.INCUBATION in states and S.NOT_SELECTED in states
        _publicity_and_recognition(last)
        request = db.session.execute(db.select(CorrectionRequest)).scalar_one()
        assert request.answered_at is not None
        rows = db.session.execute(db.select(Assignment).filter_by(campaign_id=last.id)).scalars().all()
        assert any(r.state is A.DECLINED for r in rows)
        cards = db.session.execute(db.select(ScoreCard).where(ScoreCard.submitted_at.is_not(None))).scalars().all()
        assert len(cards) == sum(1 for r in rows if r.state is A.ACTIVE)
        plan = get_plan(last)
        everything = results(last, plan)
        assert any(r.disagreement for r in everything)
        ranked = [r for t in {r.app_type for r in everything} for r in ranking(everything, t)]
        assert all(r.rank for r in ranked)
        for rule, assignments in ((r, [a for a in rows if a.application_id == r.application_id]) for r in ranked):
            units = {a.expert.prefecture_adcode for a in assignments if a.state is A.ACTIVE}
            assert rule.prefecture_adcode not in units                     # 回避: never their own 市州
        _happened_last_year(last)
    again = runner.invoke(args=["demo", "--applications", "1", "--no-files"])
    assert again.exit_code == 0 and "完整评审流程" not in again.output          # built once

    out = tmp_path / "review.xlsx"
    exported = runner.invoke(args=["export-review", "--campaign", str(current.year - 1), "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    book = load_workbook(out)
    assert {"评审汇总", "评分明细"} <= set(book.sheetnames)
    header = [c.value for c in book["评分明细"][1]]
    for column in ("申报企业名称", "申报单位所在市州", "专家", "专家所在市州", "场景建设水平", "合计"):
        assert column in header, column
    assert book["评审汇总"].max_row == 12                                     # 11 in review + the header
    refused = runner.invoke(args=["export-review", "--campaign", str(current.year), "--out", str(out)])
    assert refused.exit_code != 0 and "尚未制定评审方案" in refused.output


def _publicity_and_recognition(campaign: Campaign) -> None:
    """The 公示 over five working days in December, one 实名异议 成立 (its application off the list), one 不成立; the
    认定 after the period with a certificate per recognised application, one revoked the next spring."""
    publicity = db.session.execute(db.select(Publicity).filter_by(campaign_id=campaign.id)).scalar_one()
    assert (publicity.starts_on.isoformat(), publicity.working_days) == (f"{campaign.year}-12-02", 5)
    objections = {o.state: o for o in db.session.execute(db.select(Objection)).scalars()}
    assert set(objections) == {ObjectionState.SUSTAINED, ObjectionState.DISMISSED}
    assert objections[ObjectionState.SUSTAINED].entry.application.status is S.NOT_SELECTED
    assert objections[ObjectionState.SUSTAINED].entry.removed_at is not None
    certificates = db.session.execute(db.select(Certificate).filter_by(campaign_id=campaign.id)).scalars().all()
    assert all(c.document_date > publicity.ends_on for c in certificates)
    assert [c.application.status for c in certificates if not c.is_valid] == [S.REVOKED]
    assert {c.application.status for c in certificates if c.is_valid} == {S.RECOGNISED}


def _happened_last_year(campaign: Campaign) -> None:
    """Every step of last year's story carries its own date, in the campaign's year and in the right order."""
    applications = db.session.execute(db.select(Application).filter_by(campaign_id=campaign.id)).scalars().all()
    changes = db.session.execute(db.select(StatusChange).join(Application).filter_by(campaign_id=campaign.id)
                                 .order_by(StatusChange.id)).scalars().all()
    assert {c.created_at.year for c in changes if c.action != "revoke"} == {campaign.year}
    assert [c.created_at.year for c in changes if c.action == "revoke"] == [campaign.year + 1]
    submitted = [c.created_at for c in changes if c.action == "submit"]
    assert len(submitted) == len(applications) and max(submitted) < campaign.enterprise_deadline
    reports = db.session.execute(db.select(UnitReport).filter_by(campaign_id=campaign.id)).scalars().all()
    assert all(r.reported_at < campaign.unit_deadline and r.fill_date.year == campaign.year for r in reports)
    first_decision = min(c.created_at for c in changes if c.action == "recommend")
    assert max(submitted) < first_decision
    assert max(c.created_at for c in changes if c.action == "recommend") < min(r.reported_at for r in reports)
    cards = db.session.execute(db.select(ScoreCard)).scalars().all()
    assert all(c.submitted_at.year == campaign.year for c in cards)


def test_the_archive_carries_the_letters_and_the_review_folder(runner, app, login_as):
    runner.invoke(args=["demo", "--applications", "1", "--seed", "3"])
    with app.app_context():
        year = db.session.execute(db.select(Campaign.year).filter_by(is_current=False)).scalar_one()
    response = login_as("admin").get(f"/admin/archive/{year}.zip")
    assert response.status_code == 200
    names = names_as_read(response.data)["7-Zip/WinRAR/unzip"]
    assert f"评审/{year}年湖南省智能制造标杆评审汇总表.xlsx" in names
    assert sum(1 for n in names if n.startswith("评审/专家评分表/") and n.endswith(".docx")) >= 15
    assert any(n.endswith(f"{year}年湖南省智能制造标杆推荐函-长沙市工业和信息化局.docx") for n in names)
    assert any("推荐函盖章扫描件-" in n for n in names)


def test_the_review_folder_is_built_once_for_all_workers(runner, app, login_as, monkeypatch):
    """The 专家评分表 (a Word file of many pages per expert) and the 评审汇总表 are kept like the archive's
    workbooks: a worker that has built nothing reads them from documents/generated/."""
    runner.invoke(args=["demo", "--applications", "1", "--seed", "3"])
    with app.app_context():
        year = db.session.execute(db.select(Campaign.year).filter_by(is_current=False)).scalar_one()
    admin = login_as("admin")
    before = read_archive(admin.get(f"/admin/archive/{year}.zip").data)

    def not_again(*args):
        raise AssertionError("built again")

    documents.clear()                                                        # a new worker
    monkeypatch.setattr(review_export, "build_score_sheets", not_again)
    monkeypatch.setattr(review_export, "build_review_workbook", not_again)
    after = read_archive(admin.get(f"/admin/archive/{year}.zip").data)
    review = [name for name in after.namelist() if name.startswith("评审/")]
    assert len(review) >= 16 and all(after.read(name) == before.read(name) for name in review)


def read_archive(data: bytes) -> zipfile.ZipFile:
    """Names without the UTF-8 flag are GBK, as a Chinese Windows reads them (tests/exports/archive_data.verify)."""
    return zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk")
