"""The events that send notices, each to the people it concerns. Each function is one call in the domain function
that causes its event, inside that function's transaction (the caller commits both).

Adding an event: write a function here that picks the recipients and calls `notify(user, kind, subject, body, link)`
for each (or call `notify` directly from the domain function), e.g. for 补正:

    def correction_requested(application, by, deadline):
        for user in enterprise_editors(application.enterprise_id):
            notify(user, "selection.correction", "省工信厅要求补正申报材料", f"请于 {fmt(deadline)} 前补正。",
                   path_for("application.view", application_id=application.id))
"""
from webapp.accounts.members import is_enterprise_admin, may_edit_anything, may_edit_section, members, person_name
from webapp.applications.sections import SECTION_BY_KEY
from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import (
    Application, ApplicationStatus as S, Role, SectionSave, StatusChange, UnitReport, User,
)
from webapp.notices.inbox import notify, path_for


def enterprise_people(enterprise_id: int) -> list[User]:
    """Every active account of the enterprise (the administrator first)."""
    return [user for user, _member in members(enterprise_id)]


def enterprise_editors(enterprise_id: int) -> list[User]:
    """The active accounts of the enterprise that may edit something."""
    return [user for user in enterprise_people(enterprise_id) if may_edit_anything(user)]


def unit_people(unit_id: int) -> list[User]:
    """The active recommender accounts of a unit."""
    return list(db.session.execute(db.select(User).where(
        User.role == Role.RECOMMENDER, User.unit_id == unit_id, User.active.is_(True)).order_by(User.id)).scalars())


def _section_title(key: str) -> str:
    section = SECTION_BY_KEY.get(key)
    return section.heading if section and section.number else (section.title if section else key)


def _savers(application: Application, keys: list[str]) -> set[int]:
    """The accounts that saved any of the sections `keys` of the application."""
    if not keys:
        return set()
    return set(db.session.execute(db.select(SectionSave.user_id).where(
        SectionSave.application_id == application.id, SectionSave.section.in_(keys)).distinct()).scalars())


def application_returned(application: Application, change: StatusChange, section_keys: list[str]) -> None:
    """退回修改: to the enterprise's administrator, and to the colleagues who wrote or may edit a commented section
    (every colleague who may edit anything when no section is named)."""
    unit = application.unit.name
    sections = [_section_title(key) for key in section_keys]
    named = f"\n推荐单位对以下部分提出了意见：{'；'.join(sections)}。" if sections else ""
    deadline = application.campaign.deadline_for(application.enterprise_id)
    body = (f"{unit}于 {fmt(change.created_at)} 将贵单位的申报书退回修改。\n退回意见：{change.comment}{named}\n"
            f"请按意见修改后，由企业管理员在 {fmt(deadline)}（北京时间）前重新提交。")
    savers = _savers(application, section_keys)
    for user in enterprise_people(application.enterprise_id):
        concerned = is_enterprise_admin(user) or user.id in savers or (
            any(may_edit_section(user, key) for key in section_keys) if section_keys else may_edit_anything(user))
        if not concerned:
            continue
        own = [key for key in section_keys if may_edit_section(user, key)]
        link = (path_for("application.edit_section", application_id=application.id, key=own[0]) if own
                else path_for("application.view", application_id=application.id))
        subject = f"申报书被退回修改（{'、'.join(sections)}）" if sections else "申报书被退回修改"
        notify(user, "application.returned", subject, body, link)


def application_decided(application: Application, change: StatusChange) -> None:
    """推荐 / 不予推荐: to every account of the enterprise."""
    unit = application.unit.name
    if change.to_status is S.RECOMMENDED:
        subject = "申报书已获推荐"
        body = (f"{unit}于 {fmt(change.created_at)} 推荐了贵单位的申报书，列入推荐汇总表，"
                "将报送湖南省工业和信息化厅。")
    else:
        subject = "申报书未获推荐"
        reason = f"\n意见：{change.comment}" if change.comment else ""
        body = f"{unit}于 {fmt(change.created_at)} 决定不予推荐贵单位的申报书。{reason}"
    for user in enterprise_people(application.enterprise_id):
        notify(user, f"application.{change.action}", subject, body,
               path_for("application.view", application_id=application.id))


