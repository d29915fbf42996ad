"""The recommending unit's workspace: queue, review page and decisions, the 推荐汇总表 (order, Excel, 报送).

Also the province's one action on a unit's list: sending a reported list back (admin only).
Views parse, load within the unit (another unit's application is a 404), call webapp.review, and render.
"""
import io
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp.audit import trail as audit
from webapp.applications.contents import load_contents
from webapp.campaigns.lookup import current_campaign
from webapp.documents.summary_xlsx import NOTES, build_unit_workbook, date_caption, links_text
from webapp.core.extensions import db
from webapp.forms.review import (
    BulkDecisionForm, FillDateForm, MoveForm, PositionForm, QueueFilterForm, RecommendForm, RejectForm, ReturnForm,
    ReturnReportForm, SubmitReportForm,
)
from webapp.core.htmx import is_htmx, redirect_after_post, render_page_or_block
from webapp.core.timeutil import local_today
from webapp.models import Application, RecommendingUnit, Role
from webapp.permissions import get_application_or_404, roles_required
from webapp.review.decisions import allowed_decisions, bulk_decide, decide, move, move_to, preview_bulk
from webapp.review.queue import application_flags, filter_options, next_pending, queue_page, state_counts
from webapp.review.report import (
    get_report, lock_reason, quota_usage, return_report, set_fill_date, submit_report, undecided_count,
)
from webapp.review.summary import export_filename, recommended_applications, summary_row, unit_summary
from webapp.applications.changes import changes_since_return
from webapp.applications.comments import current_comments, resubmission_note
from webapp.applications.final_print import valid_scans
from webapp.applications.sections import SECTIONS
from webapp.status import TRANSITIONS, TransitionError

bp = Blueprint("review", __name__)
unit_only = roles_required(Role.RECOMMENDER)
admin_only = roles_required(Role.ADMIN)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECISION_FORMS = {"return": (ReturnForm, "return"), "recommend": (RecommendForm, "recommend"),
                  "reject": (RejectForm, "reject")}
DONE_MESSAGES = {"return": "已将“{name}”退回企业修改，企业将看到您的意见。",
                 "recommend": "已推荐“{name}”，列入推荐汇总表第 {order} 位。",
                 "reject": "已将“{name}”标记为不予推荐。"}


# ---- the queue -------------------------------------------------------------------------------------------------

def _queue_context(args: MultiDict, bulk_form: BulkDecisionForm | None = None) -> dict:
    campaign = current_campaign()
    unit = current_user.unit
    filters = QueueFilterForm(formdata=args)
    context = dict(campaign=campaign, unit=unit, filters=filters, args=args)
    if campaign is None:
        return context
    options = filter_options(campaign, unit)
    filters.set_choices(options["counties"], options["industries"], options["links"])
    query = filters.query()
    report = get_report(campaign.id, unit.id)
    county_names = dict(options["counties"])
    context.update(
        query=query, page=queue_page(campaign, unit.id, query), counts=state_counts(campaign, unit.id),
        quota=quota_usage(campaign, unit.id), report=report, lock=lock_reason(campaign, report),
        county_names=county_names, allowed_decisions=allowed_decisions,
        bulk_form=bulk_form or BulkDecisionForm(formdata=None, return_to=_queue_path(args)),
        selected=set(bulk_form.selected) if bulk_form else set(),
        queue_url=lambda **changes: _queue_url(args, **changes))
    return context


def _queue_url(args: MultiDict, **changes) -> str:
    values = {key: value for key, value in args.items() if value}
    if "page" not in changes:
        values.pop("page", None)        # a new filter or sort starts at the first page
    values.update({key: value for key, value in changes.items()})
    return url_for(".queue", **{key: value for key, value in values.items() if value not in (None, "")})


def _queue_path(args: MultiDict) -> str:
    return _queue_url(args, page=args.get("page"))


def _safe_return_to(value: str | None) -> str:
    """Only back to the queue itself (with its filters): never an outside address."""
    queue = url_for(".queue")
    if value and value.startswith(queue) and not value.startswith("//"):
        return value
    return queue


@bp.get("/review/")
@unit_only
def queue():
    context = _queue_context(request.args)
    return render_page_or_block("review/queue.html", "results", **context)


