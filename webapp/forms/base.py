"""The base of every form: WTForms' own Chinese messages for anything a field does not say itself."""
from flask_wtf import FlaskForm
from wtforms import HiddenField
from webapp.models import Application


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh",)


class SectionForm(BaseForm):
    """A section of the 申报书. Its fields named like Application columns are loaded from and saved to them.

    `version` carries the section version the user started from, so a save over a newer one is refused.
    """

    version = HiddenField()

    #: field names that are not Application columns (handled by the section itself)
    extra_fields: tuple[str, ...] = ()

    def model_field_names(self) -> list[str]:
        skip = {"csrf_token", "version", *self.extra_fields}
        return [f.name for f in self if f.name not in skip and hasattr(Application, f.name)]

    def load(self, application) -> None:
        """Fill what `obj=application` cannot (child rows); plain columns are loaded by WTForms itself."""

    def save(self, application) -> None:
        for name in self.model_field_names():
            value = self[name].data
            # An empty input or a select left at "请选择…" stores nothing (NULL), never "" (codes are foreign keys).
            setattr(application, name, None if value == "" else value)
