"""Notices of the list's outcomes: when the 公示 opens, to the enterprise and its unit (拟认定 and published, 入库培育,
未入选); when an objection found 成立 takes an application off the list, to the same people."""
from webapp.models import Application, ApplicationStatus as S, Publicity
from webapp.notices.events import enterprise_people, unit_people
from webapp.notices.inbox import notify, path_for

MESSAGES = {
    S.PROPOSED: ("列入拟认定名单并公示", "贵单位的申报书列入{year}年湖南省智能制造标杆拟认定名单，公示期为{period}。"
                 "公示无异议（或异议不成立）后，由湖南省工业和信息化厅发文认定。"),
    S.INCUBATION: ("列入培育库", "贵单位的申报书经专家评审，未列入{year}年拟认定名单，已列入培育库。"),
    S.NOT_SELECTED: ("未入选", "贵单位的申报书经专家评审，未列入{year}年拟认定名单。"),
}


def day_text(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(publicity: Publicity) -> str:
    return f"{day_text(publicity.starts_on)}至{day_text(publicity.ends_on)}"


def outcome_published(application: Application, publicity: Publicity) -> None:
    subject, body = MESSAGES[application.status]
    body = body.format(year=publicity.campaign.year, period=period_text(publicity))
    name = application.applicant_name
    key = f"publicity:{publicity.id}:{application.id}"
    for user in enterprise_people(application.enterprise_id):
        notify(user, "publicity.outcome", subject, body, path_for("application.view", application_id=application.id),
               dedupe_key=f"{key}:{user.id}")
    for user in unit_people(application.unit_id):
        notify(user, "publicity.outcome", f"{name}：{subject}", body,
               path_for("review.review", application_id=application.id), dedupe_key=f"{key}:{user.id}")


def removed_after_objection(application: Application, reply: str) -> None:
    name = application.applicant_name
    body = f"公示期间收到的实名异议经核实成立，申报书已移出拟认定名单。\n答复：{reply}"
    for user in enterprise_people(application.enterprise_id):
        notify(user, "publicity.removed", "异议成立，申报书移出拟认定名单", body,
               path_for("application.view", application_id=application.id))
    for user in unit_people(application.unit_id):
        notify(user, "publicity.removed", f"{name}：异议成立，移出拟认定名单", body,
               path_for("review.review", application_id=application.id))
