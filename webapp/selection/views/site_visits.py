"""现场答辩 / 现场核查 (admin): mark an application, record the result, attach photos or minutes."""
from flask import Blueprint, abort, flash, request, send_file, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.core.downloads import content_disposition
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.core.security_headers import accepts_uploads
from webapp.core.storage import attachment_path_for
from webapp.forms.selection.review import ConfirmForm, SiteVisitMarkForm, SiteVisitResultForm
from webapp.models import SiteVisitFile, SiteVisitKind
from webapp.selection.site_visits import (
    SiteVisitError, VisitResult, add_file, mark, record_result, unmark, visit_of,
)
from webapp.selection.views.common import admin_only, application_or_404, campaign_or_404
from webapp.selection.views.result_page import result_page

bp = Blueprint("site_visits", __name__, url_prefix="/admin/selection/<int:campaign_id>/results/<int:application_id>")


def _back(campaign, application):
    return redirect_after_post(url_for("results.result", campaign_id=campaign.id, application_id=application.id)
                               + "#site-visit")


def _run(campaign, application, action, message, **page):
    try:
        action()
    except SiteVisitError as exc:
        db.session.rollback()
        return result_page(campaign, application, error=str(exc), status=409, **page)
    db.session.commit()
    flash(message, "success")
    return _back(campaign, application)


@bp.post("/site-visit", endpoint="mark")
@admin_only
def mark_view(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    form = SiteVisitMarkForm()
    if not form.validate():
        return result_page(campaign, application, error="请选择现场答辩或现场核查。")
    kind = SiteVisitKind(form.kind.data)
    return _run(campaign, application, lambda: mark(application, kind, current_user), f"已列入{kind.label}。")


@bp.post("/site-visit/unmark", endpoint="unmark")
@admin_only
def unmark_view(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    visit = visit_of(application)
    if visit is None or not ConfirmForm().validate():
        return _back(campaign, application)
    return _run(campaign, application, lambda: unmark(visit, current_user), "已取消。")


@bp.post("/site-visit/result", endpoint="record")
@admin_only
def result_view(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    visit = visit_of(application)
    form = SiteVisitResultForm()
    if visit is None:
        return result_page(campaign, application, error="请先选择现场答辩或现场核查。", status=409)
    if not form.validate():
        return result_page(campaign, application, visit_form=form)
    result = VisitResult(form.held_on.data, form.members.data, form.findings.data, form.passed.data == "yes")
    return _run(campaign, application, lambda: record_result(visit, result, current_user),
                f"{visit.kind.label}结果已记录。", visit_form=form)


@bp.post("/site-visit/files")
@accepts_uploads
@admin_only
def upload(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    visit = visit_of(application)
    files = [f for f in request.files.getlist("file") if f.filename]
    if visit is None or not files or not ConfirmForm().validate():
        return result_page(campaign, application, status=409 if visit is None else 200,
                            error="请先选择现场答辩或现场核查。" if visit is None else "请选择要上传的照片或会议纪要。")

    def store_all():
        for file in files:
            add_file(visit, file.stream, file.filename, current_user)
    return _run(campaign, application, store_all, f"已上传 {len(files)} 个文件。")


@bp.get("/site-visit/files/<int:file_id>")
@admin_only
def download(campaign_id, application_id, file_id):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    item = db.session.get(SiteVisitFile, file_id)
    if item is None or item.visit.application_id != application.id:
        abort(404)
    path = attachment_path_for(item.stored_name)
    if not path.is_file():
        abort(404)
    inline = item.content_type in ("image/png", "image/jpeg") and request.args.get("inline") == "1"
    if not inline:
        audit.record("export.site_visit_file", obj=item.visit, detail={"name": item.original_name})
        db.session.commit()
    response = send_file(path, mimetype=item.content_type, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(item.original_name, inline=inline,
                                                                  fallback=f"site-visit-{item.id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response
