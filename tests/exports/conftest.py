"""Fixtures of the export tests."""
from datetime import date, datetime

import pytest

from tests.exports.archive_data import make_app
from webapp.core.extensions import db
from webapp.models import ApplicationStatus as S, ReportStatus, UnitReport


@pytest.fixture
def campaign_data(app):
    """长沙: two recommended (one with a name full of forbidden characters and two 技术方案配图), one not
    recommended, one awaiting a decision, one returned, one draft, its list reported (报送) on 2024-05-08;
    株洲: one recommended, its list not reported."""
    with app.app_context():
        made = {
            "first": make_app("湖南星沙智能装备有限公司", "430104", S.RECOMMENDED, picture=True),
            "odd": make_app("湖南<麓山>精密:机械*有限公司", "430104", S.RECOMMENDED),
            "rejected": make_app("湖南橘洲食品有限公司", "430104", S.NOT_RECOMMENDED),
            "waiting": make_app("湖南岳麓电子科技有限公司", "430104", S.SUBMITTED),
            "returned": make_app("湖南潇湘纺织有限公司", "430104", S.RETURNED),
            "draft": make_app("湖南梅山陶瓷有限公司", "430104", S.DRAFT),
            "zhuzhou": make_app("株洲荷塘重工有限公司", "430202", S.RECOMMENDED),
        }
        changsha = made["first"].unit_id
        # The unit's report row exists already (a decision locks it before counting the quota): mark it reported.
        report = db.session.execute(db.select(UnitReport).filter_by(campaign_id=made["first"].campaign_id,
                                                                    unit_id=changsha)).scalar_one()
        report.status, report.reported_at, report.fill_date = (ReportStatus.REPORTED, datetime(2024, 5, 8, 2, 0),
                                                               date(2024, 5, 8))
        db.session.commit()
        return {key: (a.id, a.company_name) for key, a in made.items()}
