"""Accounts (安全管理员 only, 三员分立): units with their recommender accounts, staff accounts, enterprise accounts;
creating staff accounts, resetting passwords, unlocking, deactivating and reactivating. Every change is audited.
Which accounts the 安全管理员 may act on is decided by accounts/duties.py: never a 安全管理员 or 审计管理员 account
(those are created and reset on the server console), never their own.

A one-time password is shown once, in the response to the POST that made it: it is never put in the session
(a signed, readable cookie), a URL or a log.
"""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func

from webapp.audit import trail as audit
from webapp.accounts import duties, throttles
from webapp.accounts.operations import AccountError, create_staff_user, end_sessions, reset_password_of
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.forms.campaigns import ConfirmForm, EnterpriseFilterForm, StaffAccountForm
from webapp.forms.fields import options
from webapp.core.htmx import redirect_after_post, render_page_or_block
from webapp.forms.selection.experts import IssueLoginForm, expert_filters
from webapp.models import Application, Enterprise, Expert, RecommendingUnit, Role, User
from webapp.core.timeutil import utcnow
from webapp.selection.experts import ExpertError, filtered_experts, issue_login
from webapp.permissions import roles_required

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/accounts")
security_only = roles_required(Role.SECURITY)
PER_PAGE = 30


def _units() -> list[RecommendingUnit]:
    return list(db.session.execute(db.select(RecommendingUnit).order_by(RecommendingUnit.prefecture_adcode)).scalars())


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _managed_or_403(user_id: int) -> User:
    """An account the acting 安全管理员 may act on (duties.may_manage); 403 (audited) for the others."""
    user = _user_or_404(user_id)
    if not duties.may_manage(current_user, user):
        abort(403)
    return user


# ---- lists --------------------------------------------------------------------------------------------------------

@bp.get("/")
@security_only
def index():
    units = _units()
    staff = list(db.session.execute(db.select(User).where(User.role != Role.APPLICANT)
                                    .order_by(User.role, User.login)).scalars())
    by_unit = {unit.id: [] for unit in units}
    for user in staff:
        if user.role is Role.RECOMMENDER and user.unit_id in by_unit:
            by_unit[user.unit_id].append(user)
    province = [u for u in staff if u.role is not Role.RECOMMENDER]
    enterprises = db.session.execute(db.select(func.count()).select_from(Enterprise)).scalar_one()
    return render_template("accounts/accounts.html", units=units, by_unit=by_unit, province=province,
                           enterprise_count=enterprises)