@bp.post("/review/bulk")
@unit_only
def bulk():
    form = BulkDecisionForm()
    form.selected = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    return_to = _safe_return_to(form.return_to.data)
    if not form.validate():
        args = MultiDict(parse_qs(urlsplit(return_to).query))
        return render_page_or_block("review/queue.html", "results", **_queue_context(args, form))
    if form.confirmed.data != "1":
        # Show the affected applications first: what will happen to each, then a confirmation.
        rows = preview_bulk(form.selected, form.action.data, current_user, form.comment.data)
        found = {a.id: a for a in db.session.execute(db.select(Application).where(
            Application.id.in_([r.application_id for r in rows]))).scalars()}
        return render_template("review/bulk_confirm.html", form=form, rows=rows, found=found,
                               label=TRANSITIONS[form.action.data].label, return_to=return_to)
    results = bulk_decide(form.selected, form.action.data, current_user, form.comment.data)
    db.session.commit()
    done = [r for r in results if r.ok]
    label = TRANSITIONS[form.action.data].label
    if done:
        flash(f"已{label} {len(done)} 份申报书：{'、'.join(r.name for r in done)}。", "success")
    for row in results:
        if not row.ok:
            flash(f"“{row.name}”未能{label}：{row.message}", "error")
    return redirect_after_post(return_to)


# ---- the review page and decisions -----------------------------------------------------------------------------

def _render_review(application, *, forms: dict | None = None, error: str | None = None,
                   error_action: str | None = None, status: int = 200):
    load_contents(application)          # its 环节 and 场景 in a fixed number of queries
    campaign = application.campaign
    report = get_report(campaign.id, application.unit_id)
    forms = forms or {}
    for action, (form_class, prefix) in DECISION_FORMS.items():
        forms.setdefault(action, form_class(formdata=None, prefix=prefix))
    comments = {}
    for comment in application.review_comments:
        comments.setdefault(comment.status_change_id, []).append(comment)
    context = dict(
        application=application, campaign=campaign, name=application.applicant_name,
        flags=application_flags(application, campaign), quota=quota_usage(campaign, application.unit_id),
        lock=lock_reason(campaign, report), allowed=allowed_decisions(application), forms=forms,
        error=error, error_action=error_action, transitions=TRANSITIONS, comments_by_change=comments,
        diff=changes_since_return(application), next_app=next_pending(application),
        replies=current_comments(application), explanation=resubmission_note(application),
        scans=valid_scans(application),
        links=summary_row(application).links,
        section_titles={s.key: (s.heading if s.number else s.title) for s in SECTIONS})
    return render_page_or_block("review/review.html", "decisions", **context), status


@bp.get("/review/<int:application_id>")
@unit_only
def review(application_id):
    return _render_review(get_application_or_404(application_id))


def _decide(application_id: int, action: str):
    application = get_application_or_404(application_id)
    form_class, prefix = DECISION_FORMS[action]
    form = form_class(prefix=prefix)
    if not form.validate():
        return _render_review(application, forms={action: form}, error_action=action)
    comment = form.comment.data if hasattr(form, "comment") else None
    sections = form.section_comments() if isinstance(form, ReturnForm) else None
    name = application.applicant_name
    try:
        decide(application, action, current_user, comment, sections)
    except TransitionError as exc:
        db.session.rollback()
        return _render_review(application, forms={action: form}, error=str(exc), error_action=action, status=409)
    db.session.commit()
    flash(DONE_MESSAGES[action].format(name=name, order=application.recommend_order), "success")
    return redirect_after_post(url_for(".review", application_id=application.id))


@bp.post("/review/<int:application_id>/return")
@unit_only
def return_application(application_id):
    return _decide(application_id, "return")


@bp.post("/review/<int:application_id>/recommend")
@unit_only
def recommend(application_id):
    return _decide(application_id, "recommend")


@bp.post("/review/<int:application_id>/reject")
@unit_only
def reject(application_id):
    return _decide(application_id, "reject")


# ---- the 推荐汇总表: order, 填报日期, Excel, 报送 ----------------------------------------------------------------

def _summary_context(campaign, **extra) -> dict:
    unit = current_user.unit
    context = dict(campaign=campaign, unit=unit, links_text=links_text, notes=NOTES)
    if campaign is None:
        return context
    applications = recommended_applications(campaign.id, unit.id)
    summary = unit_summary(campaign, unit, applications)
    report = get_report(campaign.id, unit.id)
    context.update(
        summary=summary, rows=list(zip(applications, summary.rows)), report=report,
        lock=lock_reason(campaign, report), quota=quota_usage(campaign, unit.id),
        undecided=undecided_count(campaign.id, unit.id),
        fill_form=FillDateForm(formdata=None, fill_date=summary.fill_date or local_today()),
        fill_caption=date_caption(summary.fill_date),
        report_form=SubmitReportForm(formdata=None), row_errors={}, order_error=None, report_error=None)
    context.update(extra)
    return context


def _summary_response(campaign, status: int = 200, **extra):
    return render_page_or_block("review/summary.html", "summary_table", **_summary_context(campaign, **extra)), \
        status


