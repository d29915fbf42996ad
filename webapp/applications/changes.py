"""What changed in an application between the submission a unit returned and the resubmission.

Compares two Snapshot data dicts (webapp/snapshot.serialize) field by field, with the form's wording as labels;
环节 are matched by guide number and 场景 by guide scenario number, so inserting a block does not make every later
block look changed.
"""
import difflib
from dataclasses import dataclass, field, replace

from webapp.core.extensions import db
from webapp.forms.applications import situation as sections_situation
from webapp.forms.applications.basic import EconomicYearForm
from webapp.applications.history import editors_between
from webapp.applications.implementation import SCENARIO_FIELDS
from webapp.models import (
    Application, ApplicationType, AttachmentCategory, County, EnterpriseNature, IndustryDivision, IndustryGroup,
    Snapshot, StatusChange,
)
from webapp.applications.sections import SECTIONS

# ---- what changed since the application was returned ----------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    key: str                 # a path such as "contact_name", "links.8.scenarios.2.solution"
    label: str               # the form's wording: "环节1（生产作业）场景2：采用的技术方案"
    old: str
    new: str
    # For longer texts: (op, text) pieces, op in "same" | "del" | "ins", so the page can mark the edit in place.
    pieces: tuple[tuple[str, str], ...] = ()
    section: str = ""        # the registry key of the section it belongs to (who saved it is told per section)


EMPTY = "（空）"
DIFF_SKIP = {"declared_on"}            # set by the system at each submission, not by the enterprise
CODE_FIELDS = {"county_adcode": County, "industry_division_code": IndustryDivision,
               "industry_group_code": IndustryGroup}
INLINE_DIFF_MIN = 30                   # characters: shorter values are shown whole, old and new
FOLD_EQUAL = 3                         # unchanged runs this short inside an edit are shown as part of it


def _form_labels() -> dict[str, str]:
    """Column → "section：field label", read from the section forms (one source for the wording)."""
    labels = {}
    for section in SECTIONS:
        if section.form is None:
            continue
        for name, unbound in vars(section.form).items():
            if hasattr(unbound, "field_class"):
                text = unbound.args[0] if unbound.args else unbound.kwargs.get("label", name)
                labels.setdefault(name, f"{section.title}：{text}")
    return labels


def _list_labels() -> dict[str, str]:
    out = {}
    for form in (sections_situation.FunctionsForm, sections_situation.AchievementsForm):
        for attr, kind in form.LISTS.items():
            out[kind.value] = getattr(form, attr).kwargs["label"]
    return out


YEAR_LABELS = {name: getattr(EconomicYearForm, name).args[0]
               for name in ("total_assets", "debt_ratio", "revenue", "taxes", "profit")}
SCENARIO_LABELS = {column: label for column, label, _limit, _required in SCENARIO_FIELDS}
ENUM_LABELS = {"app_type": {t.value: t.label for t in ApplicationType},
               "nature": {n.value: n.label for n in EnterpriseNature}}


def _show(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in ENUM_LABELS:
        return ENUM_LABELS[name].get(value, str(value))
    return str(value)


def _same(a, b) -> bool:
    return (a in (None, "") and b in (None, "")) or a == b


def _change(key: str, label: str, old, new, name: str = "") -> FieldChange:
    old_text, new_text = _show(name, old), _show(name, new)
    pieces = ()
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) >= INLINE_DIFF_MIN:
        pieces = tuple(_pieces(old, new))
    return FieldChange(key, label, old_text, new_text, pieces)


