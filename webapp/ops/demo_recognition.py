"""The end of the demo's last year: the 拟认定名单 from the ranking, the 公示 (five working days in December) with two
实名异议 — one found 成立 (the application leaves the list), one 不成立 —, the 认定 with its 文号 and a certificate
per recognised application, and one recognition revoked the next spring.

Each step on its own date (the clock set as in demo_selection), through the domain functions (state tables, audit)."""
import io
from dataclasses import dataclass
from datetime import date, datetime

from webapp.core.timeutil import clock_set_to, from_local
from webapp.models import ApplicationType, Campaign, Certificate, User
from webapp.ops.demo_files import minimal_pdf
from webapp.publicity.objections import ObjectionValues, conclude_objection, file_objection
from webapp.publicity.opening import PublicityValues, default_notice, listed, open_publicity
from webapp.publicity.proposal import compose_list
from webapp.recognition.certificates import Revocation, revoke
from webapp.recognition.recognise import recognise_campaign

PLANNED = {ApplicationType.ENTERPRISE: 4, ApplicationType.WORKSHOP: 2}


@dataclass
class Recognition:
    certificates: list[Certificate]
    revoked: Certificate | None
    publicity_token: str


def on_day(year: int, month: int, day: int, hour: int = 9):
    """The application's clock at that Beijing morning, for one step of the story."""
    return clock_set_to(from_local(datetime(year, month, day, hour, 0)))


def recognise_last_year(campaign: Campaign, admin: User) -> Recognition:
    year = campaign.year
    with on_day(year, 12, 1):
        compose_list(campaign, admin, PLANNED, incubate=1)
    with on_day(year, 12, 2):
        publicity = open_publicity(campaign, PublicityValues(
            starts_on=date(year, 12, 2), working_days=5, contact_name="刘科长", contact_phone="0731-88886666",
            notice_text=default_notice(campaign)), admin)
    sustained, dismissed = _objections(publicity, year)
    with on_day(year, 12, 8, 16):
        conclude_objection(sustained, "sustain", "经赴企业现场核实，申报书所称的数字化车间尚未建成投产，与申报材料不符。",
                           "经核实，异议反映的情况属实，该企业移出拟认定名单。感谢您的监督。", admin)
        conclude_objection(dismissed, "dismiss", "经核查企业提供的设备采购合同和发票，智能化改造投入真实、金额与申报一致。",
                           "经核实，异议反映的情况与事实不符，异议不成立。", admin)
    with on_day(year, 12, 15, 10):
        result = recognise_campaign(campaign, f"湘工信装备〔{year}〕186号", date(year, 12, 15), admin)
    revoked = result.certificates[-1] if len(result.certificates) > 1 else None
    if revoked is not None:
        with on_day(year + 1, 3, 20):
            revoke(revoked, Revocation("企业发生较大生产安全事故，不再符合认定条件。", f"湘工信装备〔{year + 1}〕42号",
                                       date(year + 1, 3, 20)), admin)
    return Recognition(result.certificates, revoked, publicity.token)


def _objections(publicity, year: int):
    """Two named objections against the first two lines of the list, filed during the 公示."""
    first, second = listed(publicity)[:2]
    with on_day(year, 12, 4, 15):
        sustained = file_objection(publicity, ObjectionValues(
            first.position, "陈建军", "长沙某智能装备配套有限公司", "13907311234",
            "该企业申报的数字化车间目前仍在土建施工，尚未投产，与申报材料所述不符，附现场照片说明。",
            [(io.BytesIO(minimal_pdf("现场照片说明")), "现场照片说明.pdf")]), ip="127.0.0.1")
    with on_day(year, 12, 5, 11):
        dismissed = file_objection(publicity, ObjectionValues(
            second.position, "周敏", "湖南某咨询服务有限公司", "0731-84561234",
            "怀疑该企业智能化改造投入金额虚高，请核实设备采购的真实性。"), ip="127.0.0.1")
    return sustained, dismissed
