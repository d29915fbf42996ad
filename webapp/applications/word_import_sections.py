"""The form sections of an import: for each, the values a Word file gives and the values now in the form, checked by
the section's own form and validators (the same ones that check what is typed), field by field."""
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from wtforms import BooleanField, FieldList, RadioField, SelectField

from webapp.applications.sections import SECTIONS, Section
from webapp.applications.versions import section_version
from webapp.applications.word_import_fields import Typed, formdata_of, typed
from webapp.core.numbers import plain_decimal
from webapp.models import Application

STATES = {"new": "新增", "differs": "不同", "same": "相同", "empty": "文件未填写", "problem": "有问题"}
# The sections a Word file fills (真实性承诺 is signed by hand on paper and made in the system; 三 and 八 have their own).
FORM_SECTIONS = [s for s in SECTIONS if s.form is not None and s.key != "pledge"]
NO_CSRF = {"csrf": False}
_WRITTEN = re.compile(r"[^\d.\-%]")


@dataclass
class Row:
    key: str                    # "basic.company_name", "economics.2023.revenue", "implementation.1.2.solution"
    label: str
    found: object               # as it would be stored, for display: text, or list of texts; "" when empty
    current: object             # the same, of the value now in the form
    state: str                  # a key of STATES
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: str = ""           # the text as written in the file, when it reads differently ("1,234.5万元")
    value: object = None        # the value to store, as plain JSON (for the console and comparisons)
    stored: object = None

    @property
    def importable(self) -> bool:
        return self.state in ("new", "differs")

    @property
    def state_label(self) -> str:
        return STATES[self.state]


@dataclass
class SectionPlan:
    section: Section
    version: int
    rows: list[Row]
    problems: list[str] = field(default_factory=list)     # the form's messages not about one field of the file
    values: "SectionValues | None" = None                  # the inputs, for taking a selection of the rows

    @property
    def importable(self) -> list[Row]:
        return [row for row in self.rows if row.importable]


def loaded_form(section: Section, application: Application):
    """The section's form with the values now stored (as the editor opens it; no CSRF token: not rendered)."""
    form = section.form(formdata=None, obj=application, meta=NO_CSRF)
    form.load(application)
    if section.configure:
        section.configure(form, application)
    return form


def posted_form(section: Section, application: Application, data, app_type=None):
    """The section's form bound to `data` as if posted, configured for the application, validated."""
    form = section.form(formdata=data, meta=NO_CSRF)
    if section.configure:
        section.configure(form, application)
    if app_type is not None and hasattr(form, "app_type") and section.key != "cover":
        form.app_type = app_type        # the 申报类型 the same file gives (the 车间 rows depend on it)
    form.validate()
    return form


class SectionValues:
    """One section's inputs: which of them the file fills, as typed values (see word_import_fields)."""

    def __init__(self, section: Section, application: Application, found: dict[str, object]):
        self.section, self.application = section, application
        self.current = loaded_form(section, application)
        self.years = list(application.campaign.economic_years) if application.campaign else []
        self.inputs: dict[str, tuple[str, object, str]] = {}    # file key → (input name, field, label)
        self.typed: dict[str, Typed] = {}
        self.found = found
        self.problems: dict[str, list[str]] = {}
        self.notes: dict[str, list[str]] = {}
        for key, value in found.items():
            self._place(key, value)

    def _place(self, key: str, value) -> None:
        name = key.split(".", 1)[1]
        label_prefix = ""
        if self.section.key == "economics":
            year, indicator = name.split(".")
            index, problem = self._year_index(year)
            if index is None:
                self.problems[key] = [problem]
                label = self.current.years.entries[0].form[indicator].label.text
                self.inputs[key] = (name, None, f"{year}年 {label}")
                return
            entry = self.current.years.entries[index]
            field_ = entry.form[indicator]
            name, label_prefix = f"years-{index}-{indicator}", f"{self.years[index]}年 "
            if problem:
                self.notes.setdefault(key, []).append(problem)      # read by its column: worth a look
        else:
            field_ = self.current[name]
        self.inputs[key] = (name, field_, label_prefix + field_.label.text)
        if _filled(value):
            self.typed[key] = typed(field_, value)

    def _year_index(self, year: str) -> tuple[int | None, str]:
        if year.isdigit() and int(year) in self.years:
            return self.years.index(int(year)), ""
        span = f"{self.years[0]}–{self.years[-1]}" if self.years else ""
        if year.startswith("#") and int(year[1:]) <= len(self.years):
            index = int(year[1:]) - 1
            return index, f"表头的年度无法识别，第{index + 1}列按{self.years[index]}年导入，请核对。"
        return None, f"文件中的年度“{year}”不在本批次的近三年（{span}）内，未导入。"

    def data(self, keys) -> object:
        """The form's inputs with those of `keys` replaced by the file's typed values."""
        data = formdata_of(self.current)
        for key in keys:
            entry = self.typed.get(key)
            if entry is None or entry.values is None or self.inputs[key][1] is None:
                continue
            name, field_, _label = self.inputs[key]
            if isinstance(field_, FieldList):
                for old in [k for k in data if k.startswith(f"{name}-")]:
                    data.poplist(old)
                for index, item in enumerate(entry.values):
                    data.add(f"{name}-{index}", item)
            elif entry.values:
                data.setlist(name, entry.values)
            else:
                data.poplist(name)          # an unticked box posts nothing
        return data

    def field_of(self, form, key: str):
        name, field_, _label = self.inputs[key]
        if field_ is None:
            return None
        if self.section.key == "economics":
            index, indicator = name.split("-")[1], name.split("-")[2]
            return form.years.entries[int(index)].form[indicator]
        return form[name]