def _pieces(old: str, new: str):
    """Character-level edits, with short unchanged runs inside an edit folded into it so it reads as one change."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    chunks = []                       # [same, text] or [changed, deleted, inserted]
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        inside = 0 < index < len(opcodes) - 1
        if op == "equal" and not (inside and a2 - a1 <= FOLD_EQUAL):
            chunks.append(["same", old[a1:a2]])
        elif chunks and chunks[-1][0] == "changed":
            chunks[-1][1] += old[a1:a2]
            chunks[-1][2] += new[b1:b2]
        else:
            chunks.append(["changed", old[a1:a2], new[b1:b2]])
    for chunk in chunks:
        if chunk[0] == "same":
            yield "same", chunk[1]
            continue
        if chunk[1]:
            yield "del", chunk[1]
        if chunk[2]:
            yield "ins", chunk[2]


def changed_fields(old: dict, new: dict) -> list[FieldChange]:
    """The values of the 申报书 that differ between two snapshots (Snapshot.data), in the form's order."""
    labels = _form_labels()
    changes = []
    for name, value in new.items():
        if name in ("economic_years", "lists", "links", "attachments") or name in DIFF_SKIP:
            continue
        if not _same(old.get(name), value):
            changes.append(_change(name, labels.get(name, name), old.get(name), value, name))
    changes += _year_changes(old.get("economic_years", []), new.get("economic_years", []))
    changes += _list_changes(old.get("lists", {}), new.get("lists", {}))
    changes += _link_changes(old.get("links", []), new.get("links", []))
    changes += _attachment_changes(old.get("attachments", []), new.get("attachments", []))
    return changes


def _year_changes(old: list, new: list) -> list[FieldChange]:
    before = {row["year"]: row for row in old}
    out = []
    for row in new:
        prior = before.get(row["year"], {})
        for column, label in YEAR_LABELS.items():
            if not _same(prior.get(column), row.get(column)):
                out.append(_change(f"economic_years.{row['year']}.{column}",
                                   f"近三年主要经济指标：{row['year']}年 {label}", prior.get(column), row.get(column)))
    return out


def _list_changes(old: dict, new: dict) -> list[FieldChange]:
    out = []
    for kind, label in _list_labels().items():
        before, after = old.get(kind, []), new.get(kind, [])
        for index in range(max(len(before), len(after))):
            a = before[index] if index < len(before) else None
            b = after[index] if index < len(after) else None
            if not _same(a, b):
                out.append(_change(f"lists.{kind}.{index + 1}", f"{label}：第{index + 1}项", a, b))
    return out


def _scenario_key(scenario: dict, own_index: int):
    return ("guide", scenario["scenario_no"]) if scenario.get("scenario_no") else ("own", own_index)


def _keyed_scenarios(scenarios: list) -> dict:
    keyed, own = {}, 0
    for position, scenario in enumerate(scenarios, start=1):
        if not scenario.get("scenario_no"):
            own += 1
        keyed[_scenario_key(scenario, own)] = (position, scenario)
    return keyed


def _names(scenarios: list) -> str:
    return "、".join(s.get("name") or "未命名场景" for s in scenarios) or "无场景"


def _link_changes(old: list, new: list) -> list[FieldChange]:
    out = []
    before = {link["link_no"]: (position, link) for position, link in enumerate(old, start=1)}
    after = {link["link_no"]: (position, link) for position, link in enumerate(new, start=1)}
    for no, (position, link) in after.items():
        title = f"环节{position}（{link['link_name']}）"
        if no not in before:
            out.append(FieldChange(f"links.{no}", title, EMPTY,
                                   f"新增环节，含{len(link['scenarios'])}个场景：{_names(link['scenarios'])}"))
            continue
        out += _scenario_changes(no, title, before[no][1]["scenarios"], link["scenarios"])
    for no, (position, link) in before.items():
        if no not in after:
            out.append(FieldChange(f"links.{no}", f"环节{position}（{link['link_name']}）",
                                   f"含{len(link['scenarios'])}个场景：{_names(link['scenarios'])}", "（已删除该环节）"))
    kept_before = [no for no in before if no in after]
    kept_after = [no for no in after if no in before]
    if kept_before != kept_after:
        names = {no: link["link_name"] for no, (_p, link) in after.items()}
        out.append(FieldChange("links.order", "环节顺序", "、".join(names[no] for no in kept_before),
                               "、".join(names[no] for no in kept_after)))
    return out


