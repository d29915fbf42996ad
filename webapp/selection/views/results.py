"""评审进度 and 评审排名 (admin): who has submitted and who is late (reminders), each application's scores with the
aggregate, spread and 分歧 flag (a submitted sheet can be sent back), the ranking per type, and the documents: the
评审汇总表 (Excel) and the experts' 专家评分表 (Word)."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.core.downloads import DOCX, XLSX, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post, render_page_or_block
from webapp.documents.score_sheet_docx import build_score_sheets, sheets_filename
from webapp.forms.fields import options
from webapp.forms.selection.review import ConfirmForm, RankingFilterForm, ReasonForm
from webapp.models import ApplicationType, Expert, ScoreCard
from webapp.selection.progress import ReminderError, progress as expert_progress, remind_expert, remind_late
from webapp.selection.ranking import TIE_RULE, criteria_of, ranking, results
from webapp.selection.review_export import expert_sheets, review_workbook
from webapp.selection.scoring import ScoringError, reopen_card
from webapp.selection.views.common import admin_only, application_or_404, campaign_or_404, plan_of, plan_or_404
from webapp.selection.views.result_page import result_page

bp = Blueprint("results", __name__, url_prefix="/admin/selection/<int:campaign_id>")
RANKING_PAGE = 100          # rows of the ranking per page (the names around a quota's cut line are on the first)


@bp.get("/progress")
@admin_only
def progress(campaign_id):
    campaign = campaign_or_404(campaign_id)
    plan = plan_of(campaign)
    return render_template("selection/progress.html", campaign=campaign, plan=plan,
                           rows=expert_progress(campaign, plan), form=ConfirmForm(formdata=None))


@bp.post("/experts/<int:expert_id>/remind")
@admin_only
def remind(campaign_id, expert_id):
    campaign = campaign_or_404(campaign_id)
    expert = db.session.get(Expert, expert_id) or abort(404)
    try:
        remind_expert(campaign, plan_of(campaign), expert, current_user)
    except ReminderError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"已提醒{expert.name}。专家登录后将看到提醒。", "success")
    return redirect_after_post(url_for(".progress", campaign_id=campaign.id))


@bp.post("/remind-all")
@admin_only
def remind_all(campaign_id):
    campaign = campaign_or_404(campaign_id)
    count = remind_late(campaign, plan_of(campaign), current_user)
    db.session.commit()
    flash(f"已提醒 {count} 位专家。" if count else "没有需要提醒的专家。", "success" if count else "info")
    return redirect_after_post(url_for(".progress", campaign_id=campaign.id))


def _filters(all_results):
    filters = RankingFilterForm(formdata=request.args)
    prefectures = {r.prefecture_adcode: r.prefecture for r in all_results}
    industries = {r.industry_code: r.industry for r in all_results if r.industry_code}
    filters.prefecture.choices = options([("", "全部市州")] + sorted(prefectures.items()))
    filters.industry.choices = options([("", "全部行业")] + [(c, f"{c} {n}") for c, n in sorted(industries.items())])
    if filters.type.data not in {t.value for t in ApplicationType}:
        filters.type.data = ApplicationType.ENTERPRISE.value
    return filters


@bp.get("/ranking")
@admin_only
def ranking_page(campaign_id):
    campaign = campaign_or_404(campaign_id)
    plan = plan_of(campaign)
    filters = RankingFilterForm(formdata=request.args)
    app_type = ApplicationType(filters.type.data) if filters.type.data in {t.value for t in ApplicationType} \
        else ApplicationType.ENTERPRISE
    all_results = results(campaign, plan, app_type) if plan else []
    filters = _filters(all_results)
    ranked = ranking(all_results, app_type, filters.prefecture.data or None, filters.industry.data or None)
    pages = max(1, -(-len(ranked) // RANKING_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_page_or_block("selection/ranking.html", "results", campaign=campaign, plan=plan,
                                rows=ranked[(page - 1) * RANKING_PAGE:page * RANKING_PAGE], total=len(ranked),
                                page=page, pages=pages, filters=filters, app_type=app_type, tie_rule=TIE_RULE,
                                page_url=lambda n: url_for(".ranking_page", campaign_id=campaign.id, **args, page=n),
                                sheet=plan.sheet_for(app_type) if plan else None,
                                criteria=criteria_of(plan, app_type) if plan else [])


@bp.get("/results/<int:application_id>")
@admin_only
def result(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    return result_page(campaign, application_or_404(campaign, application_id))


def card_in(campaign, card_id: int) -> ScoreCard:
    card = db.session.get(ScoreCard, card_id)
    if card is None or card.assignment.campaign_id != campaign.id:
        abort(404)
    return card


@bp.post("/cards/<int:card_id>/reopen")
@admin_only
def reopen(campaign_id, card_id):
    campaign = campaign_or_404(campaign_id)
    card = card_in(campaign, card_id)
    application = card.assignment.application
    form = ReasonForm()
    if not form.validate():
        return result_page(campaign, application, reason_form=form)
    try:
        reopen_card(card, current_user, form.reason.data)
    except ScoringError as exc:
        db.session.rollback()
        return result_page(campaign, application, error=str(exc), status=409)
    db.session.commit()
    flash(f"已将{card.assignment.expert.name}的评分表退回，专家可修改后重新提交。", "success")
    return redirect_after_post(url_for(".result", campaign_id=campaign.id, application_id=application.id))


# ---- documents -------------------------------------------------------------------------------------------------

@bp.get("/review.xlsx")
@admin_only
def workbook(campaign_id):
    campaign = campaign_or_404(campaign_id)
    data, name = review_workbook(campaign, plan_or_404(campaign))
    audit.record("export.review", obj=campaign, detail={"campaign": campaign.year, "bytes": len(data)})
    db.session.commit()
    return send_bytes(data, name, XLSX, fallback="review")


@bp.get("/experts/<int:expert_id>/sheets.docx")
@admin_only
def expert_docx(campaign_id, expert_id):
    campaign = campaign_or_404(campaign_id)
    expert = db.session.get(Expert, expert_id) or abort(404)
    sheets = expert_sheets(campaign, plan_or_404(campaign), expert)
    audit.record("export.score_sheets", obj=expert, detail={"campaign": campaign.year, "pages": len(sheets.pages)})
    db.session.commit()
    return send_bytes(build_score_sheets(sheets), sheets_filename(sheets, campaign.year), DOCX, fallback="sheets")


@bp.get("/cards/<int:card_id>/sheet.docx")
@admin_only
def card_docx(campaign_id, card_id):
    campaign = campaign_or_404(campaign_id)
    card = card_in(campaign, card_id)
    assignment = card.assignment
    sheets = expert_sheets(campaign, plan_or_404(campaign), assignment.expert, assignment)
    audit.record("export.score_sheets", obj=assignment.expert, detail={"campaign": campaign.year, "card": card.id})
    db.session.commit()
    name = sheets_filename(sheets, campaign.year, assignment.application.company_name)
    return send_bytes(build_score_sheets(sheets), name, DOCX, fallback="sheet")
