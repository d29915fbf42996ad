"""The eligibility flags the province's 形式审查 sees, computed from the campaign's rules and past campaigns:
thresholds and the minimum 环节/场景 (applications.rules), the required attachments, one 标杆车间 per enterprise and
past recognitions. Computed for a page of applications in a fixed number of queries."""
from dataclasses import dataclass

from webapp.applications.completeness import eligibility_problems
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, Attachment, AttachmentCategory, Campaign,
)
from webapp.review.queue import block_counts

RECOGNISED = (S.RECOGNISED,)


@dataclass(frozen=True)
class Flag:
    text: str
    rule: str            # a short name of the rule, offered as the reason of a 不通过
    blocking: bool = True


def _categories(application_ids: list[int]) -> dict[int, set[AttachmentCategory]]:
    rows = db.session.execute(db.select(Attachment.application_id, Attachment.category).where(
        Attachment.application_id.in_(application_ids)).distinct()).all()
    present: dict[int, set] = {application_id: set() for application_id in application_ids}
    for application_id, category in rows:
        present[application_id].add(category)
    return present


def _past_recognitions(campaign: Campaign, enterprise_ids: set[int]) -> dict[int, list[tuple[int, ApplicationType]]]:
    rows = db.session.execute(
        db.select(Application.enterprise_id, Campaign.year, Application.app_type)
        .join(Campaign, Campaign.id == Application.campaign_id)
        .where(Application.enterprise_id.in_(enterprise_ids), Application.campaign_id != campaign.id,
               Application.status.in_(RECOGNISED)).order_by(Campaign.year)).all()
    past: dict[int, list] = {}
    for enterprise_id, year, app_type in rows:
        past.setdefault(enterprise_id, []).append((year, app_type))
    return past


def province_flags(applications: list[Application], campaign: Campaign) -> dict[int, list[Flag]]:
    """Every application's flags; an empty list where none applies."""
    ids = [a.id for a in applications]
    counts, present = block_counts(ids), _categories(ids)
    past = _past_recognitions(campaign, {a.enterprise_id for a in applications})
    required = [AttachmentCategory(value) for value in campaign.required_attachments or []]
    out = {}
    for application in applications:
        flags = [Flag(p.message, _rule_of(p.section, p.message), p.blocking)
                 for p in eligibility_problems(application, campaign, counts[application.id])]
        flags += [Flag(f"缺少必备证明材料“{category.label}”。", "缺少必备证明材料")
                  for category in required if category not in present[application.id]]
        flags += _recognition_flags(application, past.get(application.enterprise_id, []))
        out[application.id] = flags
    return out


def _rule_of(section: str, message: str) -> str:
    if section == "implementation":
        return "环节、场景数量不足"
    if section == "honours":
        return "近三年发生重大安全生产事故或重大环境事故"
    return "经济指标或投入未达到申报门槛"


def _recognition_flags(application: Application, past: list[tuple[int, ApplicationType]]) -> list[Flag]:
    flags = []
    for year, app_type in past:
        if app_type is ApplicationType.ENTERPRISE:
            flags.append(Flag(f"该企业已于{year}年被认定为湖南省智能制造标杆企业。", "已获认定，不得重复申报"))
        elif application.app_type is ApplicationType.WORKSHOP:
            flags.append(Flag(f"该企业已有车间于{year}年被认定为标杆车间，每家企业限一个标杆车间。",
                              "每家企业限一个标杆车间"))
    return flags


FAIL_RULES = ["经济指标或投入未达到申报门槛", "环节、场景数量不足", "缺少必备证明材料", "每家企业限一个标杆车间",
              "已获认定，不得重复申报", "近三年发生重大安全生产事故或重大环境事故", "申报材料不真实或不一致",
              "逾期未补正", "其他"]
