"""The unit's 推荐意见 on a recommended application: given when recommending (review.decisions.decide), changed
here while the list is not reported. The experts read it beside the 申报书."""
from webapp.audit import trail as audit
from webapp.models import Application, ApplicationStatus, Role, User
from webapp.review.report import ReviewError, get_report, lock_reason

OPINION_LIMIT = 500


def set_opinion(application: Application, user: User, text: str) -> None:
    if user.role is not Role.RECOMMENDER or application.unit_id != user.unit_id:
        raise ReviewError("您无权处理该申报书。")
    reason = lock_reason(application.campaign, get_report(application.campaign_id, application.unit_id))
    if reason:
        raise ReviewError(reason)
    if application.status is not ApplicationStatus.RECOMMENDED:
        raise ReviewError("只有已推荐的申报书有推荐意见。")
    text = (text or "").strip()
    if not text:
        raise ReviewError("请填写推荐意见。")
    if len(text) > OPINION_LIMIT:
        raise ReviewError(f"推荐意见不超过{OPINION_LIMIT}字（当前{len(text)}字）。")
    before = application.recommend_opinion
    application.recommend_opinion = text
    audit.record("application.opinion", obj=application, actor=user, detail={"before": before, "after": text})