def application_resubmitted(application: Application, change: StatusChange) -> None:
    """Submitted again after a return: to the unit's recommenders."""
    body = (f"{application.applicant_name}于 {fmt(change.created_at)} 修改并重新提交了申报书（第{application.version}版）。"
            "审核页面列出了退回后修改的内容。")
    for user in unit_people(application.unit_id):
        notify(user, "application.resubmitted", f"{application.applicant_name}重新提交了申报书", body,
               path_for("review.review", application_id=application.id))


def application_withdrawn(application: Application, change: StatusChange) -> None:
    """Withdrawn by the enterprise: to the unit's recommenders (the draft is no longer theirs to see)."""
    body = (f"{application.applicant_name}于 {fmt(change.created_at)} 撤回了已提交的申报书，修改后可能重新提交。"
            "撤回期间该申报书不在审核列表中。")
    for user in unit_people(application.unit_id):
        notify(user, "application.withdrawn", f"{application.applicant_name}撤回了申报书", body, path_for("review.queue"))


def report_returned(report: UnitReport, by: User) -> None:
    """The province sends a unit's 推荐汇总表 back: to the unit's recommenders."""
    body = (f"湖南省工业和信息化厅于 {fmt(report.returned_at)} 退回了本单位的推荐汇总表。\n"
            f"退回意见：{report.return_comment}\n请调整后重新报送。")
    for user in unit_people(report.unit_id):
        notify(user, "report.returned", "推荐汇总表被省厅退回", body, path_for("review.summary"))


def correction_requested(application: Application, request) -> None:
    """形式审查 需补正 (a CorrectionRequest): to the enterprise's administrator and the colleagues who may edit a named
    section, and to the unit's recommenders (the list stays reported; they see what changes)."""
    sections = "；".join(_section_title(key) for key in request.sections)
    body = (f"湖南省工业和信息化厅形式审查要求补正申报书的以下部分：{sections}。\n意见：{request.comment}\n"
            f"请在 {fmt(request.deadline)}（北京时间）前修改这些部分，内容有变化时重新上传盖章版，由企业管理员提交补正。")
    for user in enterprise_people(application.enterprise_id):
        own = [key for key in request.sections if may_edit_section(user, key)]
        if not (is_enterprise_admin(user) or own):
            continue
        link = (path_for("application.edit_section", application_id=application.id, key=own[0]) if own
                else path_for("application.view", application_id=application.id))
        notify(user, "selection.correction", "省工信厅要求补正申报材料", body, link)
    for user in unit_people(application.unit_id):
        notify(user, "selection.correction", f"{application.applicant_name}需补正",
               f"省厅形式审查要求{application.applicant_name}补正：{sections}。补正截止 {fmt(request.deadline)}。",
               path_for("review.review", application_id=application.id))


def correction_submitted(application: Application, change: StatusChange) -> None:
    """The enterprise sent its 补正 back to the province: to the unit's recommenders."""
    body = (f"{application.applicant_name}于 {fmt(change.created_at)} 提交了补正（第{application.version}版），"
            "等待省厅再次形式审查。审核页面列出了补正修改的内容。")
    for user in unit_people(application.unit_id):
        notify(user, "selection.corrected", f"{application.applicant_name}已提交补正", body,
               path_for("review.review", application_id=application.id))


def notify_password_reset(user: User, by: User) -> None:
    """Someone else set a one-time password for the account (the security administrator, the enterprise's
    administrator, or the unit after checking the licence). The password itself is never in a notice."""
    who = "企业管理员" if by.role is Role.APPLICANT else by.role.label
    body = (f"{who}（{person_name(by)}）于 {fmt(utcnow())} 重置了您的登录密码（账号 {user.login}）。"
            "请使用收到的一次性密码登录并设置新密码。如您未申请重置，请立即联系管理员。")
    notify(user, "account.password_reset", "您的登录密码已被重置", body, path_for("auth.change_password"))


def notify_second_factor_enrolled(user: User) -> None:
    body = (f"您的账号 {user.login} 于 {fmt(utcnow())} 绑定了新的动态口令（双因素认证），其他设备上的登录已失效。"
            "如非本人操作，请立即联系安全管理员。")
    notify(user, "account.second_factor", "您的账号绑定了新的动态口令", body,
           path_for("security_settings.second_factor"))