def _scenario_changes(link_no: int, title: str, old: list, new: list) -> list[FieldChange]:
    out = []
    before, after = _keyed_scenarios(old), _keyed_scenarios(new)
    for key, (position, scenario) in after.items():
        prefix = f"{title}场景{position}"
        path = f"links.{link_no}.scenarios.{position}"
        if key not in before:
            out.append(FieldChange(path, prefix, EMPTY, f"新增场景：{scenario.get('name') or '未命名场景'}"))
            continue
        prior = before[key][1]
        for column, label in SCENARIO_LABELS.items():
            if not _same(prior.get(column), scenario.get(column)):
                out.append(_change(f"{path}.{column}", f"{prefix}：{label}", prior.get(column), scenario.get(column)))
        pictures_before, pictures_after = prior.get("pictures") or [], scenario.get("pictures") or []
        if pictures_before != pictures_after:
            replaced = "（已更换）" if len(pictures_before) == len(pictures_after) else ""
            out.append(FieldChange(f"{path}.pictures", f"{prefix}：技术方案配图", f"{len(pictures_before)}张",
                                   f"{len(pictures_after)}张{replaced}"))
    for key, (position, scenario) in before.items():
        if key not in after:
            out.append(FieldChange(f"links.{link_no}.removed.{position}", f"{title}原场景{position}",
                                   scenario.get("name") or "未命名场景", "（已删除该场景）"))
    return out


def _file_name(entry: dict) -> str:
    """A file as the diff shows it; a stamped scan with the 盖章版 version it is a scan of."""
    return f"{entry['name']}（盖章版第{entry['version']}版）" if entry.get("version") else entry["name"]


def _attachment_changes(old: list, new: list) -> list[FieldChange]:
    out = []
    for category in AttachmentCategory:
        a = sorted((_file_name(f), f["sha256"]) for f in old if f["category"] == category.value)
        b = sorted((_file_name(f), f["sha256"]) for f in new if f["category"] == category.value)
        if a != b:
            out.append(FieldChange(f"attachments.{category.value}", f"相关证明材料：{category.label}",
                                   "、".join(n for n, _ in a) or EMPTY, "、".join(n for n, _ in b) or EMPTY))
    return out


def _column_sections() -> dict[str, str]:
    """Column → the key of the section whose form edits it."""
    out = {}
    for section in SECTIONS:
        for name, unbound in vars(section.form or object).items():
            if hasattr(unbound, "field_class"):
                out.setdefault(name, section.key)
    return out


def _list_sections() -> dict[str, str]:
    return {kind.value: key for key, form in (("functions", sections_situation.FunctionsForm),
                                               ("achievements", sections_situation.AchievementsForm))
            for kind in form.LISTS.values()}


PATH_SECTIONS = {"economic_years": "economics", "links": "implementation", "attachments": "attachments"}


def section_of(key: str, columns: dict[str, str], lists: dict[str, str]) -> str:
    """The section a change's path belongs to: "profile" → profile, "links.8.…" → implementation, …"""
    head, _, rest = key.partition(".")
    if head == "lists":
        return lists.get(rest.split(".")[0], "")
    return PATH_SECTIONS.get(head) or columns.get(key, "")


@dataclass
class ChangesSinceReturn:
    returned: StatusChange
    old_version: int
    new_version: int
    changes: list[FieldChange]
    editors: dict[str, list[str]] = field(default_factory=dict)     # section key → who saved it meanwhile

    def who(self, change: FieldChange) -> str:
        return "、".join(self.editors.get(change.section, []))


def changes_since_return(application: Application) -> ChangesSinceReturn | None:
    """For an application resubmitted after its last return: what differs from the submission that was returned."""
    returned = next((c for c in reversed(application.status_changes) if c.action == "return"), None)
    if returned is None:
        return None
    snapshots = db.session.execute(db.select(Snapshot).where(Snapshot.application_id == application.id)
                                   .order_by(Snapshot.version)).scalars().all()
    old = [s for s in snapshots if s.created_at <= returned.created_at]
    new = [s for s in snapshots if s.created_at > returned.created_at]
    if not old or not new:
        return None
    columns, lists = _column_sections(), _list_sections()
    changes = [replace(change, section=section_of(change.key, columns, lists))
               for change in _with_names(changed_fields(old[-1].data, new[-1].data))]
    return ChangesSinceReturn(returned, old[-1].version, new[-1].version, changes,
                              editors_between(application, returned.created_at, new[-1].created_at))


def _with_names(changes: list[FieldChange]) -> list[FieldChange]:
    """Show 县市区 and 行业 codes with their names."""
    out = []
    for change in changes:
        model = CODE_FIELDS.get(change.key)
        if model is None:
            out.append(change)
            continue

        def name(code):
            row = db.session.get(model, code) if code != EMPTY else None
            return f"{code} {row.name}" if row else code
        out.append(FieldChange(change.key, change.label, name(change.old), name(change.new)))
    return out
