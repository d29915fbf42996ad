"""Checklist, eligibility, submission with its frozen snapshot, withdrawal, deadline, return and resubmission."""
from datetime import timedelta
from decimal import Decimal

import pytest

from webapp.applications.checklist import checklist, submission_blockers
from webapp.applications.lifecycle import prepare_submission, submit_application
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus, ApplicationType, CampaignRule, RuleKey, RuleMode, User,
)
from webapp.status import TransitionError, apply_transition
from webapp.core.timeutil import utcnow
from webapp.applications.word import content_fingerprint, frozen_path

from tests.conftest import text
from tests.factories import make_complete_application, make_enterprise, stamp


@pytest.fixture
def complete(app):
    """A complete 标杆企业 application of a 长沙市 enterprise, and a client logged in as that enterprise."""
    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南湘江智能装备股份有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign())
        db.session.commit()
        ids = application.id, enterprise.users[0].login
    client = app.test_client()
    client.post("/login", data={"login": ids[1], "password": "Passw0rd!x-2024"})
    client.application_id = ids[0]
    return client


def application_of(client) -> Application:
    return db.session.get(Application, client.application_id)


def test_complete_application_has_no_blockers(app, complete):
    with app.app_context():
        application = application_of(complete)
        reports, eligibility = checklist(application, application.campaign)
        assert {key: r.state for key, r in reports.items() if r.state != "已完成"} == {}
        assert submission_blockers(application, application.campaign) == []


def test_a_no_to_major_accident_counts_as_answered_but_an_unticked_pledge_does_not(app, complete):
    with app.app_context():
        application = application_of(complete)
        assert application.major_accident is False
        application.pledge_agreed = False
        reports, _ = checklist(application, application.campaign)
        assert reports["honours"].state == "已完成"
        assert reports["pledge"].state == "未完成"


def test_checklist_page_names_each_missing_item_with_a_link(app, login_as):
    client = login_as("applicant")
    client.post("/applications/start")
    page = text(client.get("/applications/1/checklist"))
    for item in ("请填写“项目名称”", "请填写2023年“主营业务收入”", "请至少填写一项“智能制造实现功能”",
                 "请至少添加一个智能制造环节及其场景", "请上传“（一）企业营业执照复印件”", "请填写“企业法定代表人”"):
        assert item in page, item
    assert 'href="/applications/1/sections/cover#project_name"' in page
    assert "确认提交" not in page


def test_submit_freezes_a_snapshot_and_locks_editing(app, complete):
    response = complete.post(f"/applications/{complete.application_id}/submit")
    assert response.status_code == 303
    with app.app_context():
        application = application_of(complete)
        assert application.status is ApplicationStatus.SUBMITTED and application.version == 1
        snapshot = application.snapshots[0]
        assert snapshot.version == 1 and snapshot.data["company_name"] == "湖南湘江智能装备股份有限公司"
        assert len(snapshot.fingerprint) == 12
        assert application.declared_on is not None
    page = complete.get(f"/applications/{complete.application_id}/sections/profile")
    assert page.status_code == 302
    response = complete.post(f"/applications/{complete.application_id}/sections/profile",
                             data={"profile": "改动", "version": "0"})
    assert response.status_code == 409 and "不能修改" in text(response)


def test_snapshot_does_not_change_when_data_changes_later(app, complete):
    complete.post(f"/applications/{complete.application_id}/submit")
    complete.post(f"/applications/{complete.application_id}/withdraw")
    with app.app_context():
        application = application_of(complete)
        application.profile = "撤回后修改的简介"
        db.session.commit()
        assert application.snapshots[0].data["profile"] != "撤回后修改的简介"


def test_a_change_between_the_checks_and_the_write_voids_the_stamped_version(app, complete):
    """The submission checks before the write lock; a change made meanwhile makes the 盖章版 stale: refused."""
    with app.test_request_context("/", method="POST"):
        application = application_of(complete)
        prepared = prepare_submission(application)
        assert prepared.blockers == [] and prepared.final is not None
        db.session.rollback()
        application.profile = "提交前一刻在另一个窗口修改的简介"
        application.updated_at = utcnow() + timedelta(seconds=1)
        db.session.flush()
        with pytest.raises(TransitionError, match="暂不能提交"):
            submit_application(application, application.enterprise.users[0], prepared)
        db.session.rollback()
        assert application_of(complete).status is ApplicationStatus.DRAFT


