"""A section form's inputs as a browser would post them: the form's current values (loaded from the application)
with some replaced by values read from a Word file, turned into what a user would type for them ("2006年4月18日" is
typed 2006-04-18, the ticked "民营" is the radio button's value, "1,234.5万元" is typed 1,234.5). The section form then
checks and stores them exactly as it does what is typed."""
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, FieldList, FormField, RadioField, SelectField

from webapp.core.extensions import db
from webapp.documents.word_reader.labels import fold, similarity
from webapp.forms.fields import CountField, NumberField
from webapp.models import IndustryDivision, IndustryGroup

_DATE = re.compile(r"^(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?$")
_UNIT = re.compile(r"^(.*?)\s*(亿元|万元|万|元|人)$")
INDUSTRY = {"industry_division_code": IndustryDivision, "industry_group_code": IndustryGroup}


class Typed:
    """What a user would type for a value found in the file: `values` for the input(s), or a `problem`; `note` says
    how the text was read when that is not obvious ("1.2亿元" read as 12000 万元)."""

    def __init__(self, values: list[str] | None, problem: str = "", note: str = ""):
        self.values, self.problem, self.note = values, problem, note


def formdata_of(form) -> MultiDict:
    """The inputs of a (loaded) form as the browser posts them."""
    data = MultiDict()
    for field in form:
        _add(data, field)
    return data


def _add(data: MultiDict, field) -> None:
    if isinstance(field, FieldList):
        for entry in field.entries:
            _add(data, entry)
    elif isinstance(field, FormField):
        for sub in field:
            _add(data, sub)
    elif field.type == "CSRFTokenField":
        return
    elif isinstance(field, BooleanField):
        if field.data:
            data.add(field.name, "y")
    elif isinstance(field, (RadioField, SelectField)):
        chosen = next((c.value for c in field.iter_choices() if c.selected), None)
        if chosen is not None or not isinstance(field, RadioField):     # an unset radio group posts nothing
            data.add(field.name, chosen or "")
    else:
        data.add(field.name, field._value())


def typed(field, found) -> Typed:
    """`found` (a text, a tick or a list, as read) as input values for `field` of a built, configured form."""
    if isinstance(field, BooleanField):
        return Typed(["y"] if found else [])
    if isinstance(field, FieldList):
        return Typed([str(item) for item in found])
    text = str(found).strip()
    if field.short_name in INDUSTRY:
        return _industry(field, text)
    if isinstance(field, (RadioField, SelectField)):
        return _choice(field, text)
    if isinstance(field, DateField):
        match = _DATE.match(unicodedata.normalize("NFKC", text))
        if match:
            year, month, day = match.groups()
            return Typed([f"{year}-{int(month):02d}-{int(day):02d}"])
        return Typed([text], note="日期请写作“2006年4月18日”或“2006-04-18”。")
    if isinstance(field, NumberField):
        return _number(field, text)
    return Typed([text])


def _choice(field, text: str) -> Typed:
    for choice in field.iter_choices():
        if choice.value and fold(text) in (fold(choice.label), fold(choice.value)):
            return Typed([choice.value])
    labels = "、".join(c.label for c in field.iter_choices() if c.value)
    return Typed(None, f"“{text}”不是可选的项（{labels}）。")


def _industry(field, text: str) -> Typed:
    """"35专用设备制造业", "35" or "专用设备制造业": the code (a name alone is looked up, a near one proposed)."""
    code = re.match(r"^\s*(\d{2,3})", unicodedata.normalize("NFKC", text))
    if code:
        return Typed([code.group(1)])
    model = INDUSTRY[field.short_name]
    rows = db.session.execute(db.select(model)).scalars().all()
    best = max(rows, key=lambda row: similarity(text, row.name), default=None)
    if best is not None and similarity(text, best.name) >= 0.8:
        note = "" if fold(best.name) == fold(text) else f"按最接近的“{best.label}”导入，请核对。"
        return Typed([best.code], note=note)
    return Typed(None, f"“{text}”不是《国民经济行业分类》中的{'大类' if model is IndustryDivision else '中类'}，"
                       "请写作“代码+名称”，如“35专用设备制造业”。")


def _number(field, text: str) -> Typed:
    """Units people write after a number: 万元 (the form's unit), 亿元 (converted), 人; 元 is refused (not 万元)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _UNIT.match(folded)
    if not match:
        return Typed([text])
    number, unit = match.group(1).strip(), match.group(2)
    if unit == "人" and isinstance(field, CountField) or unit in ("万元", "万") and not isinstance(field, CountField):
        return Typed([number])
    if unit == "亿元" and not isinstance(field, CountField):
        try:
            amount = Decimal(number.replace(",", "")) * 10000
        except InvalidOperation:
            return Typed([text])
        return Typed([f"{amount.normalize():f}"], note=f"“{text}”按 {amount.normalize():f} 万元导入。")
    return Typed(None, f"“{text}”的单位不对：此处的单位是{'人' if isinstance(field, CountField) else '万元'}。")
