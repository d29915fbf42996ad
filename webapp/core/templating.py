"""Jinja filters and globals shared by all templates."""

from functools import cache

from flask import Flask
from werkzeug.local import LocalProxy
from flask_login import current_user

from webapp.accounts.members import is_enterprise_admin
from webapp.models import ROLE_LABELS, ApplicationStatus, Role
from webapp.notices.inbox import unread_count
from webapp.core.timeutil import fmt
from webapp.documents.pdf import office_binary
from webapp.core.numbers import format_size, plain_decimal


def money(value) -> str:
    """万元 with thousands separators and at most 2 decimals, no trailing zeros."""
    return plain_decimal(value, grouped=True)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = fmt
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["filesize"] = lambda size: format_size(size or 0)
    app.jinja_env.globals.update(Role=Role, ROLE_LABELS=ROLE_LABELS, ApplicationStatus=ApplicationStatus,
                                 office_available=office_binary, is_enterprise_admin=is_enterprise_admin)

    @app.context_processor
    def navigation():
        """The header's navigation and unread count, read only if the template shows them: an HTMX fragment (a
        save's answer, the heartbeat) does not, and should not pay their queries."""
        if not current_user.is_authenticated:
            return {"nav": []}
        user = current_user._get_current_object()

        @cache
        def nav():
            items = _nav_for(user.role)
            return [*items, ("colleagues.index", "同事账号")] if is_enterprise_admin(user) else items

        return {"nav": LocalProxy(nav), "unread_notices": LocalProxy(cache(lambda: unread_count(user.id)))}


def _nav_for(role: Role) -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the role's navigation; only endpoints that exist are shown."""
    items = {
        Role.APPLICANT: [("main.home", "首页")],
        Role.RECOMMENDER: [("main.home", "首页"), ("review.queue", "申报书审核"),
                           ("review.summary", "推荐汇总表"), ("unit_accounts.index", "企业账号")],
        Role.ADMIN: [("main.home", "首页"), ("campaigns.campaigns", "申报批次"), ("campaigns.overview", "全省概况"),
                     ("selection.index", "省级评审"), ("experts.index", "专家库")],
        Role.SECURITY: [("main.home", "首页"), ("accounts_admin.index", "账号管理"),
                        ("accounts_admin.enterprises", "企业账号"), ("accounts_admin.experts", "专家账号"),
                        ("security_settings.settings", "安全设置")],
        Role.AUDITOR: [("main.home", "首页"), ("audit.index", "审计日志")],
        Role.EXPERT: [("expert.assignments", "评审任务")],
    }
    return items[role]