def test_without_a_required_scan_a_change_meanwhile_is_rendered_again(app):
    """A campaign that asks for no stamped scan: the Word file is rendered at submission, again if the data
    changed after the checks."""
    with app.test_request_context("/", method="POST"):
        campaign = current_campaign()
        campaign.required_attachments = ["license", "audit", "equipment"]
        application = make_complete_application(db.session, enterprise=make_enterprise(db.session, name="湖南无扫描"),
                                                campaign=campaign, stamped=False)
        db.session.commit()
        prepared = prepare_submission(application)
        assert prepared.blockers == [] and prepared.final is None and prepared.document is not None
        db.session.rollback()
        application.profile = "提交前一刻在另一个窗口修改的简介"
        application.updated_at = utcnow() + timedelta(seconds=1)
        db.session.flush()
        snapshot = submit_application(application, application.enterprise.users[0], prepared)
        db.session.commit()
        assert snapshot.data["profile"] == "提交前一刻在另一个窗口修改的简介"
        assert snapshot.fingerprint == content_fingerprint(application) != prepared.document.fingerprint


def test_submission_freezes_the_stamped_version_itself(app, complete):
    """The file submitted is the 盖章版 that was printed and stamped: same bytes, version, date and fingerprint."""
    with app.test_request_context("/", method="POST"):
        application = application_of(complete)
        final = application.final_prints[-1]
        prepared = prepare_submission(application)
        db.session.rollback()
        snapshot = submit_application(application, application.enterprise.users[0], prepared)
        db.session.commit()
        assert frozen_path(snapshot).read_bytes() == frozen_path(final).read_bytes()
        assert (snapshot.version, snapshot.fingerprint, snapshot.docx_sha256) == \
            (final.version, final.fingerprint, final.docx_sha256) == (1, content_fingerprint(application),
                                                                     final.docx_sha256)
        assert application.declared_on == final.declared_on and application.version == 1


def test_withdraw_until_the_unit_acts(app, complete, accounts):
    complete.post(f"/applications/{complete.application_id}/submit")
    response = complete.post(f"/applications/{complete.application_id}/withdraw")
    assert response.status_code == 303
    with app.app_context():
        application = application_of(complete)
        assert application.status is ApplicationStatus.DRAFT
        # The next submission is 第2版: its paper must say so, so the 盖章版 is generated and stamped again.
        assert "第1版已经提交过" in submission_blockers(application, application.campaign)[0].message
        stamp(db.session, application, write_files=False)
        db.session.commit()
    complete.post(f"/applications/{complete.application_id}/submit")
    with app.app_context():
        accounts.staff  # noqa: B018 (documented fixture)
        recommender = User(login="cs", role=__import__("webapp.models", fromlist=["Role"]).Role.RECOMMENDER,
                           unit_id=application_of(complete).unit_id, password_hash="x")
        db.session.add(recommender)
        apply_transition(application_of(complete), "recommend", recommender)
        db.session.commit()
    page = text(complete.post(f"/applications/{complete.application_id}/withdraw", follow_redirects=True))
    assert "不能撤回" in page
    with app.app_context():
        assert application_of(complete).status is ApplicationStatus.RECOMMENDED


def test_no_submission_after_the_deadline(app, complete):
    with app.app_context():
        current_campaign().enterprise_deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = text(complete.post(f"/applications/{complete.application_id}/submit", follow_redirects=True))
    assert "申报已截止" in page
    with app.app_context():
        assert application_of(complete).status is ApplicationStatus.DRAFT


def test_deadline_extension_for_one_enterprise(app, complete):
    from webapp.models import DeadlineExtension
    with app.app_context():
        campaign = current_campaign()
        campaign.enterprise_deadline = utcnow() - timedelta(minutes=1)
        application = application_of(complete)
        db.session.add(DeadlineExtension(campaign=campaign, enterprise_id=application.enterprise_id,
                                         deadline=utcnow() + timedelta(days=2), reason="系统故障补报"))
        db.session.commit()
    assert complete.post(f"/applications/{complete.application_id}/submit").status_code == 303
    with app.app_context():
        assert application_of(complete).status is ApplicationStatus.SUBMITTED


def test_blocking_eligibility_rule_stops_submission_and_warning_does_not(app, complete):
    with app.app_context():
        application = application_of(complete)
        for year in application.economic_years:
            year.revenue = Decimal("15000")
        db.session.commit()
        assert any("主营业务收入不低于20000万元" in p.message
                   for p in submission_blockers(application, application.campaign))
        rule = db.session.execute(db.select(CampaignRule).filter_by(
            key=RuleKey.MIN_REVENUE, app_type=ApplicationType.ENTERPRISE)).scalar_one()
        rule.mode = RuleMode.WARN
        stamp(db.session, application, write_files=False)      # the changed revenue, printed and stamped again
        db.session.commit()
        assert submission_blockers(application, application.campaign) == []
        _, eligibility = checklist(application, application.campaign)
        assert [p.blocking for p in eligibility] == [False]


