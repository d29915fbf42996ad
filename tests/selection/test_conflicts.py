"""回避: every rule keeps an expert off an application, says why, and the automatic and manual assignment obey it."""
import pytest

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import Assignment, AssignmentState, Expert
from webapp.selection.assignment import confirm, propose, shortfalls
from webapp.selection.assignment_manual import AssignmentError, assign, decline
from webapp.selection.conflicts import declined_pairs, exclusions, expert_infos, targets
from webapp.selection.form_check import pass_form_check

from webapp.models import Role

from tests.selection.builders import expert, plan_for, recommended, report, staff, user


def reasons(entry, application, plan):
    [info] = expert_infos([entry])
    [target] = targets([application])
    return exclusions(info, target, plan, declined_pairs(application.campaign))


@pytest.fixture
def ready(app):
    """A 长沙 application that passed 形式审查, and a plan."""
    with app.app_context():
        application = recommended("湖南回避测试装备有限公司", "长沙市")
        report(application)
        pass_form_check(application, staff(Role.ADMIN))
        plan = plan_for()
        db.session.commit()
        yield application, plan


def test_no_expert_from_the_applications_own_prefecture_unless_switched_off(app, ready):
    application, plan = ready
    local, other = expert("长沙专家", "长沙市"), expert("株洲专家", "株洲市")
    assert reasons(local, application, plan) == ["同一市州回避（专家与申报企业均在长沙市）"]
    assert reasons(other, application, plan) == []
    plan.avoid_same_prefecture = False
    assert reasons(local, application, plan) == []


def test_no_expert_whose_employer_is_the_applicant(app, ready):
    application, plan = ready
    colleague = expert("企业内专家", "株洲市", employer_code=application.enterprise.credit_code)
    assert reasons(colleague, application, plan) == ["本单位回避（专家工作单位即申报企业）"]
    # The code the enterprise typed into the form counts too.
    other = expert("组织机构代码专家", "湘潭市", employer_code="91430000MA4L0ZZZ0X")
    application.org_code = "91430000MA4L0ZZZ0X"
    assert reasons(other, application, plan) == ["本单位回避（专家工作单位即申报企业）"]


def test_no_expert_with_a_declared_relation(app, ready):
    from webapp.selection.experts import add_relation
    application, plan = ready
    related = expert("关联专家", "衡阳市")
    add_relation(related, application.enterprise.credit_code, "近三年为该企业提供咨询", staff(Role.ADMIN))
    assert reasons(related, application, plan) == ["专家声明与该企业存在关联关系"]


def test_inactive_experts_and_experts_without_a_login_are_not_assigned(app, ready):
    application, plan = ready
    retired = expert("停用专家", "岳阳市", active=False)
    no_login = Expert(name="无账号专家", employer="某大学", prefecture_adcode="430600", fields=[])
    db.session.add(no_login)
    db.session.flush()
    assert reasons(retired, application, plan) == ["专家已停用"]
    assert reasons(no_login, application, plan) == ["专家尚未开通登录账号"]


def test_a_declared_conflict_removes_the_assignment_records_the_relation_and_asks_for_another(app, ready):
    application, plan = ready
    first = expert("声明回避专家", "常德市")
    row = assign(application, first, plan, staff(Role.ADMIN))
    row.opened_at = None
    decline(row, first.user, "亲属在该企业任职")
    assert row.state is AssignmentState.DECLINED and row.end_reason == "亲属在该企业任职"
    assert [r.credit_code for r in first.relations] == [application.enterprise.credit_code]
    assert "专家已对该申报书声明回避" in reasons(first, application, plan)
    assert "专家声明与该企业存在关联关系" in reasons(first, application, plan)
    # The application is now short of experts, and the page says so.
    short = shortfalls(application.campaign, plan)
    assert [s.application_id for s in short] == [application.id]


def test_an_expert_cannot_decline_after_starting(app, ready):
    application, plan = ready
    entry = expert("已开始专家", "郴州市")
    row = assign(application, entry, plan, staff(Role.ADMIN))
    row.opened_at = utcnow()
    db.session.flush()
    with pytest.raises(AssignmentError, match="已确认无利益冲突"):
        decline(row, entry.user, "x")


def test_manual_assignment_refuses_an_excluded_expert_with_the_reason(app, ready):
    application, plan = ready
    with pytest.raises(AssignmentError, match="同一市州回避"):
        assign(application, expert("长沙本地专家", "长沙市"), plan, staff(Role.ADMIN))


def test_automatic_assignment_never_breaks_a_rule(app, ready):
    application, plan = ready
    plan.experts_per_application = 3
    colleague = expert("同单位专家", "株洲市", employer_code=application.enterprise.credit_code)
    local = expert("同市州专家", "长沙市")
    fine = [expert(f"可分配专家{n}", city) for n, city in enumerate(["株洲市", "湘潭市", "衡阳市", "岳阳市"])]
    propose(application.campaign, plan, staff(Role.ADMIN))
    confirm(application.campaign, staff(Role.ADMIN))
    chosen = {row.expert_id for row in db.session.execute(db.select(Assignment)).scalars()}
    assert len(chosen) == 3 and chosen <= {e.id for e in fine}
    assert colleague.id not in chosen and local.id not in chosen


def test_the_admin_page_shows_the_reason_of_every_exclusion(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        application = recommended("湖南回避页面装备有限公司", "长沙市")
        report(application)
        pass_form_check(application, staff(Role.ADMIN))
        plan_for()
        expert("页面长沙专家", "长沙市")
        expert("页面株洲专家", "株洲市")
        db.session.commit()
        url = f"/admin/selection/{application.campaign_id}/assignments/{application.id}"
    page = admin.get(url).get_data(as_text=True)
    assert "同一市州回避（专家与申报企业均在长沙市）" in page
    assert page.index("页面株洲专家") < page.index("页面长沙专家")          # assignable ones first


def test_logins_come_from_the_pool(app, login_as):
    with app.app_context():
        entry = expert("账号专家", "株洲市")
        assert entry.user.role is Role.EXPERT and entry.user.must_change_password
        assert user(entry.user.login).id == entry.user_id
