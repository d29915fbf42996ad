"""Shared field helpers and validators used by several forms."""
import re
import unicodedata

from wtforms.validators import ValidationError

from ..passwords import password_problems

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


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
    """Apply the password policy; `login_field` names the field holding the login to compare with."""

    def __init__(self, login_field: str | None = None):
        self.login_field = login_field

    def __call__(self, form, field):
        login = ""
        if self.login_field:
            login = getattr(form, self.login_field).data or ""
        elif getattr(form, "login_for_policy", None):
            login = form.login_for_policy
        problems = password_problems(field.data or "", login)
        if problems:
            raise ValidationError(" ".join(problems))
