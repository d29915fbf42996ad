"""A canonical, JSON-serialisable copy of an application: frozen at submission, compared for changes."""
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from webapp.models import Application
from webapp.core.numbers import plain_decimal

SKIP_COLUMNS = {"id", "campaign_id", "enterprise_id", "unit_id", "edition_id", "status", "version", "submitted_at",
                "recommend_order", "recommend_opinion", "created_at", "updated_at"}


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def serialize(application: Application) -> dict:
    """Every value of the form, with repeatable parts as lists in their order."""
    data = {c.name: _plain(getattr(application, c.name)) for c in Application.__table__.columns
            if c.name not in SKIP_COLUMNS}
    data["economic_years"] = [
        {k: _plain(getattr(y, k)) for k in ("year", "total_assets", "debt_ratio", "revenue", "taxes", "profit")}
        for y in application.economic_years]
    data["lists"] = {kind: [i.text for i in application.list_items if i.kind.value == kind]
                     for kind in ("function", "key_problem", "key_technology")}
    data["links"] = [{
        "link_no": app_link.link.no, "link_name": app_link.link.name,
        "scenarios": [{
            "scenario_no": s.scenario.no if s.scenario else None,
            **{k: getattr(s, k) for k in ("name", "description", "pain_points", "solution", "safeguards", "results",
                                          "other")},
            "pictures": [p.sha256 for p in s.pictures],
        } for s in app_link.scenarios],
    } for app_link in application.links]
    data["attachments"] = [{"category": a.category.value, "name": a.original_name, "size": a.size, "sha256": a.sha256,
                            **({"version": a.document_version} if a.document_version else {})}
                           for a in application.attachments
                           if a.category.value != "solution_picture" and a.superseded_at is None]
    return data

