"""Builders of 认定 for tests: 拟认定 applications (through the state table, by tests/factories.py), a recorded
recognition, logged-in clients of an application's enterprise and unit."""
import secrets
from datetime import date

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, Campaign, Certificate, Publicity, PublicityEntry,
)
from webapp.recognition.recognise import recognise_campaign

from tests.conftest import login
from tests.factories import make_application, province_admin, unit_reviewer

DOCUMENT_NO = "湘工信装备〔2026〕123号"
WHEN = date(2026, 11, 20)
PUBLICITY = (date(2026, 11, 10), date(2026, 11, 16))     # 5 working days, over before WHEN


def publicity_ended(campaign: Campaign) -> Publicity:
    """The campaign's 公示 of its 拟认定 applications, over (rows made directly: publicity has its own tests)."""
    listed = db.session.execute(db.select(Application).filter_by(campaign_id=campaign.id, status=S.PROPOSED)
                                .order_by(Application.id)).scalars().all()
    publicity = Publicity(campaign_id=campaign.id, token=secrets.token_hex(16), starts_on=PUBLICITY[0],
                          ends_on=PUBLICITY[1], working_days=5, contact_name="王科长", contact_phone="0731-88888888",
                          notice_text="公示", opened_by_id=province_admin(db.session).id)
    publicity.entries = [PublicityEntry(application_id=a.id, position=n, company_name=a.company_name,
                                        app_type=a.app_type, workshop_name=a.workshop_name or "", prefecture="长沙市")
                         for n, a in enumerate(listed, start=1)]
    db.session.add(publicity)
    db.session.flush()
    return publicity


def proposed(name: str, county: str = "430104", app_type=ApplicationType.ENTERPRISE, **changes):
    """An application on the 拟认定 list (a 车间 gets a workshop name)."""
    if app_type is ApplicationType.WORKSHOP:
        changes.setdefault("workshop_name", "智能总装车间")
    return make_application(db.session, name=name, county=county, status=S.PROPOSED, app_type=app_type,
                            links=8 if app_type is ApplicationType.ENTERPRISE else 4, **changes)


def recognised_world(app) -> dict:
    """Three 拟认定 (two 长沙 enterprises … one 株洲 workshop) recognised by the admin: ids and codes."""
    with app.app_context():
        first = proposed("湖南甲认定智能装备有限公司")
        second = proposed("湖南乙认定智能科技有限公司", app_type=ApplicationType.WORKSHOP)
        third = proposed("株洲丙认定机械有限公司", county="430202")
        publicity_ended(current_campaign())
        result = recognise_campaign(current_campaign(), DOCUMENT_NO, WHEN, province_admin(db.session))
        db.session.commit()
        by_app = {c.application_id: c for c in result.certificates}
        return {"campaign_id": current_campaign().id,
                "applications": [first.id, second.id, third.id],
                "certificates": [by_app[a.id].id for a in (first, second, third)],
                "codes": [by_app[a.id].code for a in (first, second, third)],
                "logins": [a.enterprise.users[0].login for a in (first, second, third)],
                "unit_logins": [unit_reviewer(db.session, a.unit).login for a in (first, third)]}


def client_of(app, login_name: str):
    client = app.test_client()
    assert login(client, login_name).status_code == 302
    return client


def certificate(certificate_id: int) -> Certificate:
    return db.session.get(Certificate, certificate_id)


def campaign(app) -> Campaign:
    return current_campaign()
