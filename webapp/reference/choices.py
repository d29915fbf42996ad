"""Choices for the 市州 → 县市区 and 行业大类 → 行业中类 selects."""
from webapp.core.extensions import db
from webapp.models import County, IndustryDivision, IndustryGroup, Prefecture


def prefecture_choices() -> list[tuple[str, str]]:
    return [(p.adcode, p.name) for p in db.session.execute(db.select(Prefecture).order_by(Prefecture.adcode)).scalars()]


def county_choices(prefecture_adcode: str | None) -> list[tuple[str, str]]:
    if not prefecture_adcode:
        return []
    rows = db.session.execute(db.select(County).filter_by(prefecture_adcode=prefecture_adcode)
                              .order_by(County.adcode)).scalars()
    return [(c.adcode, c.name) for c in rows]


def prefecture_of(county_adcode: str | None) -> str | None:
    if not county_adcode:
        return None
    county = db.session.get(County, county_adcode)
    return county.prefecture_adcode if county else None


def division_choices() -> list[tuple[str, str]]:
    """Every 大类 of GB/T 4754-2017, by code (the form does not restrict it to manufacturing)."""
    rows = db.session.execute(db.select(IndustryDivision).order_by(IndustryDivision.code)).scalars()
    return [(d.code, d.label) for d in rows]


def group_choices(division_code: str | None) -> list[tuple[str, str]]:
    if not division_code:
        return []
    rows = db.session.execute(db.select(IndustryGroup).filter_by(division_code=division_code)
                              .order_by(IndustryGroup.code)).scalars()
    return [(g.code, g.label) for g in rows]
