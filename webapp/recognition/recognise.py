"""认定: the admin records the recognition document (文号, date) of a campaign; every application of the campaign on
the list (拟认定) becomes 已认定 through the state table, and each gets its certificate. One call, one transaction
(the caller commits): the decision, the transitions, the certificates, the notices and the audit records together."""
from dataclasses import dataclass
from datetime import date

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.locks import lock_row
from webapp.core.timeutil import local_today
from webapp.models import (
    Application, ApplicationStatus as S, Campaign, Certificate, RecognitionDecision, RecommendingUnit, User,
)
from webapp.publicity.objections import pending_count
from webapp.publicity.period import publicity_of, publicity_over
from webapp.recognition import notices
from webapp.recognition.certificates import issue_certificates
from webapp.recognition.codes import clean_document_no
from webapp.status import apply_transition_to_all


class RecognitionError(ValueError):
    """A refused step of 认定; the message is for the admin."""


@dataclass(frozen=True)
class RecognitionResult:
    decision: RecognitionDecision
    certificates: list[Certificate]


def decision_of(campaign: Campaign) -> RecognitionDecision | None:
    return db.session.execute(db.select(RecognitionDecision).filter_by(campaign_id=campaign.id)).scalar_one_or_none()


def proposed_applications(campaign: Campaign) -> list[Application]:
    """The 拟认定 list of the campaign, in the order certificates are numbered: by type, prefecture, the unit's 序号."""
    return list(db.session.execute(
        db.select(Application).join(Application.unit).where(Application.campaign_id == campaign.id,
                                                            Application.status == S.PROPOSED)
        .order_by(Application.app_type, RecommendingUnit.prefecture_adcode, Application.recommend_order,
                  Application.id)).scalars())


def check_can_recognise(campaign: Campaign) -> list[Application]:
    """Every precondition of 认定 in one place; the 拟认定 list when they hold, else RecognitionError: not twice, only
    after the 公示 period has ended with every 实名异议 concluded, and something to recognise."""
    if decision_of(campaign) is not None:
        raise RecognitionError(f"{campaign.year}年度已经认定，不能重复认定。")
    applications = proposed_applications(campaign)
    if not applications:
        raise RecognitionError("拟认定名单为空：没有可以认定的申报书。")
    publicity = publicity_of(campaign)
    if publicity is None:
        raise RecognitionError("拟认定名单尚未公示：公示期满后才能认定。")
    if not publicity_over(campaign):
        raise RecognitionError(f"公示期至 {publicity.ends_on:%Y年%m月%d日} 结束，公示期满后才能认定。")
    if pending_count(publicity):
        raise RecognitionError(f"还有 {pending_count(publicity)} 件实名异议尚未处理完毕，处理后才能认定。")
    return applications


def check_document_date(value: date | None) -> date:
    if value is None:
        raise RecognitionError("请填写认定文件的日期。")
    if value > local_today():
        raise RecognitionError("认定文件的日期不能晚于今天。")
    return value


def recognise_campaign(campaign: Campaign, document_no: str, document_date: date, actor: User) -> RecognitionResult:
    """Record the 文号 and date, move the 拟认定 list to 已认定 and issue one certificate per application."""
    lock_row(campaign)                         # two admins recording at once: the second waits, then is refused
    try:
        number = clean_document_no(document_no)
    except ValueError as exc:
        raise RecognitionError(str(exc)) from None
    when = check_document_date(document_date)
    applications = check_can_recognise(campaign)
    ended = publicity_of(campaign).ends_on
    if when <= ended:
        raise RecognitionError(f"认定文件的日期应在公示期满（{ended:%Y年%m月%d日}）之后。")
    decision = RecognitionDecision(campaign=campaign, document_no=number, document_date=when,
                                   recorded_by_id=actor.id)
    db.session.add(decision)
    apply_transition_to_all(applications, "recognise", actor, f"认定文号：{number}")
    certificates = issue_certificates(applications, decision)
    db.session.flush()
    audit.record("recognition.record", obj=decision, actor=actor,
                 detail={"campaign": campaign.year, "document_no": number, "document_date": when.isoformat(),
                         "applications": [a.id for a in applications],
                         "certificates": [c.number for c in certificates]})
    for certificate in certificates:
        notices.recognised(certificate)
    return RecognitionResult(decision, certificates)
