"""Opening the 公示: its period (a number of working days from the first day, or an end date set by hand where the
calendar has no data), contact, the notice text (a default wording, editable; 【公示期】【联系人】【联系电话】 are filled
in), and the published list frozen from the 拟认定 applications. Opening locks the list."""
import secrets
from dataclasses import dataclass
from datetime import date

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, Campaign, Prefecture, Publicity, PublicityEntry, RecommendingUnit, User,
)
from webapp.publicity.events import outcome_published, period_text
from webapp.publicity.period import NoCalendarData, end_of_period, publicity_of, working_days_between
from webapp.publicity.proposal import DECIDED, undecided

PLACEHOLDERS = ("【公示期】", "【联系人】", "【联系电话】")
DEFAULT_NOTICE = (
    "根据《关于组织开展{year}年湖南省智能制造标杆企业（车间）申报工作的通知》，经企业自愿申报、市州审核推荐、专家评审，"
    "拟认定以下企业为{year}年湖南省智能制造标杆企业、以下车间为{year}年湖南省智能制造标杆车间，现予以公示。\n"
    "公示期：【公示期】。\n"
    "公示期间，任何单位和个人对名单有异议的，可通过本公示页面的“实名异议”或书面形式向我厅反映。反映情况应实事求是，"
    "个人须署真实姓名并提供联系方式，单位须注明单位名称和联系人；匿名异议不予受理。\n"
    "联系人：【联系人】，电话：【联系电话】。")


class PublicityError(ValueError):
    """A refused opening; the message (Chinese) is shown."""


@dataclass
class PublicityValues:
    starts_on: date
    contact_name: str
    contact_phone: str
    notice_text: str
    working_days: int | None = 5
    ends_on: date | None = None           # set by hand (required where the calendar has no data)


def default_notice(campaign: Campaign) -> str:
    return DEFAULT_NOTICE.format(year=campaign.year)


def period_of(values: PublicityValues) -> tuple[date, int | None]:
    """(last day, working days): computed from the working days, or the end date given (its working days counted
    where the calendar knows them)."""
    if values.ends_on is not None:
        if values.ends_on < values.starts_on:
            raise PublicityError("公示截止日期不能早于开始日期。")
        return values.ends_on, working_days_between(values.starts_on, values.ends_on)
    if not values.working_days or values.working_days < 1 or values.working_days > 30:
        raise PublicityError("公示期应为 1 至 30 个工作日。")
    try:
        return end_of_period(values.starts_on, values.working_days), values.working_days
    except NoCalendarData as missing:
        raise PublicityError(str(missing)) from None


def notice_text(publicity: Publicity) -> str:
    """The notice as published: the placeholders filled in."""
    period = period_text(publicity) + (f"（{publicity.working_days}个工作日）" if publicity.working_days else "")
    text = publicity.notice_text
    for placeholder, value in zip(PLACEHOLDERS, (period, publicity.contact_name, publicity.contact_phone)):
        text = text.replace(placeholder, value)
    return text


def open_publicity(campaign: Campaign, values: PublicityValues, user: User) -> Publicity:
    """Open the 公示: every application under review has its outcome, at least one is 拟认定. The caller commits."""
    # The list's applications locked (FOR UPDATE where the database has it): no decision slips in meanwhile.
    db.session.execute(db.select(Application.id).where(
        Application.campaign_id == campaign.id, Application.status.in_((S.UNDER_REVIEW, *DECIDED))).with_for_update())
    if publicity_of(campaign) is not None:
        raise PublicityError("本批次已开始公示。")
    if undecided(campaign):
        raise PublicityError(f"还有 {undecided(campaign)} 份申报书未确定结果（拟认定、入库培育或未入选），请先处理。")
    if values.starts_on < local_today():
        raise PublicityError("公示开始日期不能早于今天。")
    if not values.contact_name.strip() or not values.contact_phone.strip() or not values.notice_text.strip():
        raise PublicityError("请填写联系人、联系电话和公示内容。")
    ends_on, working_days = period_of(values)
    publicity = Publicity(campaign_id=campaign.id, token=secrets.token_urlsafe(24)[:32], starts_on=values.starts_on,
                          ends_on=ends_on, working_days=working_days, contact_name=values.contact_name.strip(),
                          contact_phone=values.contact_phone.strip(), notice_text=values.notice_text.strip(),
                          opened_by_id=user.id)
    publicity.campaign = campaign
    entries = _entries(campaign)
    if not entries:
        raise PublicityError("拟认定名单为空，不能开始公示。")
    publicity.entries = entries
    db.session.add(publicity)
    db.session.flush()
    audit.record("publicity.open", obj=publicity, actor=user,
                 detail={"campaign": campaign.year, "from": values.starts_on, "to": ends_on,
                         "working_days": working_days, "entries": len(entries)})
    for application in db.session.execute(db.select(Application).where(
            Application.campaign_id == campaign.id, Application.status.in_(DECIDED))).scalars():
        outcome_published(application, publicity)
    return publicity


def _entries(campaign: Campaign) -> list[PublicityEntry]:
    """The 拟认定 applications as published: 企业 first, then 车间; within a type by 市州 (code order), then name."""
    rows = db.session.execute(
        db.select(Application, Prefecture.name).join(RecommendingUnit, RecommendingUnit.id == Application.unit_id)
        .join(Prefecture, Prefecture.adcode == RecommendingUnit.prefecture_adcode)
        .where(Application.campaign_id == campaign.id, Application.status == S.PROPOSED)
        .order_by(Application.app_type != ApplicationType.ENTERPRISE, Prefecture.adcode, Application.company_name,
                  Application.id)).all()
    return [PublicityEntry(application_id=a.id, position=n, company_name=a.applicant_name,
                           app_type=a.app_type, prefecture=prefecture,
                           workshop_name=(a.workshop_name or "") if a.app_type is ApplicationType.WORKSHOP else "")
            for n, (a, prefecture) in enumerate(rows, start=1)]


def listed(publicity: Publicity) -> list[PublicityEntry]:
    """The current list: the lines not removed by a sustained objection."""
    return [entry for entry in publicity.entries if entry.removed_at is None]
