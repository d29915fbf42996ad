"""The expert's score sheet: saved as a draft section by section (HTMX: one section, answered with that section and
the total out of band), or whole (a plain POST of the form: every section), and submitted once.

A save is small and its checks cheap: it runs in one write transaction (no read-only part to redo under the lock),
and the answer is rendered after the commit, outside the lock (finish_writes).
"""
from flask import Blueprint, abort, flash, render_template, render_template_string, request, url_for
from flask_login import current_user

from webapp.core.extensions import db, finish_writes
from webapp.core.htmx import is_htmx, redirect_after_post
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Role
from webapp.permissions import roles_required
from webapp.selection.scoring import (
    OPINION, IncompleteSheet, Posted, ScoringError, save_sections, section_key, submit_card,
)
from webapp.selection.views.expert_common import assignment_or_404, review_context, sheet_context

bp = Blueprint("sheet", __name__, url_prefix="/expert/assignments/<int:assignment_id>")
expert_only = roles_required(Role.EXPERT)


def _posted(sheet, only: str | None = None) -> dict[str, Posted]:
    """The sections present in the request (all, or only `only`), as typed."""
    form = request.form
    keys = [section_key(c) for c in sheet.criteria] + [OPINION]
    out = {}
    for key in keys:
        if only is not None and key != only:
            continue
        if f"{key}-value" in form or f"{key}-comment" in form or (key == OPINION and OPINION in form):
            comment = form.get(OPINION, "") if key == OPINION else form.get(f"{key}-comment", "")
            out[key] = Posted(form.get(f"{key}-value", ""), comment)
    return out


def _load(assignment_id: int):
    item = assignment_or_404(assignment_id)
    context = sheet_context(item)
    if context["sheet"] is None:
        abort(404)
    return item, context


def _refused(item, message: str, status: int = 409):
    if is_htmx():
        # Into the page's notice area: the section and what was typed in it stay as they are.
        body = render_template_string('<p class="flash flash--error" role="alert">{{ message }}</p>', message=message)
        return body, status, {"HX-Retarget": "#session-alert", "HX-Reswap": "innerHTML"}
    flash(message, "error")
    return redirect_after_post(url_for("expert.assignment", assignment_id=item.id))


def _save(item, context, posted, then=None, commit=True):
    """Save the posted sections; then (same transaction, only if every section was valid) run `then`. With
    `commit=False` the caller commits (finish_writes) once it has read what it shows."""
    try:
        result = save_sections(item, context["sheet"], current_user, posted)
        if then is not None and not result.errors:
            then()
    except ScoringError as exc:
        db.session.rollback()
        return None, exc
    if commit:
        finish_writes()
    return result, None


@bp.post("/sheet/<section>")
@expert_only
def save_section(assignment_id, section):
    item, context = _load(assignment_id)
    key = section
    posted = _posted(context["sheet"], only=key)
    if key not in posted:
        return _refused(item, "没有收到这一项的内容，请重新填写后保存。", status=200)
    result, error = _save(item, context, posted, commit=not is_htmx())
    if error:
        return _refused(item, str(error))
    extra = dict(errors=result.errors, typed=result.typed, saved_at=fmt(utcnow(), "%H:%M:%S"))
    if not is_htmx():
        return _full_page(item, review_context(item, **extra), result)
    # The section and the total are rendered from the rows just written, then committed: read once, not again
    # after the commit (the many experts saving at once are what this is for).
    context.update(extra, card=item.card)
    criterion = next((c for c in context["sheet"].criteria if section_key(c) == key), None)
    body = render_template("selection/_sheet_section_response.html", criterion=criterion, key=key, **context)
    finish_writes()
    return body


@bp.post("/sheet")
@expert_only
def save_all(assignment_id):
    item, context = _load(assignment_id)
    result, error = _save(item, context, _posted(context["sheet"]))
    if error:
        return _refused(item, str(error))
    return _full_page(item, review_context(item, errors=result.errors, typed=result.typed,
                                           saved_at=fmt(utcnow(), "%H:%M:%S")), result)


def _full_page(item, context, result):
    if result.errors:
        return render_template("selection/expert_review.html", **context), 200
    flash("评分草稿已保存。", "success")
    return redirect_after_post(url_for("expert.assignment", assignment_id=item.id) + "#score-sheet")


@bp.post("/submit")
@expert_only
def submit(assignment_id):
    """Save what the form carries, then submit if nothing is missing (otherwise say what is, keeping the drafts)."""
    item, context = _load(assignment_id)
    posted = _posted(context["sheet"])
    result, error = _save(item, context, posted,
                          then=lambda: submit_card(item, context["sheet"], context["plan"], current_user))
    if isinstance(error, IncompleteSheet):
        _save(item, context, posted)                       # a new write transaction: keep the drafts
        return render_template("selection/expert_review.html",
                               **review_context(item, problems=error.problems)), 200
    if error:
        return _refused(item, str(error))
    if result.errors:
        return render_template("selection/expert_review.html", **review_context(
            item, errors=result.errors, typed=result.typed)), 200
    flash("评分表已提交。提交后不能再修改；如需修改，请联系省工信厅退回。", "success")
    return redirect_after_post(url_for("expert.assignment", assignment_id=item.id))