@bp.get("/review/summary")
@unit_only
def summary():
    return render_template("review/summary.html", **_summary_context(current_campaign()))


def _after_reorder(application):
    db.session.commit()
    if is_htmx():
        return _summary_response(application.campaign)
    return redirect(url_for(".summary") + f"#row-{application.id}", code=303)


@bp.post("/review/<int:application_id>/move")
@unit_only
def move_row(application_id):
    application = get_application_or_404(application_id)
    form = MoveForm()
    if not form.validate():
        return _summary_response(application.campaign, row_errors={application.id: ["未知的操作。"]})
    try:
        move(application, form.direction.data, current_user)
    except TransitionError as exc:
        db.session.rollback()
        return _summary_response(application.campaign, status=409, order_error=str(exc))
    return _after_reorder(application)


@bp.post("/review/<int:application_id>/position")
@unit_only
def set_position(application_id):
    application = get_application_or_404(application_id)
    form = PositionForm()
    if not form.validate():
        return _summary_response(application.campaign, row_errors={application.id: form.position.errors})
    try:
        move_to(application, form.position.data, current_user)
    except TransitionError as exc:
        db.session.rollback()
        return _summary_response(application.campaign, status=409, order_error=str(exc))
    return _after_reorder(application)


def _campaign_or_404():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign


@bp.post("/review/summary/fill-date")
@unit_only
def fill_date():
    campaign = _campaign_or_404()
    form = FillDateForm()
    if not form.validate():
        return render_template("review/summary.html", **_summary_context(campaign, fill_form=form))
    try:
        set_fill_date(campaign, current_user.unit_id, current_user, form.fill_date.data)
    except TransitionError as exc:
        db.session.rollback()
        return render_template("review/summary.html", **_summary_context(campaign, report_error=str(exc))), 409
    db.session.commit()
    flash("填报日期已保存。", "success")
    return redirect_after_post(url_for(".summary"))


@bp.get("/review/summary/export.xlsx")
@unit_only
def export():
    campaign = _campaign_or_404()
    unit = current_user.unit
    summary = unit_summary(campaign, unit)
    data = build_unit_workbook(summary)
    audit.record("report.export", object_type="unit_report", object_id=unit.id,
                 detail={"campaign": campaign.year, "rows": len(summary.rows)})
    db.session.commit()
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=export_filename(campaign, unit), max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _report_confirm_page(campaign, form, status=200, error=None):
    return render_template("review/report_confirm.html", **_summary_context(
        campaign, report_form=form, report_error=error)), status


@bp.get("/review/summary/report")
@unit_only
def report_confirm():
    """报送 asks first: the list as it will be sent (count by type, quota use, the order), then a confirmation."""
    return _report_confirm_page(_campaign_or_404(), SubmitReportForm(formdata=None))


@bp.post("/review/summary/report")
@unit_only
def report():
    campaign = _campaign_or_404()
    form = SubmitReportForm()
    if not form.validate() or form.confirmed.data != "1":
        return _report_confirm_page(campaign, form)
    try:
        submit_report(campaign, current_user.unit_id, current_user, bool(form.confirm_undecided.data))
    except TransitionError as exc:
        db.session.rollback()
        return _report_confirm_page(campaign, form, 409, str(exc))
    db.session.commit()
    flash("推荐汇总表已报送省工业和信息化厅。推荐结果和顺序已锁定；如需修改，请联系省厅退回。", "success")
    return redirect_after_post(url_for(".summary"))


# ---- the province sends a list back ----------------------------------------------------------------------------

def _admin_return_page(unit, form, status=200, error=None):
    campaign = current_campaign()
    report = get_report(campaign.id, unit.id) if campaign else None
    return render_template("review/admin_return.html", unit=unit, campaign=campaign, report=report, form=form,
                           error=error), status


@bp.route("/admin/reports/<int:unit_id>/return", methods=["GET", "POST"])
@admin_only
def admin_return_report(unit_id):
    unit = db.session.get(RecommendingUnit, unit_id) or abort(404)
    form = ReturnReportForm()
    if request.method == "GET" or not form.validate():
        return _admin_return_page(unit, form)
    campaign = _campaign_or_404()
    try:
        return_report(campaign, unit.id, current_user, form.comment.data)
    except TransitionError as exc:
        db.session.rollback()
        return _admin_return_page(unit, form, status=409, error=str(exc))
    db.session.commit()
    flash(f"已将{unit.name}的推荐汇总表退回，该单位可修改后重新报送。", "success")
    return redirect_after_post(url_for(".admin_return_report", unit_id=unit.id))
