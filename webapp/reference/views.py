"""Option lists for dependent selects, answered as <option> fragments for HTMX."""
from flask import Blueprint, render_template, request

from webapp.permissions import public
from webapp.reference.choices import county_choices, group_choices

bp = Blueprint("options", __name__, url_prefix="/options")


@bp.get("/counties")
@public
def counties():
    prefecture = request.args.get("prefecture", "")
    return render_template("_options.html", choices=county_choices(prefecture), placeholder="请选择县市区")


@bp.get("/groups")
@public
def groups():
    division = request.args.get("industry_division_code") or request.args.get("division", "")
    return render_template("_options.html", choices=group_choices(division), placeholder="请选择行业中类")
