"""Load the reference data from seeds/*.csv. Idempotent: rows are matched by their natural keys."""
import csv
from pathlib import Path

from webapp.core.extensions import db
from webapp.models import (
    Area, CatalogueEdition, County, IndustryDivision, IndustryGroup, IndustrySection, Link, Prefecture,
    RecommendingUnit, Scenario,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
EDITION_CODE = "2022"
EDITION_NAME = "智能制造典型场景参考指引（3个方面16个环节45个场景）"


def _rows(name: str) -> list[dict]:
    with open(SEEDS / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _upsert(model, key: dict, **values):
    """Insert, or update the row found by `key` when a value differs. Returns (row, changed)."""
    row = db.session.execute(db.select(model).filter_by(**key)).scalar_one_or_none()
    if row is None:
        row = model(**key, **values)
        db.session.add(row)
        db.session.flush()
        return row, True
    changed = False
    for attr, value in values.items():
        if getattr(row, attr) != value:
            setattr(row, attr, value)
            changed = True
    return row, changed


def load_reference() -> dict[str, int]:
    """Load everything; returns the counts of each kind of row now in the database plus how many changed."""
    changes = 0

    def upsert(model, key, **values):
        nonlocal changes
        row, changed = _upsert(model, key, **values)
        changes += changed
        return row

    edition = upsert(CatalogueEdition, {"code": EDITION_CODE}, name=EDITION_NAME)
    areas, links = {}, {}
    for r in _rows("links.csv"):
        area_no = int(r["area_no"])
        if area_no not in areas:
            areas[area_no] = upsert(Area, {"edition_id": edition.id, "no": area_no}, name=r["area_name"])
        links[int(r["link_no"])] = upsert(Link, {"edition_id": edition.id, "no": int(r["link_no"])},
                                          area_id=areas[area_no].id, name=r["link_name"], goal=r["link_goal"])
    for r in _rows("scenarios.csv"):
        upsert(Scenario, {"edition_id": edition.id, "no": int(r["scenario_no"])},
               link_id=links[int(r["link_no"])].id, name=r["scenario_name"], description=r["description"])

    for r in _rows("industries_gbt4754_2017.csv"):
        if r["level"] == "section":
            upsert(IndustrySection, {"code": r["code"]}, name=r["name"])
        elif r["level"] == "division":
            upsert(IndustryDivision, {"code": r["code"]}, name=r["name"], section_code=r["parent"])
        else:
            upsert(IndustryGroup, {"code": r["code"]}, name=r["name"], division_code=r["parent"])

    for r in _rows("hunan_regions.csv"):
        if r["level"] == "prefecture":
            prefecture = upsert(Prefecture, {"adcode": r["adcode"]}, name=r["name"])
            upsert(RecommendingUnit, {"prefecture_adcode": prefecture.adcode}, name=f"{r['name']}工业和信息化局")
        else:
            upsert(County, {"adcode": r["adcode"]}, name=r["name"], prefecture_adcode=r["parent_adcode"])
    db.session.flush()

    def count(model, *where):
        return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)).scalar_one()

    return {
        "方面": count(Area, Area.edition_id == edition.id),
        "环节": count(Link, Link.edition_id == edition.id),
        "场景": count(Scenario, Scenario.edition_id == edition.id),
        "门类": count(IndustrySection),
        "行业大类": count(IndustryDivision),
        "行业中类": count(IndustryGroup),
        "市州": count(Prefecture),
        "县市区": count(County),
        "推荐单位": count(RecommendingUnit),
        "changed": changes,
    }


def default_edition() -> CatalogueEdition:
    return db.session.execute(db.select(CatalogueEdition).filter_by(code=EDITION_CODE)).scalar_one()