@pytest.mark.parametrize("app_type,links,scenarios,expected", [
    (ApplicationType.ENTERPRISE, 7, 2, "标杆企业至少涵盖8个智能制造环节（当前7个）"),
    (ApplicationType.ENTERPRISE, 8, 1, "标杆企业至少包含10个智能制造场景（当前8个）"),
    (ApplicationType.WORKSHOP, 3, 2, "标杆车间至少涵盖4个智能制造环节（当前3个）"),
])
def test_minimum_links_and_scenarios_per_type(app, app_type, links, scenarios, expected):
    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南测试")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                                app_type=app_type, links=links, scenarios_per_link=scenarios)
        messages = [p.message for p in submission_blockers(application, application.campaign)]
        assert any(expected in m for m in messages), messages


def test_major_accident_is_flagged(app, complete):
    with app.app_context():
        application = application_of(complete)
        application.major_accident = True
        _, eligibility = checklist(application, application.campaign)
        assert any("重大安全生产事故" in p.message for p in eligibility)


def test_returned_application_shows_the_comment_and_can_be_resubmitted(app, complete):
    complete.post(f"/applications/{complete.application_id}/submit")
    with app.app_context():
        application = application_of(complete)
        from webapp.models import Role
        recommender = User(login="cs", role=Role.RECOMMENDER, unit_id=application.unit_id, password_hash="x")
        db.session.add(recommender)
        with pytest.raises(TransitionError):
            apply_transition(application, "return", recommender, "")
        apply_transition(application, "return", recommender, "请补充近三年研发投入的说明。")
        db.session.commit()
    page = text(complete.get(f"/applications/{complete.application_id}/sections/overview"))
    assert "请补充近三年研发投入的说明。" in page
    with app.app_context():
        stamp(db.session, application_of(complete), write_files=False)     # 第2版 printed and stamped
        db.session.commit()
    refused = complete.post(f"/applications/{complete.application_id}/submit")
    assert refused.status_code == 200 and "请填写修改说明" in text(refused)
    assert complete.post(f"/applications/{complete.application_id}/submit",
                         data={"explanation": "已补充研发投入说明。"}).status_code == 303
    with app.app_context():
        application = application_of(complete)
        assert application.status is ApplicationStatus.SUBMITTED and application.version == 2
        assert [s.version for s in application.snapshots] == [1, 2]
        assert application.status_changes[-1].comment == "已补充研发投入说明。"


def test_submit_is_refused_for_incomplete_application(app, login_as):
    client = login_as("applicant")
    client.post("/applications/start")
    page = text(client.post("/applications/1/submit", follow_redirects=True))
    assert "暂不能提交" in page
    with app.app_context():
        assert db.session.get(Application, 1).status is ApplicationStatus.DRAFT


def test_submit_application_requires_draft_or_returned(app, complete):
    complete.post(f"/applications/{complete.application_id}/submit")
    with app.app_context():
        application = application_of(complete)
        with pytest.raises(TransitionError):
            submit_application(application, application.enterprise.users[0])


def test_an_edit_after_the_stamped_version_blocks_submission_until_stamped_again(app, complete):
    with app.app_context():
        application = application_of(complete)
        assert submission_blockers(application, application.campaign) == []
        application.profile = "盖章打印之后又修改了简介。"
        db.session.commit()
        messages = [p.message for p in submission_blockers(application, application.campaign)]
        assert messages == ["盖章版（第1版）已过期：生成后申报书内容有修改。请重新生成盖章版，打印、签字盖章后重新上传扫描件。"]
        final = stamp(db.session, application, write_files=False)
        assert final.version == 1 and len(application.final_prints) == 2
        assert submission_blockers(application, application.campaign) == []


def test_eligibility_is_shown_beside_the_form(app, complete):
    page = text(complete.get(f"/applications/{complete.application_id}/sections/profile"))
    assert "符合本批次标杆企业申报条件" in page
    with app.app_context():
        application = application_of(complete)
        application.major_accident = True
        db.session.commit()
    page = text(complete.get(f"/applications/{complete.application_id}/sections/profile"))
    assert "✗ 企业近三年发生过重大安全生产事故" in page


def test_pdf_is_offered_only_where_libreoffice_is_installed(app, complete, monkeypatch):
    from webapp.documents import pdf
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    pdf.office_binary.cache_clear()
    try:
        page = complete.get(f"/applications/{complete.application_id}/sections/profile").get_data(as_text=True)
        assert "document.pdf" not in page
        assert complete.get(f"/applications/{complete.application_id}/document.pdf").status_code == 404
    finally:
        pdf.office_binary.cache_clear()
