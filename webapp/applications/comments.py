"""Comments on particular sections, answered where they are: each comment of the latest round (the unit's 退回修改, or
the province's 补正 request) gets a short reply from the enterprise, stored with it, which the reviewers read beside
"what changed" after resubmission."""
from webapp.applications.rules import Problem
from webapp.audit import trail as audit
from webapp.core.text_limits import over_limit_message, text_length
from webapp.core.timeutil import utcnow
from webapp.models import Application, ApplicationStatus, ReviewComment, User
from webapp.status import TransitionError

COMMENT = "comment"      # Problem.kind of an unanswered comment
REPLY_LIMIT = 500


class ReplyRefused(TransitionError):
    """A reply that was not stored; the message is for the user."""


ROUNDS = ("return", "request_correction")       # the status changes that come with section comments
ANSWERING = (ApplicationStatus.RETURNED, ApplicationStatus.CORRECTION)


def latest_round(application: Application):
    """The status change of the latest 退回修改 or 补正 request, or None."""
    return next((c for c in reversed(application.status_changes) if c.action in ROUNDS), None)


def latest_return(application: Application):
    """The status change of the application's latest 退回修改, or None."""
    return next((c for c in reversed(application.status_changes) if c.action == "return"), None)


def current_comments(application: Application) -> list[ReviewComment]:
    """The section comments of the latest round (earlier rounds stay in the history)."""
    asked = latest_round(application)
    if asked is None:
        return []
    return [c for c in application.review_comments if c.section and c.status_change_id == asked.id]


def resubmission_note(application: Application) -> str | None:
    """The 修改说明 the enterprise wrote when it resubmitted after the latest return."""
    returned = latest_return(application)
    if returned is None:
        return None
    submits = [c for c in application.status_changes if c.action == "submit" and c.id > returned.id]
    return submits[-1].comment if submits else None


def comments_by_section(application: Application) -> dict[str, list[ReviewComment]]:
    out: dict[str, list[ReviewComment]] = {}
    for comment in current_comments(application):
        out.setdefault(comment.section, []).append(comment)
    return out


def unanswered_problems(application: Application) -> list[Problem]:
    """While returned: a checklist item for every comment of the return not yet answered."""
    if application.status is not ApplicationStatus.RETURNED:
        return []
    return [Problem(c.section, f"请答复推荐单位对本部分的意见：“{_short(c.text)}”", f"comment-{c.id}", kind=COMMENT)
            for c in current_comments(application) if not (c.reply or "").strip()]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def reply_problem(text: str | None) -> str | None:
    length = text_length(text)
    if not length:
        return "请填写答复，说明如何修改或不修改的理由。"
    if length > REPLY_LIMIT:
        return over_limit_message(REPLY_LIMIT, length)
    return None


def reply_to(comment: ReviewComment, text: str, user: User) -> None:
    """Store the enterprise's answer to a comment of the latest return (the caller commits)."""
    application = comment.application
    if application.status not in ANSWERING or comment not in current_comments(application):
        raise ReplyRefused("只能在退回修改或补正期间答复最近一次的意见。")
    problem = reply_problem(text)
    if problem:
        raise ReplyRefused(problem)
    comment.reply, comment.replied_at, comment.replied_by_id = text.strip(), utcnow(), user.id
    audit.record("application.comment_reply", obj=application, actor=user,
                 detail={"comment": comment.id, "section": comment.section, "reply": comment.reply})
