"""Forms of 三、智能制造实施内容: one 场景 block, adding a 环节, adding a 场景.

Each block form is rendered with a prefix (`scenario-<id>`, `add-scenario-<link block id>`, `add-link`) so that many
of them can live on one page with unique ids. The section version travels as a plain hidden `version` input outside
these classes (the same name in every form of the section, so that one HTMX response can update them all).
"""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from webapp.applications.implementation import SCENARIO_FIELDS
from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, NoInvisible, strip_filter

LIMITS = {column: limit for column, _label, limit, _required in SCENARIO_FIELDS}
LABELS = {column: label for column, label, _limit, _required in SCENARIO_FIELDS}
OWN = "own"


TEXT = [strip_filter]


def _text(column, description="", area=True):
    """A text item with its limit; the rows fit the limit at a full-width box (about 50 characters a line)."""
    field_class = TextAreaField if area else StringField
    rows = {150: 3, 200: 4, 300: 6}.get(LIMITS[column], 3)
    name_checks = [] if area else [NoInvisible()]         # a one-line item is a name: hidden characters refused
    return field_class(LABELS[column], filters=TEXT, validators=[*name_checks, MaxChars(LIMITS[column])],
                       description=description,
                       render_kw={"rows": rows} if area else None)


class ScenarioForm(BaseForm):
    """The seven items of one 场景 block (the hints are the form's). A draft may leave items empty; a present value
    must keep its limit."""

    name = _text("name", "如：人机协同作业。选择典型场景时已预填其名称，可按实际修改。", area=False)
    description = _text("description", "结合要素条件进行描述。")
    pain_points = _text("pain_points")
    solution = _text("solution", "包括供应商；可以配图（在本场景下方上传）。")
    safeguards = _text("safeguards", "如人、管理机制、组织标准、培训等。")
    results = _text("results", "最好通过量化指标描述。")
    other = _text("other", "如对于其他车间、工厂的带动效应等。选填。")

    def values(self) -> dict:
        return {column: self[column].data for column in LIMITS}


class AddLinkForm(BaseForm):
    """Choose one 环节 of the guide (the view renders the options grouped by 方面)."""

    link = SelectField("选择要添加的环节", choices=[], validate_choice=False)

    def validate_link(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError("请从列表中选择一个环节。")

    @property
    def link_id(self) -> int | None:
        return int(self.link.data) if (self.link.data or "").isdigit() else None


class AddScenarioForm(BaseForm):
    """A guide scenario of the 环节, or an own scenario named here."""

    scenario = SelectField("选择典型场景", choices=[], validate_choice=False)
    own_name = StringField("自定义场景名称", filters=TEXT, validators=[NoInvisible(), MaxChars(100)],
                           description="指引中没有合适的场景时，选择“自定义场景”并填写名称。")

    def validate_scenario(self, field):
        value = field.data or ""
        if value and value != OWN and not value.isdigit():
            raise ValidationError("请从列表中选择一个典型场景。")
        if not value and not self.own_name.data:
            raise ValidationError("请选择一个典型场景，或选择“自定义场景”并填写名称。")

    def validate_own_name(self, field):
        value = self.scenario.data or ""
        if value == OWN and not field.data:
            raise ValidationError("请填写自定义场景的名称。")
        if value.isdigit() and field.data:
            raise ValidationError("已选择典型场景时请留空此项（添加后可在“具体场景名称”中修改名称）。")

    @property
    def scenario_id(self) -> int | None:
        return int(self.scenario.data) if (self.scenario.data or "").isdigit() else None
