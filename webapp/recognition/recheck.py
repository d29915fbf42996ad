"""复核: a later campaign asks recognised enterprises for a 复核报告, which runs through the same chain as an
application: the enterprise writes it (text and attachments) and submits it to its unit; the unit gives its opinion
(or sends it back); the province concludes 复核通过 or 复核不通过. A 不通过 can be followed by revoking the recognition
(certificates.revoke, with its own document number). States move through RECHECK_TRANSITIONS (webapp/status.py)."""
from typing import BinaryIO

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.text_limits import over_limit_message
from webapp.models import Campaign, Certificate, RecheckFile, RecheckRequest, RecheckStatus as C, User
from webapp.notices.events import enterprise_people, unit_people
from webapp.notices.inbox import notify, path_for
from webapp.selection.files import StoredFileError, store_file
from webapp.status import TransitionError, apply_recheck_transition

REPORT_LIMIT = 5000
FILE_KINDS = {"pdf", "docx", "jpeg", "png"}
FILE_TEXT = "只接受 PDF、DOCX、JPG、PNG 格式"
MAX_FILES = 10
EDITABLE = (C.REQUESTED, C.RETURNED)


class RecheckError(ValueError):
    """A refused step of a 复核; the message is for the user."""


def askable(campaign: Campaign) -> list[Certificate]:
    """Valid certificates of earlier years not yet asked for a 复核 in this campaign."""
    asked = db.select(RecheckRequest.certificate_id).filter_by(campaign_id=campaign.id)
    return list(db.session.execute(db.select(Certificate).where(
        Certificate.year < campaign.year, Certificate.revoked_on.is_(None), Certificate.id.not_in(asked))
        .order_by(Certificate.year, Certificate.number)).scalars())


def request_rechecks(campaign: Campaign, certificates: list[Certificate], actor: User) -> list[RecheckRequest]:
    """Ask each certificate's enterprise for a 复核报告 in this campaign (the caller commits)."""
    made = []
    for certificate in certificates:
        if certificate.year >= campaign.year or not certificate.is_valid:
            raise RecheckError(f"{certificate.number} 不能在{campaign.year}年度复核。")
        application = certificate.application
        request = RecheckRequest(campaign_id=campaign.id, certificate=certificate,
                                 enterprise_id=application.enterprise_id, unit_id=application.unit_id,
                                 requested_by_id=actor.id, status=C.REQUESTED)
        db.session.add(request)
        made.append(request)
    db.session.flush()
    for request in made:
        audit.record("recheck.request", obj=request, actor=actor,
                     detail={"campaign": campaign.year, "certificate": request.certificate.number})
        for user in enterprise_people(request.enterprise_id):
            notify(user, "recognition.recheck", f"请提交{request.certificate.year}年认定的复核报告",
                   f"省工信厅在{campaign.year}年度对已认定的{request.certificate.title}开展复核，请填写复核报告并提交推荐单位审核。",
                   path_for("recognition_results.recheck", recheck_id=request.id))
    return made


def save_report(request: RecheckRequest, text: str, user: User) -> None:
    if request.status not in EDITABLE:
        raise RecheckError(f"复核当前状态为“{request.status.label}”，不能修改报告。")
    if len(text or "") > REPORT_LIMIT:
        raise RecheckError("复核报告" + over_limit_message(REPORT_LIMIT, len(text)))
    request.report = (text or "").strip()
    db.session.flush()                  # written before a submission in the same request locks and re-reads the row
    audit.record("recheck.save", obj=request, actor=user, detail={"chars": len(request.report)})


def add_file(request: RecheckRequest, stream: BinaryIO, name: str | None, user: User) -> RecheckFile:
    if request.status not in EDITABLE:
        raise RecheckError(f"复核当前状态为“{request.status.label}”，不能上传附件。")
    if len(request.files) >= MAX_FILES:
        raise RecheckError(f"复核报告最多上传 {MAX_FILES} 个附件。")
    try:
        stored = store_file(stream, name, kinds=FILE_KINDS, kinds_text=FILE_TEXT)
    except StoredFileError as exc:
        raise RecheckError(str(exc)) from None
    item = RecheckFile(request=request, uploaded_by_id=user.id, **stored.columns())
    db.session.add(item)
    db.session.flush()
    audit.record("recheck.file", obj=request, actor=user, detail={"name": item.original_name, "size": item.size})
    return item


def submit(request: RecheckRequest, user: User) -> None:
    if not request.report.strip():
        raise RecheckError("请先填写并保存复核报告。")
    _move(request, "submit", user, None)
    for reviewer in unit_people(request.unit_id):
        notify(reviewer, "recognition.recheck", f"{request.certificate.company_name}提交了复核报告",
               "请审核并出具推荐单位意见。", path_for("recognition_results.recheck", recheck_id=request.id))


def unit_decide(request: RecheckRequest, action: str, opinion: str, user: User) -> None:
    """endorse (出具意见, to the province) or return (退回企业修改); both need the unit's opinion."""
    if action not in ("endorse", "return"):
        raise RecheckError("未知的操作。")
    _move(request, action, user, opinion)
    request.unit_opinion = opinion.strip()


def conclude(request: RecheckRequest, action: str, comment: str, user: User) -> None:
    """pass (复核通过) or fail (复核不通过, with its reason)."""
    if action not in ("pass", "fail"):
        raise RecheckError("未知的操作。")
    _move(request, action, user, comment)
    request.conclusion_comment = (comment or "").strip() or None
    for person in enterprise_people(request.enterprise_id):
        notify(person, "recognition.recheck", f"复核结论：{request.status.label}", request.conclusion_comment or "",
               path_for("recognition_results.recheck", recheck_id=request.id))


def _move(request: RecheckRequest, action: str, user: User, comment: str | None) -> None:
    try:
        apply_recheck_transition(request, action, user, comment)
    except TransitionError as exc:
        raise RecheckError(str(exc)) from None
