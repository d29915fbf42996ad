"""The blueprints of every area, registered by the app factory (the only importer of view modules)."""
from flask import Flask

from webapp.accounts.views.admin import bp as accounts_admin
from webapp.accounts.views.colleagues import bp as colleagues
from webapp.accounts.views.auth import bp as auth
from webapp.accounts.views.second_factor import bp as security_settings
from webapp.accounts.views.unit_accounts import bp as unit_accounts
from webapp.applications.views.activity import bp as activity
from webapp.applications.views.attachments import bp as attachments
from webapp.applications.views.comments import bp as comments
from webapp.applications.views.documents import bp as documents
from webapp.applications.views.editor import bp as application
from webapp.applications.views.final import bp as final
from webapp.applications.views.implementation import bp as implementation
from webapp.applications.views.word_import import bp as word_import
from webapp.audit.views import bp as audit
from webapp.campaigns.views import bp as campaigns, carry_over
from webapp.exports.views import bp as exports
from webapp.main.views import bp as main
from webapp.notices.views import bp as notices
from webapp.publicity.views import admin as publicity_admin, public as publicity_public
from webapp.reference.views import bp as options
from webapp.recognition.views import admin as recognition_admin, public as verify, results as recognition_results
from webapp.review.recommendation_views import bp as recommendation
from webapp.review.views import bp as review
from webapp.selection.views import (
    assignments, correction, experts, form_check, hub, plan, portal, results, sheet, site_visits,
)

BLUEPRINTS = (main, auth, options, application, attachments, implementation, review, campaigns, carry_over,
              accounts_admin, audit, documents, exports, security_settings, unit_accounts, notices, colleagues,
              activity, final, comments, word_import, recommendation,
              # The province's selection after 报送, and the experts' portal.
              hub.bp, form_check.bp, correction.bp, experts.bp, plan.bp, assignments.bp, results.bp, site_visits.bp,
              portal.bp, sheet.bp,
              # 拟认定名单 and 公示 (admin), the public 公示 pages and 实名异议.
              publicity_admin.bp, publicity_public.bp,
              # 认定: the admin's pages, the public verification page, what enterprises and units see.
              recognition_admin.bp, verify.bp, recognition_results.bp)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
