"""The 申报书 as Word (and PDF where LibreOffice is installed), and the blank form for offline drafting."""
import hashlib

from flask import Blueprint, abort, request
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.status import is_editable
from webapp.campaigns.lookup import current_campaign
from webapp.documents import docx_builder
from webapp.core.downloads import DOCX, PDF, send_bytes
from webapp.core.extensions import db
from webapp.models import Role
from webapp.permissions import get_application_or_404, public, roles_required
from webapp.applications.final_print import working_version
from webapp.applications.word import frozen_path, pdf_of, render_application
from webapp.documents.pdf import office_binary

bp = Blueprint("documents", __name__)
readers = roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)


def _document(application_id: int) -> tuple[bytes, str, object]:
    """The applicant's own draft is rendered live and marked 草稿; everyone else gets a frozen submitted version."""
    application = get_application_or_404(application_id)
    name = docx_builder.docx_filename(application)
    if current_user.role is Role.APPLICANT and is_editable(application) and "version" not in request.args:
        data = render_application(application, draft=True, version=working_version(application))
        return data, name.replace(".docx", "（草稿）.docx"), application
    snapshots = {s.version: s for s in application.snapshots if s.docx_stored_name}
    if not snapshots:
        abort(404)
    version = request.args.get("version", type=int) or max(snapshots)
    snapshot = snapshots.get(version) or abort(404)
    path = frozen_path(snapshot)
    if not path.is_file():
        abort(404)
    return path.read_bytes(), name.replace(".docx", f"（第{version}版）.docx"), application


@bp.get("/applications/<int:application_id>/document.docx")
@readers
def word(application_id):
    data, name, application = _document(application_id)
    audit.record("document.download", obj=application, detail={"format": "docx", "name": name})
    db.session.commit()
    return send_bytes(data, name, DOCX, fallback="shenbaoshu")


@bp.get("/applications/<int:application_id>/document.pdf")
@readers
def pdf(application_id):
    if not office_binary():
        abort(404)
    data, name, application = _document(application_id)
    document = pdf_of(data, hashlib.sha256(data).hexdigest())
    audit.record("document.download", obj=application, detail={"format": "pdf", "name": name})
    db.session.commit()
    return send_bytes(document, name.replace(".docx", ".pdf"), PDF, fallback="shenbaoshu")


@bp.get("/documents/blank.docx")
@public
def blank():
    campaign = current_campaign()
    data = docx_builder.render_blank(campaign.economic_years if campaign else None)
    return send_bytes(data, "湖南省智能制造标杆申报书（空白）.docx", DOCX, fallback="shenbaoshu-blank")
