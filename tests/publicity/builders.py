"""Builders of the 拟认定名单 and 公示 for tests: a ranked campaign (applications under review with submitted scores),
an opened 公示, and a public client answering the captcha as a person would."""
import io
from datetime import timedelta

from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.models import (
    Aggregation, ApplicationStatus as S, ApplicationType, Objection, ObjectionFile, Publicity, PublicityEntry, Role,
)
from webapp.ops.demo_files import minimal_pdf
from webapp.publicity.opening import PublicityValues, default_notice, open_publicity
from webapp.publicity.proposal import compose_list
from webapp.selection.files import store_file
from webapp.selection.form_check import pass_form_check

from tests.conftest import captcha_answer
from tests.selection.builders import assign, expert, plan_for, recommended, report, scored, staff

# (name, city, type, scores of the four criteria): totals 86, 80, 74, 65, 50 (below the pass mark 60); workshops 78, 70.
WORLD = [("湖南甲精工装备有限公司", "长沙市", ApplicationType.ENTERPRISE, [36, 26, 12, 12]),
         ("株洲乙轨道装备有限公司", "株洲市", ApplicationType.ENTERPRISE, [34, 24, 11, 11]),
         ("湘潭丙电机有限公司", "湘潭市", ApplicationType.ENTERPRISE, [31, 22, 11, 10]),
         ("长沙丁电气有限公司", "长沙市", ApplicationType.ENTERPRISE, [27, 20, 9, 9]),
         ("衡阳戊化工有限公司", "衡阳市", ApplicationType.ENTERPRISE, [20, 15, 8, 7]),
         ("岳阳己石化有限公司", "岳阳市", ApplicationType.WORKSHOP, [33, 23, 11, 11]),
         ("常德庚烟草机械有限公司", "常德市", ApplicationType.WORKSHOP, [30, 20, 10, 10])]


def in_review(name: str, city: str, app_type: ApplicationType):
    application = recommended(name, city, app_type)
    report(application)
    pass_form_check(application, staff(Role.ADMIN))
    application.status = S.UNDER_REVIEW         # as confirmed assignments do
    db.session.flush()
    return application


def ranked_world() -> dict:
    """The applications of WORLD under review, each scored by one expert; name → application."""
    plan_for(aggregation=Aggregation.MEAN)
    judge = expert("名单专家", "郴州市")
    made = {}
    for name, city, app_type, values in WORLD:
        made[name] = application = in_review(name, city, app_type)
        scored(assign(application, judge), values)
    db.session.flush()
    return made


def composed(campaign) -> None:
    """Two 企业 and one 车间 拟认定, the next passed one of each type in the 培育库, the rest 未入选."""
    compose_list(campaign, staff(Role.ADMIN), {ApplicationType.ENTERPRISE: 2, ApplicationType.WORKSHOP: 1},
                 incubate=1)


def opened(campaign, *, starts_on=None, days: int = 5) -> Publicity:
    values = PublicityValues(starts_on=starts_on or local_today(), working_days=None,
                             ends_on=(starts_on or local_today()) + timedelta(days=days), contact_name="王科长",
                             contact_phone="0731-88888888", notice_text=default_notice(campaign))
    return open_publicity(campaign, values, staff(Role.ADMIN))


def objection_fields(client, token: str, **values) -> dict:
    """The form as a person fills it in: the first line, a named objector, the captcha read from the page."""
    page = client.get(f"/gongshi/{token}/objection").get_data(as_text=True)
    fields = {"position": "1", "name": "李明", "employer": "长沙某某科技有限公司", "phone": "13912345678",
              "grounds": "该企业申报的智能化改造投资额与实际不符，详见所附材料。", "pledge": "y"}
    fields.update(captcha_answer(client, page))
    fields.update(values)
    return {k: v for k, v in fields.items() if v is not None}



def access_world(application) -> dict:
    """What the access test needs: a running 公示 of the application's campaign (its one line named neutrally, so
    that public pages never show the access test's markers) with an objection carrying a file."""
    publicity = Publicity(campaign_id=application.campaign_id, token="P" * 32, starts_on=local_today(),
                          ends_on=local_today() + timedelta(days=7), contact_name="王科长",
                          contact_phone="0731-88888888", notice_text="公示内容", opened_by_id=staff(Role.ADMIN).id)
    entry = PublicityEntry(publicity=publicity, application_id=application.id, position=1,
                           company_name="湖南公示名单企业有限公司", app_type=application.app_type, prefecture="长沙市")
    objection = Objection(publicity=publicity, entry=entry, reference="YY-ACCESS", name="李明", employer="某单位",
                          phone="13912345678", grounds="异议理由")
    stored = store_file(io.BytesIO(minimal_pdf("证明材料")), "证明材料.pdf")
    objection.files.append(ObjectionFile(**stored.columns()))
    db.session.add_all([publicity, entry, objection])
    db.session.flush()
    return {"publicity_token": publicity.token, "objection_id": [objection.id],
            "objection_file_id": [objection.files[0].id]}