@bp.get("/enterprises")
@security_only
def enterprises():
    filters = EnterpriseFilterForm(formdata=request.args)
    units = _units()
    filters.unit.choices = options([("", "全部推荐单位")] + [(u.id, u.name) for u in units])
    conditions = []
    query = (filters.q.data or "").strip()[:100]
    if query:
        conditions.append(Enterprise.name.icontains(query, autoescape=True)
                          | Enterprise.credit_code.icontains(query.upper(), autoescape=True))
    if (filters.unit.data or "").isdigit():
        conditions.append(Enterprise.unit_id == int(filters.unit.data))
    total = db.session.execute(db.select(func.count()).select_from(Enterprise).where(*conditions)).scalar_one()
    pages = max(1, -(-total // PER_PAGE))
    page = request.args.get("page", "1")
    page = min(max(int(page) if page.isdigit() else 1, 1), pages)
    rows = list(db.session.execute(
        db.select(Enterprise).where(*conditions).options(db.joinedload(Enterprise.unit))
        .order_by(Enterprise.created_at.desc(), Enterprise.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique().scalars())
    ids = [e.id for e in rows]
    users = {}
    for user in db.session.execute(db.select(User).where(User.enterprise_id.in_(ids))).scalars():
        users.setdefault(user.enterprise_id, user)
    campaign = current_campaign()
    states = {}
    if campaign and ids:
        states = dict(db.session.execute(db.select(Application.enterprise_id, Application.status).where(
            Application.campaign_id == campaign.id, Application.enterprise_id.in_(ids))).all())
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_page_or_block("accounts/enterprises.html", "results", filters=filters, rows=rows, users=users,
                                states=states, campaign=campaign, total=total, page=page, pages=pages,
                                page_url=lambda number: url_for(".enterprises", **args, page=number))


@bp.get("/<int:user_id>")
@security_only
def detail(user_id):
    user = _user_or_404(user_id)
    return render_template("accounts/account.html", user=user, manageable=duties.may_manage(current_user, user),
                           counters=throttles.locks_of(throttles.login_key(user.login), utcnow()))


# ---- create ---------------------------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@security_only
def create():
    form = StaffAccountForm()
    units = _units()
    form.unit_id.choices = options([(0, "请选择推荐单位")] + [(u.id, u.name) for u in units])
    if request.method == "GET" and request.args.get("unit", "").isdigit():
        form.unit_id.data = int(request.args["unit"])
    if request.method == "GET" or not form.validate():
        return render_template("accounts/account_new.html", form=form)
    role = Role(form.role.data)
    if not duties.may_create(current_user, role):
        abort(403)
    unit = next((u for u in units if u.id == form.unit_id.data), None) if role is Role.RECOMMENDER else None
    try:
        user, password = create_staff_user(role=role, login=form.login.data, unit_name=unit.name if unit else None,
                                           display_name=form.display_name.data, actor=current_user)
    except AccountError as exc:
        db.session.rollback()
        form.login.errors.append(str(exc))
        return render_template("accounts/account_new.html", form=form)
    db.session.commit()
    return render_template("accounts/one_time_password.html", user=user, password=password, created=True)


# ---- actions on one account ---------------------------------------------------------------------------------------

def _checked_action(user_id: int) -> User:
    if not ConfirmForm().validate():
        abort(400)
    return _managed_or_403(user_id)


@bp.post("/<int:user_id>/reset-password")
@security_only
def reset_password(user_id):
    user = _checked_action(user_id)
    password = reset_password_of(user, current_user)
    db.session.commit()
    return render_template("accounts/one_time_password.html", user=user, password=password, created=False)


@bp.post("/<int:user_id>/unlock")
@security_only
def unlock(user_id):
    user = _checked_action(user_id)
    cleared = throttles.clear(throttles.login_key(user.login))
    audit.record("account.unlock", obj=user, detail={"login": user.login, "counters": cleared})
    db.session.commit()
    flash(f"账号 {user.login} 已解除锁定。", "success")
    return redirect_after_post(url_for(".detail", user_id=user.id))


@bp.post("/<int:user_id>/deactivate")
@security_only
def deactivate(user_id):
    user = _checked_action(user_id)
    if user.active:
        user.active = False
        end_sessions(user)
        audit.record("account.deactivate", obj=user, detail={"login": user.login, "role": user.role.value})
        db.session.commit()
        flash(f"账号 {user.login} 已停用，其登录已全部失效。", "success")
    return redirect_after_post(url_for(".detail", user_id=user.id))


@bp.post("/<int:user_id>/activate")
@security_only
def activate(user_id):
    user = _checked_action(user_id)
    if not user.active:
        user.active = True
        audit.record("account.activate", obj=user, detail={"login": user.login, "role": user.role.value})
        db.session.commit()
        flash(f"账号 {user.login} 已重新启用。", "success")
    return redirect_after_post(url_for(".detail", user_id=user.id))


# ---- expert logins: the 专家库 is the admin's; its logins are issued here ----------------------------------------

@bp.get("/experts")
@security_only
def experts():
    filters = expert_filters(request.args)
    found = filtered_experts(filters.q.data, filters.prefecture.data, filters.field.data, filters.state.data)
    pages = max(1, -(-len(found) // PER_PAGE))
    page = request.args.get("page", "1")
    page = min(max(int(page) if page.isdigit() else 1, 1), pages)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_template("accounts/expert_logins.html", filters=filters, count=len(found), page=page, pages=pages,
                           rows=found[(page - 1) * PER_PAGE:page * PER_PAGE],
                           page_url=lambda number: url_for(".experts", **args, page=number))


@bp.route("/experts/<int:expert_id>/login", methods=["GET", "POST"])
@security_only
def issue_expert_login(expert_id):
    expert = db.session.get(Expert, expert_id) or abort(404)
    form = IssueLoginForm()
    if request.method == "GET" or not form.validate():
        return render_template("accounts/expert_login_new.html", expert=expert, form=form)
    try:
        user, password = issue_login(expert, form.login.data, current_user)
    except ExpertError as exc:
        db.session.rollback()
        return render_template("accounts/expert_login_new.html", expert=expert, form=form, error=str(exc)), 409
    db.session.commit()
    return render_template("accounts/one_time_password.html", user=user, password=password, created=True)
