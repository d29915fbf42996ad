"""What a section form needs from the data before it is shown or validated: choices and labels of this application."""
from webapp.models import County, IndustryGroup
from webapp.core.extensions import db
from webapp.forms.fields import options
from webapp.reference.choices import division_choices, group_choices


def configure_basic(form, application):
    division = form.industry_division_code.data
    form.industry_division_code.choices = options([("", "请选择行业大类")] + division_choices())
    form.industry_group_code.choices = options([("", "请选择行业中类")] + group_choices(division))
    groups = db.session.execute(db.select(IndustryGroup.division_code, IndustryGroup.code)).all()
    form.division_groups = {}
    for division_code, group_code in groups:
        form.division_groups.setdefault(division_code, set()).add(group_code)
    unit = application.unit
    counties = db.session.execute(db.select(County).filter_by(prefecture_adcode=unit.prefecture_adcode)
                                  .order_by(County.adcode)).scalars().all()
    form.county_adcode.choices = options([("", "请选择县市区")] + [(c.adcode, f"{unit.prefecture.name}{c.name}")
                                                               for c in counties])
    form.unit_counties = {c.adcode: c.name for c in counties}
    form.unit_name = unit.name


def configure_investment(form, application):
    form.app_type = application.app_type


def configure_economics(form, application):
    years = application.campaign.economic_years
    for entry, year in zip(form.years.entries, years):
        entry.form.year.data = str(year)
        entry.label.text = f"{year}年"