def plan_section(section: Section, application: Application, found: dict[str, object], app_type=None,
                 notes: dict[str, list[str]] | None = None) -> SectionPlan:
    """Every file value of the section with the form's verdict on it, all of them taken together."""
    values = SectionValues(section, application, found)
    checked = posted_form(section, application, values.data(values.typed), app_type)
    rows, placed = [], set()
    for key in found:
        name, field_, label = values.inputs[key]
        entry = values.typed.get(key)
        posted = values.field_of(checked, key)
        row = Row(key, label, "", "", "empty", list(values.problems.get(key, [])),
                  (notes or {}).get(key, []) + values.notes.get(key, []))
        if field_ is not None:
            row.current, row.stored = display(field_, field_.data), plain(field_, field_.data)
            placed.add(id(posted))
        if entry is not None and field_ is not None:
            _judge(row, entry, posted, found[key])
        elif row.problems:
            row.state, row.found = "problem", str(found[key])
        rows.append(row)
    problems = [message for field_ in _leaves(checked) if id(field_) not in placed
                for message in _messages(field_.errors)]
    return SectionPlan(section, section_version(application, section.key).version, rows,
                       problems + list(checked.form_errors), values)


def _judge(row: Row, entry: Typed, posted, raw) -> None:
    if entry.note:
        row.notes.append(entry.note)
    errors = _messages(posted.errors) if posted is not None else []
    if entry.problem or errors or row.problems:
        row.state, row.found = "problem", raw if isinstance(raw, list) else str(raw)
        row.problems += [entry.problem] if entry.problem else errors
        return
    row.found, row.value = display(posted, posted.data), plain(posted, posted.data)
    if isinstance(raw, str) and _WRITTEN.search(raw) and raw != row.found:
        row.written = raw                   # "1,234.5万元", "2006年4月18日": how the file wrote it
    row.state = "same" if same(row.value, row.stored) else "new" if _empty(row.stored) else "differs"


def _filled(value) -> bool:
    return value is not None and value != "" and value != []


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def same(a, b) -> bool:
    if _empty(a) and _empty(b):
        return True
    if isinstance(a, str) and isinstance(b, str):
        return _lines(a) == _lines(b)
    return a == b


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _leaves(form):
    """The fields a message can belong to: a list of sub-forms (the three years) by their fields, a list of texts
    as a whole."""
    for field_ in form:
        if isinstance(field_, FieldList) and field_.entries and hasattr(field_.entries[0], "form"):
            for entry in field_.entries:
                yield from _leaves(entry.form)
        elif field_.type != "CSRFTokenField":
            yield field_


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, (list, tuple)):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)] if errors else []


def plain(field_, data):
    """A field's value as plain JSON, the way a snapshot holds it."""
    if isinstance(field_, FieldList):
        return [str(item).strip() for item in (data or []) if str(item or "").strip()]
    if isinstance(data, Enum):
        return data.value
    if isinstance(data, Decimal):
        return plain_decimal(data)
    if isinstance(data, date):
        return data.isoformat()
    if isinstance(data, str):
        return data.strip()
    return data


def display(field_, data):
    """A field's value as the page shows it: labels of choices, 是/否, numbers without trailing zeros."""
    if isinstance(field_, FieldList):
        return plain(field_, data)
    if isinstance(field_, BooleanField):
        return "是" if data else "否"
    if isinstance(field_, (RadioField, SelectField)) and data not in (None, ""):
        value = data.value if isinstance(data, Enum) else data
        return next((c.label for c in field_.iter_choices() if c.value == str(value) or c.selected), str(value))
    value = plain(field_, data)
    return "" if value is None else value
