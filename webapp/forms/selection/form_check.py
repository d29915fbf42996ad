"""形式审查 forms: the queue's filters, and the decisions 通过 / 需补正 (comments per section, deadline) / 不通过."""
from datetime import timedelta

from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired

from webapp.applications.sections import SECTIONS
from webapp.core.timeutil import local_today
from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, options, strip_filter
from webapp.models import ApplicationType
from webapp.selection.eligibility import FAIL_RULES
from webapp.selection.form_check import CHECK_STATES

TEXT = [strip_filter]
CORRECTION_DAYS = 7


class CheckFilterForm(BaseForm):
    class Meta:
        csrf = False

    unit = SelectField("推荐单位", choices=[], validate_choice=False)
    app_type = SelectField("申报类型", choices=options([("", "全部类型")] + [(t.value, t.label) for t in ApplicationType]),
                           validate_choice=False)
    status = SelectField("状态", choices=options([("", "全部状态")] + [(s.value, s.label) for s in CHECK_STATES]),
                         validate_choice=False)
    page = HiddenField()


class PassForm(BaseForm):
    """通过: carries CSRF only."""


class CorrectionForm(BaseForm):
    comment = TextAreaField("补正要求", filters=TEXT, validators=[DataRequired("请填写补正要求。"), MaxChars(2000)],
                            description="企业和推荐单位都会看到。2000字以内。", render_kw={"rows": 3})
    deadline = DateField("补正截止日期", validators=[DataRequired("请选择补正截止日期。")],
                         description="截止当日24时前企业须提交补正。")

    def section_fields(self):
        return [(section, self[f"section_{section.key}"]) for section in SECTIONS]

    def section_comments(self) -> dict[str, str]:
        return {section.key: f.data for section, f in self.section_fields() if (f.data or "").strip()}

    def set_default_deadline(self) -> None:
        if self.deadline.data is None:
            self.deadline.data = local_today() + timedelta(days=CORRECTION_DAYS)


for _section in SECTIONS:
    setattr(CorrectionForm, f"section_{_section.key}",
            TextAreaField(_section.heading if _section.number else _section.title, filters=TEXT,
                          validators=[MaxChars(1000)], render_kw={"rows": 2}))


class FailForm(BaseForm):
    rule = SelectField("不符合的规则", choices=options([("", "请选择")] + [(r, r) for r in FAIL_RULES]),
                       validators=[DataRequired("请选择不通过的原因。")])
    comment = TextAreaField("说明", filters=TEXT, validators=[DataRequired("请填写说明。"), MaxChars(2000)],
                            render_kw={"rows": 3})


class ReopenForm(BaseForm):
    comment = TextAreaField("撤销理由", filters=TEXT, validators=[DataRequired("请填写撤销理由。"), MaxChars(2000)],
                            render_kw={"rows": 2})
