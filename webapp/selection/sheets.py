"""Editing a 评分表: its criteria (name, description, maximum, bands), gate items (一票否决) and pass mark.

Bands are written one per line as "档次 下限 说明" (e.g. "优 34 实施全面…"); a band runs from its lower bound up to
the next higher band's (the highest up to the maximum). Changes are refused once scoring has started (plan.py).
"""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import Criterion, ScoreSheet, User
from webapp.selection.plan import PlanError, check_sheet_editable

MAX_CRITERIA = 20


@dataclass(frozen=True)
class CriterionValues:
    name: str
    description: str
    is_gate: bool
    max_score: Decimal | None
    bands_text: str


def parse_bands(text: str, maximum: Decimal) -> list[dict]:
    """The bands of a criterion from its lines; PlanError naming the first bad line."""
    bands = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = re.split(r"[\s　]+", line, maxsplit=2)
        if len(parts) < 2:
            raise PlanError(f"档次第{number}行应为“档次 下限 说明”，如“优 34 实施全面”。")
        try:
            low = Decimal(parts[1])
        except InvalidOperation:
            raise PlanError(f"档次第{number}行的下限“{parts[1]}”不是数字。") from None
        if not Decimal(0) <= low <= maximum:
            raise PlanError(f"档次第{number}行的下限应在0到满分{maximum}之间。")
        description = parts[2][:200] if len(parts) > 2 else ""
        bands.append({"label": parts[0][:10], "low": str(low), "description": description})
    bands.sort(key=lambda band: Decimal(band["low"]), reverse=True)
    if len({band["low"] for band in bands}) != len(bands):
        raise PlanError("各档次的下限不能相同。")
    if bands and Decimal(bands[-1]["low"]) != 0:
        raise PlanError("最低一档的下限应为0，使每个分数都落在某一档内。")
    return bands


def bands_text(criterion: Criterion) -> str:
    return "\n".join(f"{b['label']} {b['low']} {b.get('description', '')}".rstrip() for b in criterion.bands or [])


def band_ranges(criterion: Criterion) -> list[tuple[dict, Decimal, Decimal | None]]:
    """(band, low, high-exclusive or None for the top band up to the maximum), best band first."""
    out, upper = [], None
    for band in criterion.bands or []:
        low = Decimal(band["low"])
        out.append((band, low, upper))
        upper = low
    return out


def band_of(criterion: Criterion, value: Decimal | None) -> dict | None:
    if value is None:
        return None
    return next((band for band, low, high in band_ranges(criterion) if value >= low), None)


def save_criterion(sheet: ScoreSheet, criterion: Criterion | None, values: CriterionValues, actor: User) -> Criterion:
    check_sheet_editable(sheet.plan)
    if not values.name.strip():
        raise PlanError("请填写评分项名称。")
    if not values.is_gate and (values.max_score is None or values.max_score <= 0 or values.max_score > 100):
        raise PlanError("评分项的满分应在0到100分之间。")
    bands = [] if values.is_gate else parse_bands(values.bands_text, values.max_score)
    created = criterion is None
    if created:
        if len(sheet.criteria) >= MAX_CRITERIA:
            raise PlanError(f"一张评分表最多{MAX_CRITERIA}项。")
        criterion = Criterion(sheet=sheet, position=len(sheet.criteria) + 1)
        db.session.add(criterion)
    criterion.name, criterion.description = values.name.strip()[:100], values.description.strip()
    criterion.is_gate = values.is_gate
    criterion.max_score = None if values.is_gate else values.max_score
    criterion.bands = bands
    db.session.flush()
    audit.record("plan.criterion_save", obj=criterion, actor=actor,
                 detail={"sheet": sheet.app_type.value, "created": created, "name": criterion.name,
                         "max": criterion.max_score, "gate": criterion.is_gate, "bands": bands})
    return criterion


def delete_criterion(criterion: Criterion, actor: User) -> None:
    sheet = criterion.sheet
    check_sheet_editable(sheet.plan)
    audit.record("plan.criterion_delete", obj=criterion, actor=actor,
                 detail={"sheet": sheet.app_type.value, "name": criterion.name})
    sheet.criteria.remove(criterion)
    db.session.delete(criterion)
    for position, item in enumerate(sheet.criteria, start=1):
        item.position = position


def move_criterion(criterion: Criterion, direction: str, actor: User) -> None:
    sheet = criterion.sheet
    check_sheet_editable(sheet.plan)
    items = list(sheet.criteria)
    index = items.index(criterion)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position
    audit.record("plan.criterion_move", obj=criterion, actor=actor, detail={"direction": direction})


def set_pass_mark(sheet: ScoreSheet, value: Decimal, actor: User) -> None:
    check_sheet_editable(sheet.plan)
    if not Decimal(0) <= value <= max(sheet.maximum, Decimal(0)):
        raise PlanError(f"通过分数应在0到满分{sheet.maximum}之间。")
    before = sheet.pass_mark
    sheet.pass_mark = value
    audit.record("plan.pass_mark", obj=sheet, actor=actor,
                 detail={"sheet": sheet.app_type.value, "before": before, "after": value})
