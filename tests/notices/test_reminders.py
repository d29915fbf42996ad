"""Deadline reminders: 7, 3 and 1 days before, once each, only the nearest when a run comes late; the enterprise
deadline with its extension, the unit deadline for units that have not reported."""
from datetime import timedelta

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import ApplicationStatus as S, DeadlineExtension, Notice, ReportStatus, UnitReport
from webapp.notices.reminders import nearest_days, write_due_reminders

from tests.factories import make_application, unit_reviewer


@pytest.mark.parametrize("before, expected", [
    (timedelta(days=8), None), (timedelta(days=7), 7), (timedelta(days=6, hours=23), 7), (timedelta(days=3), 3),
    (timedelta(days=2), 3), (timedelta(hours=23), 1), (timedelta(minutes=1), 1), (timedelta(0), None),
    (-timedelta(hours=1), None)])
def test_the_nearest_reminder_due(before, expected):
    from datetime import datetime
    deadline = datetime(2025, 1, 31, 9, 0)
    assert nearest_days(deadline, deadline - before) == expected


def reminders(kind_prefix: str = "reminder:") -> list[Notice]:
    return list(db.session.execute(db.select(Notice).where(Notice.dedupe_key.like(f"{kind_prefix}%"))
                                   .order_by(Notice.id)).scalars())


def test_enterprises_with_drafts_are_reminded_once_per_step(app):
    with app.app_context():
        draft = make_application(db.session, name="湖南草稿企业有限公司")
        returned = make_application(db.session, name="湖南退回企业有限公司", status=S.RETURNED)
        make_application(db.session, name="湖南已提交企业有限公司", status=S.SUBMITTED)
        db.session.commit()
        deadline = current_campaign().enterprise_deadline
        assert write_due_reminders(deadline - timedelta(days=8)) == []
        week = write_due_reminders(deadline - timedelta(days=6))
        assert sorted(n.user.enterprise.name for n in week) == ["湖南草稿企业有限公司", "湖南退回企业有限公司"]
        assert all(n.subject == "距申报截止不到7天，申报书尚未提交" for n in week)
        assert f"/applications/{draft.id}/edit" in {n.link for n in week}
        assert "退回修改" in next(n.body for n in week if n.user.enterprise_id == returned.enterprise_id)
        db.session.commit()
        assert write_due_reminders(deadline - timedelta(days=5)) == []          # the 7-day one was sent
        assert len(write_due_reminders(deadline - timedelta(days=2, hours=12))) == 2
        assert write_due_reminders(deadline - timedelta(days=2)) == []
        assert len(write_due_reminders(deadline - timedelta(hours=20))) == 2
        assert write_due_reminders(deadline + timedelta(hours=1)) == []
        assert len(reminders()) == 6


def test_a_late_run_sends_only_the_nearest_reminder(app):
    with app.app_context():
        make_application(db.session)
        db.session.commit()
        deadline = current_campaign().enterprise_deadline
        late = write_due_reminders(deadline - timedelta(hours=10))      # nothing ran for a week
        assert [n.subject for n in late] == ["距申报截止不到1天，申报书尚未提交"]
        db.session.commit()
        assert write_due_reminders(deadline - timedelta(hours=9)) == []


def test_an_extension_moves_the_enterprise_reminders(app):
    with app.app_context():
        extended = make_application(db.session, name="湖南延期企业有限公司")
        make_application(db.session, name="湖南普通企业有限公司")
        campaign = current_campaign()
        db.session.add(DeadlineExtension(campaign=campaign, enterprise_id=extended.enterprise_id, reason="停电",
                                         deadline=campaign.enterprise_deadline + timedelta(days=10)))
        db.session.commit()
        week = write_due_reminders(campaign.enterprise_deadline - timedelta(days=6))
        assert [n.user.enterprise.name for n in week] == ["湖南普通企业有限公司"]
        later = write_due_reminders(campaign.enterprise_deadline + timedelta(days=5))
        assert [n.user.enterprise.name for n in later] == ["湖南延期企业有限公司"]
        assert "距申报截止不到7天" in later[0].subject


def test_a_changed_deadline_reminds_again(app):
    with app.app_context():
        make_application(db.session)
        db.session.commit()
        campaign = current_campaign()
        assert len(write_due_reminders(campaign.enterprise_deadline - timedelta(days=2))) == 1
        campaign.enterprise_deadline += timedelta(days=1)
        db.session.commit()
        assert len(write_due_reminders(campaign.enterprise_deadline - timedelta(days=2))) == 1


def test_units_that_have_not_reported_are_reminded(app):
    with app.app_context():
        changsha = make_application(db.session, name="湖南长沙企业有限公司", status=S.SUBMITTED)
        zhuzhou = make_application(db.session, name="湖南株洲企业有限公司", county="430202", status=S.RECOMMENDED)
        make_application(db.session, name="湖南湘潭草稿企业有限公司", county="430302")       # a draft only: no list
        campaign = current_campaign()
        # The unit's report row exists already (a decision locks it before counting the quota): mark it reported.
        report = db.session.execute(db.select(UnitReport).filter_by(campaign_id=campaign.id, unit_id=zhuzhou.unit_id)
                                    ).scalar_one()
        report.status = ReportStatus.REPORTED
        reviewer = unit_reviewer(db.session, changsha.unit)
        db.session.commit()
        due = write_due_reminders(campaign.unit_deadline - timedelta(days=3))
        assert [n.user_id for n in due] == [reviewer.id]
        assert due[0].subject == "距推荐截止不到3天，推荐汇总表尚未报送"
        assert "尚有 1 份已提交的申报书未处理" in due[0].body and due[0].link == "/review/summary"
