"""Chinese error pages; no stack trace ever reaches the user.

An HTMX request gets its error as a notice for the page's #session-alert area (HX-Retarget), with the true status:
static/app.js swaps such an answer in, so the form and the text typed into it stay as they are. A plain POST
refused by the CSRF check gets a page that shows the submitted text, so that nothing typed is lost.
"""
from datetime import timedelta

from flask import Flask, Response, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import func
from werkzeug.exceptions import Forbidden

from webapp.core.htmx import is_htmx
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import AuditRecord

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页重试。"),
    403: ("无权访问", "您没有权限执行此操作。如有疑问，请联系管理员。"),
    404: ("页面不存在", "您访问的页面或资料不存在，或您无权查看。"),
    405: ("请求方式不允许", "该页面不支持此操作方式。"),
    413: ("内容过大", "提交的内容超过了允许的大小，没有保存。文件请压缩或拆分后重试；"
                   "文字请分段保存（每部分的文字上限远大于申报书的字数要求）。"),
    500: ("系统错误", "系统出现错误，已记录。请稍后重试；如问题持续，请联系管理员。"),
}
CSRF_MESSAGE = "页面已过期或会话已失效（安全校验未通过），本次操作没有执行。"
HTMX_KEEP = "您填写的内容没有保存，但仍保留在页面上：请先复制保存，再刷新页面后重试。"
# Posted fields never shown back: secrets, and the bookkeeping fields of the forms.
HIDDEN_FIELDS = ("csrf_token", "password", "version", "next", "list_action", "refresh", "return_to", "code")


def alert_response(message: str, status: int) -> Response:
    """An HTMX answer for the #session-alert area only (see static/app.js), leaving the form alone."""
    response = Response(render_template("_session_alert.html", message=message, login_link=False), status)
    response.headers["HX-Retarget"] = "#session-alert"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def submitted_text() -> list[tuple[str, str]]:
    """The values of a refused POST worth copying: (field name, text), without passwords or tokens."""
    values = []
    for name, value in request.form.items(multi=True):
        if value.strip() and not any(hidden in name.lower() for hidden in HIDDEN_FIELDS):
            values.append((name, value))
    return values


def register_error_handlers(app: Flask) -> None:
    def render(code: int, detail: str | None = None):
        title, message = MESSAGES[code]
        if is_htmx():
            keep = HTMX_KEEP if request.method == "POST" and code != 403 else ""
            return alert_response(f"{title}：{detail or message}{keep}", code)
        return render_template("errors/error.html", code=code, title=title, message=detail or message), code

    for code in (400, 405, 413):
        app.register_error_handler(code, lambda exc, code=code: render(code))

    @app.errorhandler(404)
    def not_found(exc):
        _audit_probe()
        return render(404)

    @app.errorhandler(403)
    def forbidden(exc):
        _audit_refusal()
        # A guard may say why (e.g. a colleague without rights to a section); otherwise the general message.
        own = getattr(exc, "description", None)
        return render(403, own if own and own != Forbidden.description else None)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if is_htmx():
            return alert_response(CSRF_MESSAGE + HTMX_KEEP, 400)
        title, _message = MESSAGES[400]
        return render_template("errors/csrf.html", code=400, title=title, message=CSRF_MESSAGE,
                               values=submitted_text()), 400

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        if is_htmx():
            reference = f"（错误编号 {g.get('request_id', '-')}）"
            return alert_response(f"{MESSAGES[500][0]}：{MESSAGES[500][1]}{reference}{HTMX_KEEP}", 500)
        return render(500)


PROBE_WINDOW = timedelta(minutes=10)
PROBE_RECORDS = 20      # per user and window; then one record says that the rest are not written one by one


def _audit_probe() -> None:
    """A signed-in user asked for an object that is not theirs or does not exist (permissions.refuse_object): a
    competitor walking through ids. Recorded at most PROBE_RECORDS times per user in ten minutes, so that the log
    cannot be flooded; the last of those says so."""
    refused = g.get("refused_object")
    if refused is None or not current_user.is_authenticated:
        return
    db.session.rollback()
    since = utcnow() - PROBE_WINDOW
    recent = db.session.execute(db.select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "access.probe", AuditRecord.actor_id == current_user.id,
        AuditRecord.created_at > since)).scalar_one()
    if recent >= PROBE_RECORDS:
        return
    detail = {"method": request.method, "path": request.path[:200]}
    if recent == PROBE_RECORDS - 1:
        detail["note"] = f"10分钟内第{PROBE_RECORDS}次，此后10分钟内的同类访问不再逐条记录"
    audit.record("access.probe", success=False, object_type=refused[0], object_id=refused[1][:40], detail=detail)
    db.session.commit()


def _audit_refusal() -> None:
    """A signed-in user reaching for what the role may not (安全审计: 重要安全事件). Written on its own: whatever the
    refused request had started is rolled back first."""
    if not current_user.is_authenticated:
        return
    db.session.rollback()
    audit.record("access.denied", success=False, object_type="endpoint", object_id=(request.endpoint or "")[:40],
                 detail={"method": request.method, "path": request.path[:200]})
    db.session.commit()
