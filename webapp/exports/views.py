"""The download routes of the exports: the unit's ZIP, the province's archive of a campaign, the summary workbook.

The response body is a generator that runs after the view has returned, so everything it needs is collected first
(exports/archives.py) and it never touches the database session; the audit record is committed before the first
byte is sent.
"""
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.campaigns.lookup import current_campaign
from webapp.core.downloads import XLSX, content_disposition, send_bytes
from webapp.core.extensions import db
from webapp.documents.archive import ArchiveIntegrityError
from webapp.exports.archives import PROVINCE, campaign_archive, summary_workbook, unit_archive
from webapp.models import Campaign, RecommendingUnit, Role
from webapp.permissions import roles_required

bp = Blueprint("exports", __name__)


# ---- routes -------------------------------------------------------------------------------------------------------

@bp.get("/review/summary/archive.zip")
@roles_required(Role.RECOMMENDER)
def unit_zip():
    campaign = current_campaign() or abort(404)
    return _send_archive(lambda: unit_archive(campaign, current_user.unit), campaign)


@bp.get("/admin/archive/<int:year>.zip")
@roles_required(Role.ADMIN)
def campaign_zip(year):
    campaign, unit = _campaign_and_unit(year)
    return _send_archive(lambda: campaign_archive(campaign, unit), campaign)


@bp.get("/admin/summary/<int:year>.xlsx")
@roles_required(Role.ADMIN)
def province_summary(year):
    campaign, unit = _campaign_and_unit(year)
    data, filename = summary_workbook(campaign, unit)
    audit.record("export.summary", obj=campaign,
                 detail={"campaign": campaign.year, "unit": unit.name if unit else PROVINCE, "bytes": len(data)})
    db.session.commit()
    return send_bytes(data, filename, XLSX, fallback="summary")


def _campaign_and_unit(year: int) -> tuple[Campaign, RecommendingUnit | None]:
    campaign = db.session.execute(db.select(Campaign).filter_by(year=year)).scalar_one_or_none() or abort(404)
    if "unit" not in request.args:
        return campaign, None
    unit_id = request.args.get("unit", type=int)
    unit = db.session.get(RecommendingUnit, unit_id) if unit_id is not None else None
    return campaign, unit or abort(404)


def _send_archive(collect, campaign: Campaign):
    """Collect and check, commit the audit record, then stream: the generator never touches the database."""
    try:
        export = collect()
        export.archive.check_sources()
    except ArchiveIntegrityError as exc:
        db.session.rollback()
        current_app.logger.error("archive export of %s refused: %s", campaign.year, exc)
        audit.record("export.archive", obj=campaign, success=False, detail={"campaign": campaign.year,
                                                                           "error": str(exc)[:500]})
        db.session.commit()
        return render_template("errors/error.html", code=500, title="无法生成材料压缩包",
                               message="部分存档文件缺失或与提交时的记录不一致，压缩包未生成。已记录此问题，请联系系统管理员。"), 500
    audit.record("export.archive", obj=campaign, detail=export.detail)
    db.session.commit()
    response = Response(iter(export.archive), mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Length"] = str(export.archive.size)
    response.headers["Content-Disposition"] = content_disposition(export.filename, fallback="archive")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Accel-Buffering"] = "no"        # let a proxy pass the stream on as it comes
    return response
