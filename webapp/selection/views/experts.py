"""专家库 pages (admin): the entries (a page, an Excel import) and their declared relations. The experts' logins are
issued by the 安全管理员 in the account administration (accounts.views.admin, 三员分立)."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func

from webapp.core.downloads import XLSX, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post, render_page_or_block
from webapp.core.security_headers import accepts_uploads
from webapp.documents.expert_xlsx import build_template
from webapp.forms.selection.experts import ExpertForm, ImportForm, RelationForm, expert_filters
from webapp.models import Expert, ExpertRelation, Role
from webapp.permissions import roles_required
from webapp.selection.expert_import import COLUMNS, MAX_BYTES, import_experts
from webapp.selection.experts import (
    ExpertError, add_relation, filtered_experts, link_names, prefectures, remove_relation, save_expert,
)

bp = Blueprint("experts", __name__, url_prefix="/admin/experts")
admin_only = roles_required(Role.ADMIN)
PER_PAGE = 50


def _expert_or_404(expert_id: int) -> Expert:
    return db.session.get(Expert, expert_id) or abort(404)


def _paged(experts, endpoint):
    page = request.args.get("page", "1")
    pages = max(1, -(-len(experts) // PER_PAGE))
    page = min(max(int(page) if page.isdigit() else 1, 1), pages)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return (experts[(page - 1) * PER_PAGE:page * PER_PAGE], page, pages,
            lambda n: url_for(endpoint, **args, page=n))


@bp.get("/")
@admin_only
def index():
    filters = expert_filters(request.args)
    experts = filtered_experts(filters.q.data, filters.prefecture.data, filters.field.data, filters.state.data)
    rows, page, pages, page_url = _paged(experts, ".index")
    total = db.session.execute(db.select(func.count()).select_from(Expert)).scalar_one()
    return render_page_or_block("selection/experts.html", "results", filters=filters, rows=rows, count=len(experts),
                                total=total, page=page, pages=pages, page_url=page_url)


def _form(expert: Expert | None = None) -> ExpertForm:
    form = ExpertForm(obj=expert) if request.method == "GET" else ExpertForm()
    form.set_choices(prefectures(), link_names())
    if request.method == "GET" and expert is None:
        form.active.data = True
    return form


def _edit_page(form, expert=None, error=None, status=200):
    relation_form = RelationForm(formdata=None)
    return render_template("selection/expert_form.html", form=form, expert=expert, error=error,
                           relation_form=relation_form), status


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    form = _form()
    if request.method == "GET" or not form.validate():
        return _edit_page(form)
    try:
        expert = save_expert(None, form.values(), current_user)
    except ExpertError as exc:
        db.session.rollback()
        return _edit_page(form, error=str(exc))
    db.session.commit()
    flash(f"已将{expert.name}加入专家库。登录账号由安全管理员开通。", "success")
    return redirect_after_post(url_for(".edit", expert_id=expert.id))


@bp.route("/<int:expert_id>", methods=["GET", "POST"])
@admin_only
def edit(expert_id):
    expert = _expert_or_404(expert_id)
    form = _form(expert)
    if request.method == "GET" or not form.validate():
        return _edit_page(form, expert)
    try:
        save_expert(expert, form.values(), current_user)
    except ExpertError as exc:
        db.session.rollback()
        return _edit_page(form, expert, error=str(exc))
    db.session.commit()
    flash(f"已保存{expert.name}的信息。", "success")
    return redirect_after_post(url_for(".edit", expert_id=expert.id))


@bp.post("/<int:expert_id>/relations", endpoint="add_relation")
@admin_only
def add_relation_view(expert_id):
    expert = _expert_or_404(expert_id)
    form = RelationForm()
    error = None
    if form.validate():
        try:
            add_relation(expert, form.credit_code.data, form.reason.data, current_user)
        except ExpertError as exc:
            error = str(exc)
        else:
            db.session.commit()
            flash("已记录关联关系，分配时将自动回避。", "success")
            return redirect_after_post(url_for(".edit", expert_id=expert.id) + "#relations")
    db.session.rollback()
    page = ExpertForm(obj=expert, formdata=None)
    page.set_choices(prefectures(), link_names())
    return render_template("selection/expert_form.html", form=page, expert=expert, relation_form=form,
                           relation_error=error), 200


@bp.post("/<int:expert_id>/relations/<int:relation_id>/delete")
@admin_only
def delete_relation(expert_id, relation_id):
    expert = _expert_or_404(expert_id)
    relation = db.session.get(ExpertRelation, relation_id)
    if relation is None or relation.expert_id != expert.id:
        abort(404)
    remove_relation(relation, current_user)
    db.session.commit()
    flash("已删除该关联关系。", "success")
    return redirect_after_post(url_for(".edit", expert_id=expert.id) + "#relations")


@bp.route("/import", methods=["GET", "POST"], endpoint="import_list")
@accepts_uploads
@admin_only
def import_view():
    form = ImportForm()
    if request.method == "GET" or not form.validate():
        return render_template("selection/expert_import.html", form=form, result=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("selection/expert_import.html", form=form, result=None, error="请选择要导入的Excel文件。")
    try:
        result = import_experts(upload.stream.read(MAX_BYTES + 1), current_user)
    except ExpertError as exc:
        db.session.rollback()
        return render_template("selection/expert_import.html", form=form, result=None, error=str(exc))
    if result.errors:
        db.session.rollback()
        return render_template("selection/expert_import.html", form=form, result=result)
    db.session.commit()
    flash(f"导入完成：新增 {result.created} 位，更新 {result.updated} 位专家。", "success")
    return redirect_after_post(url_for(".index"))


@bp.get("/template.xlsx")
@admin_only
def template():
    data = build_template(COLUMNS, [p.name for p in prefectures()], link_names())
    return send_bytes(data, "专家库导入模板.xlsx", XLSX, fallback="experts-template")
