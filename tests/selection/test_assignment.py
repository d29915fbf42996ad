"""Automatic assignment: the planned number per application, balanced loads, 专业领域 matched where possible, a
proposal reviewed before it counts, what cannot be satisfied said plainly; reassigning one application or expert."""
from collections import Counter

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    ApplicationStatus as S, ApplicationType, Assignment, AssignmentState as A, Role,
)
from webapp.selection.assignment import confirm, discard, propose, shortfalls
from webapp.selection.assignment_manual import reassign_expert
from webapp.selection.form_check import pass_form_check

from tests.conftest import text
from tests.selection.builders import assign, expert, plan_for, recommended, report, scored, staff


def passed(name, city="长沙市", app_type=ApplicationType.ENTERPRISE):
    application = recommended(name, city, app_type)
    report(application)
    pass_form_check(application, staff(Role.ADMIN))
    return application


def rows(state=None):
    query = db.select(Assignment)
    if state is not None:
        query = query.filter_by(state=state)
    return list(db.session.execute(query).scalars())


def test_a_balanced_proposal_becomes_assignments_only_when_confirmed(app):
    with app.app_context():
        plan = plan_for(experts_per_application=3)
        applications = [passed(f"湖南均衡分配{n}号有限公司", city) for n, city in
                        enumerate(["长沙市", "长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市"])]
        experts = [expert(f"均衡专家{n}", city) for n, city in
                   enumerate(["常德市", "常德市", "郴州市", "郴州市", "长沙市", "株洲市", "湘潭市", "衡阳市"])]
        missing = propose(current_campaign(), plan, staff(Role.ADMIN))
        assert missing == []
        proposed = rows(A.PROPOSED)
        assert len(proposed) == 18 and rows(A.ACTIVE) == []
        assert all(a.status is S.FORM_PASSED for a in applications)      # nothing counts before confirmation
        load = Counter(r.expert_id for r in proposed)
        assert max(load.values()) - min(load.values()) <= 1 and len(load) == len(experts)
        per_application = Counter(r.application_id for r in proposed)
        assert set(per_application.values()) == {3}
        assert confirm(current_campaign(), staff(Role.ADMIN)) == 18
        assert all(a.status is S.UNDER_REVIEW for a in applications)
        assert rows(A.PROPOSED) == [] and len(rows(A.ACTIVE)) == 18


def test_the_proposal_can_be_discarded_and_regenerated(app):
    with app.app_context():
        plan = plan_for(experts_per_application=2)
        passed("湖南放弃方案有限公司")
        for n in range(3):
            expert(f"放弃方案专家{n}", "株洲市")
        propose(current_campaign(), plan, staff(Role.ADMIN))
        assert discard(current_campaign(), staff(Role.ADMIN)) == 2
        assert rows() == []
        propose(current_campaign(), plan, staff(Role.ADMIN))
        propose(current_campaign(), plan, staff(Role.ADMIN))                 # replaces, never piles up
        assert len(rows(A.PROPOSED)) == 2


def test_experts_whose_fields_match_the_claimed_links_are_preferred(app):
    with app.app_context():
        plan = plan_for(experts_per_application=1)
        application = passed("湖南领域匹配有限公司")
        links = {app_link.link.name for app_link in application.links}
        matched = expert("对口专家", "株洲市", fields=[sorted(links)[0]])
        expert("不对口专家", "株洲市", fields=["营销管理"] if "营销管理" not in links else ["售后服务"])
        propose(current_campaign(), plan, staff(Role.ADMIN))
        assert [r.expert_id for r in rows(A.PROPOSED)] == [matched.id]


def test_too_few_experts_is_said_plainly_per_application_and_type(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        plan = plan_for(experts_per_application=3)
        passed("湖南专家不足车间有限公司", "长沙市", ApplicationType.WORKSHOP)
        expert("唯一外地专家", "株洲市")
        expert("本地专家一", "长沙市")
        expert("本地专家二", "长沙市")
        missing = propose(current_campaign(), plan, staff(Role.ADMIN))
        assert len(missing) == 1 and missing[0].eligible == 1 and missing[0].needed == 3
        assert "同一市州回避" in missing[0].message and "只有 1 位" in missing[0].message
        assert len(shortfalls(current_campaign(), plan)) == 1
        db.session.commit()
        url = f"/admin/selection/{current_campaign().id}/assignments"
    page = text(admin.get(url))
    assert "无法足额分配（1 份）" in page and "标杆车间：可分配的专家不足" in page
    assert "需要 3 位专家，符合回避要求的只有 1 位" in page


def test_the_admin_runs_the_assignment_from_the_page(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        plan_for(experts_per_application=2)
        passed("湖南页面分配有限公司")
        for n in range(3):
            expert(f"页面分配专家{n}", "湘潭市")
        db.session.commit()
        base = f"/admin/selection/{current_campaign().id}/assignments"
    assert admin.post(f"{base}/confirm").status_code == 303               # nothing to confirm: said so
    assert "没有待确认的分配方案" in text(admin.get(base))
    assert admin.post(f"{base}/propose").status_code == 303
    page = text(admin.get(base))
    assert "确认方案（2 人次）" in page and "（拟）" in page
    assert admin.post(f"{base}/confirm").status_code == 303
    with app.app_context():
        assert len(rows(A.ACTIVE)) == 2


def test_reassigning_an_expert_takes_back_only_unscored_work(app):
    with app.app_context():
        plan = plan_for(experts_per_application=1)
        first, second = passed("湖南重分配甲有限公司"), passed("湖南重分配乙有限公司")
        busy = expert("要换的专家", "株洲市")
        spare = expert("接替专家", "湘潭市")
        done = assign(first, busy)
        scored(done, [30, 20, 10, 10])
        assign(second, busy)
        problems = reassign_expert(busy, current_campaign(), plan, staff(Role.ADMIN), "出差无法按期完成")
        assert problems == []
        state = {(r.application_id, r.expert_id): r.state for r in rows()}
        assert state[(first.id, busy.id)] is A.ACTIVE                         # its sheet was submitted
        assert state[(second.id, busy.id)] is A.WITHDRAWN
        assert state[(second.id, spare.id)] is A.ACTIVE


@pytest.mark.parametrize("count", [0])
def test_no_reviewable_application_means_no_proposal(app, count):
    with app.app_context():
        plan = plan_for()
        assert propose(current_campaign(), plan, staff(Role.ADMIN)) == []
        assert len(rows()) == count
