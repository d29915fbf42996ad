"""Shared field helpers and validators used by several forms."""
import re
import unicodedata

from decimal import Decimal

from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from webapp.core.numbers import NumberError, parse_decimal, plain_decimal
from webapp.core.text_limits import over_limit_message, text_length

from webapp.accounts.passwords import password_problems
from webapp.core.text_safety import INVISIBLE_MESSAGE, has_invisible, strip_invisible

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def strip_filter(value):
    """Trim, store line breaks as one character (browsers send CR LF but count it once for maxlength), and remove
    invisible direction and zero-width characters (core/text_safety.py)."""
    if not isinstance(value, str):
        return value
    return strip_invisible(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class NoInvisible:
    """A name or identifier must not hide direction or zero-width characters: refused with a clear message (the
    raw input is checked, before strip_filter removes them)."""

    def __call__(self, form, field):
        if any(isinstance(raw, str) and has_invisible(raw) for raw in field.raw_data or ()):
            raise ValidationError(f"{field.label.text}{INVISIBLE_MESSAGE}")


class MobileNumber:
    """A mainland mobile number: 11 digits starting 13–19 (full-width digits and spaces accepted)."""

    def __init__(self, message: str = "请输入11位手机号码，如 13812345678。"):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        field.data = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", field.data))
        if not MOBILE.match(field.data):
            raise ValidationError(self.message)


class StrongPassword:
    """Apply the password policy. `login_field` / `name_field` name the fields holding the login and the company
    name to compare with; a form may instead carry `login_for_policy`, `names_for_policy` and `staff_policy`
    (set by the view for the signed-in user)."""

    def __init__(self, login_field: str | None = None, name_field: str | None = None):
        self.login_field = login_field
        self.name_field = name_field

    def __call__(self, form, field):
        login = getattr(form, self.login_field).data or "" if self.login_field \
            else getattr(form, "login_for_policy", "") or ""
        names = [getattr(form, self.name_field).data or ""] if self.name_field \
            else list(getattr(form, "names_for_policy", ()))
        problems = password_problems(field.data or "", login, staff=bool(getattr(form, "staff_policy", False)),
                                     names=names)
        if problems:
            raise ValidationError(" ".join(problems))


class MaxChars:
    """"N字以内": count characters after trimming (the browser shows a counter; this is the real check)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.field_flags = {"maxchars": limit}

    def __call__(self, form, field):
        length = text_length(field.data)
        if length > self.limit:
            raise ValidationError(over_limit_message(self.limit, length))


class NumberField(StringField):
    """A decimal typed as text: "1,234.5", full-width digits and spaces accepted; None when empty."""

    def __init__(self, label=None, validators=None, *, decimals=2, allow_negative=False, percent=False,
                 minimum=None, maximum=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.options = dict(decimals=decimals, allow_negative=allow_negative, percent=percent,
                            minimum=minimum, maximum=maximum)

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        try:
            self.data = parse_decimal(self.raw, **self.options)
        except NumberError as exc:
            self.data = None
            raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return plain_decimal(self.data)


def AmountField(label, **kwargs):
    """万元, at most 2 decimals, not negative unless allowed."""
    return NumberField(label, **kwargs)


def PercentField(label, maximum=Decimal(100), **kwargs):
    """%, at most 2 decimals, 0–100 unless another maximum is given (None: no upper bound)."""
    return NumberField(label, percent=True, maximum=maximum, **kwargs)


class CountField(NumberField):
    """A whole number ≥ 0."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, decimals=0, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = int(self.data)
