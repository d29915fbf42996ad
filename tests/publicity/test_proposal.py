"""拟认定名单: the planned line, outcomes with who and why through the state table, the reason rule, the balance view,
opening the 公示 only once every application has its outcome, and the list locked from then on."""
import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus as S, ApplicationType, AuditRecord, Notice, Role, StatusChange
from webapp.publicity.balance import balance
from webapp.publicity.opening import PublicityError, listed
from webapp.publicity.proposal import (
    IN_LINE_REASON, ProposalError, apply_line, decide_outcome, planned_numbers, rows_of, set_planned,
)

from tests.conftest import text
from tests.publicity.builders import composed, opened, ranked_world
from tests.selection.builders import staff

E = ApplicationType.ENTERPRISE


@pytest.fixture
def world(app):
    with app.app_context():
        made = ranked_world()
        db.session.commit()
        yield made


def test_the_line_and_the_outcomes_with_who_and_why(app, world):
    campaign, admin = current_campaign(), staff(Role.ADMIN)
    set_planned(campaign, E, 3, admin)
    assert planned_numbers(campaign) == {E: 3, ApplicationType.WORKSHOP: None}
    rows = rows_of(campaign, E)
    assert [(r.result.rank, r.in_line) for r in rows] == [(1, True), (2, True), (3, True), (4, False), (5, False)]
    assert apply_line(campaign, E, admin) == 3
    fourth, fifth = world["长沙丁电气有限公司"], world["衡阳戊化工有限公司"]
    with pytest.raises(ProposalError, match="须填写理由"):          # below the line: the ranking does not say so
        decide_outcome(campaign, fifth, "propose", admin)
    with pytest.raises(ProposalError, match="请填写理由"):
        decide_outcome(campaign, fourth, "incubate", admin, "  ")
    decide_outcome(campaign, fourth, "incubate", admin, "与第3名差距小，入库培育。")
    decide_outcome(campaign, fifth, "not_select", admin, "未达到通过分数。")
    db.session.commit()
    first = world["湖南甲精工装备有限公司"]
    change = db.session.execute(db.select(StatusChange).filter_by(application_id=first.id, action="propose")
                                ).scalar_one()
    assert (change.actor_id, change.comment) == (admin.id, IN_LINE_REASON)
    assert db.session.execute(db.select(AuditRecord).filter_by(action="application.incubate",
                                                               object_id=str(fourth.id))).scalar_one()
    by_id = {r.result.application_id: r for r in rows_of(campaign, E)}
    assert by_id[fourth.id].status is S.INCUBATION and by_id[fourth.id].decision.comment.startswith("与第3名")
    # A decision can be changed until the 公示 opens (from the 培育库 into the list, with a reason).
    decide_outcome(campaign, fourth, "propose", admin, "该市州无其他入选企业，综合考虑列入。")
    assert fourth.status is S.PROPOSED


def test_the_balance_view_counts_by_prefecture_and_industry_and_shows_the_ones_below_the_line(app, world):
    campaign, admin = current_campaign(), staff(Role.ADMIN)
    set_planned(campaign, E, 2, admin)
    apply_line(campaign, E, admin)
    view = balance(rows_of(campaign, E), 2)
    changsha = next(c for c in view.by_prefecture if c.label == "长沙市")
    assert (changsha.ranked, changsha.in_line, changsha.proposed) == (2, 1, 1)
    assert [r.result.rank for r in view.below_line] == [3, 4, 5]
    assert sum(c.ranked for c in view.by_industry) == 5 and view.proposed == 2 and not view.over_plan
    listed_ids = [r.result.application_id for r in rows_of(campaign, E) if r.status is S.PROPOSED]
    db.session.execute(db.update(Application).where(Application.id == listed_ids[0]).values(status=S.RECOGNISED))
    db.session.execute(db.update(Application).where(Application.id == listed_ids[1]).values(status=S.REVOKED))
    db.session.expire_all()
    assert balance(rows_of(campaign, E), 2).proposed == 2          # after the 认定 the view reads the same


def test_publicity_opens_only_when_every_application_has_its_outcome(app, world):
    campaign = current_campaign()
    set_planned(campaign, E, 2, staff(Role.ADMIN))
    apply_line(campaign, E, staff(Role.ADMIN))
    with pytest.raises(PublicityError, match="未确定结果"):
        opened(campaign)
    db.session.rollback()
    composed(campaign)
    publicity = opened(campaign)
    db.session.commit()
    assert [(e.position, e.company_name, e.app_type) for e in listed(publicity)] == [
        (1, "湖南甲精工装备有限公司", E), (2, "株洲乙轨道装备有限公司", E),
        (3, "岳阳己石化有限公司", ApplicationType.WORKSHOP)]
    workshop = listed(publicity)[2]
    assert workshop.workshop_name == world["岳阳己石化有限公司"].workshop_name != "" and workshop.prefecture == "岳阳市"
    # The enterprise and its unit learn the outcome (拟认定, 培育库, 未入选) when the 公示 opens.
    subjects = set(db.session.execute(db.select(Notice.subject).where(Notice.kind == "publicity.outcome")).scalars())
    assert {"列入拟认定名单并公示", "列入培育库", "未入选"} <= subjects


def test_the_list_is_locked_during_publicity(app, world, login_as):
    campaign = current_campaign()
    composed(campaign)
    opened(campaign)
    db.session.commit()
    admin = staff(Role.ADMIN)
    first = world["湖南甲精工装备有限公司"]
    for attempt in (lambda: set_planned(campaign, E, 5, admin), lambda: apply_line(campaign, E, admin),
                    lambda: decide_outcome(campaign, first, "not_select", admin, "改变主意")):
        with pytest.raises(ProposalError, match="已于公示开始时锁定"):
            attempt()
    client = login_as("admin")
    response = client.post(f"/admin/selection/{campaign.id}/proposal/{first.id}/outcome",
                           data={"action": "not_select", "reason": "改变主意"}, follow_redirects=True)
    assert "已于公示开始时锁定" in text(response)
    db.session.expire_all()
    assert first.status is S.PROPOSED
    assert client.post(f"/admin/selection/{campaign.id}/publicity", data={}).status_code == 200   # no second one
