"""The base of every form: WTForms' own Chinese messages for anything a field does not say itself."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh",)
