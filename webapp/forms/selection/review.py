"""Forms of the expert review: assigning, withdrawing, reassigning, reminding, reopening a sheet, 现场答辩/核查, and
the expert's own: declaring a conflict, the score sheet (read from the request by section, see scoring views)."""
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, options, strip_filter
from webapp.models import ApplicationType, SiteVisitKind

TEXT = [strip_filter]


class ConfirmForm(BaseForm):
    """A bare POST button: carries CSRF only."""


class ReasonForm(BaseForm):
    reason = TextAreaField("理由", filters=TEXT, validators=[DataRequired("请填写理由。"), MaxChars(500)],
                           render_kw={"rows": 2})


class AssignForm(BaseForm):
    expert_id = SelectField("专家", choices=[], validate_choice=False, validators=[DataRequired("请选择专家。")])


class DeclineForm(BaseForm):
    reason = TextAreaField("与该企业的关系", filters=TEXT,
                           validators=[DataRequired("请说明与该企业的关系。"), MaxChars(500)], render_kw={"rows": 3},
                           description="如：曾在该企业任职、亲属在该企业任职、近三年有业务往来或参与过该项目咨询。")


class RankingFilterForm(BaseForm):
    class Meta:
        csrf = False

    type = SelectField("标杆类型", choices=options([(t.value, t.label) for t in ApplicationType]),
                       validate_choice=False)
    prefecture = SelectField("市州", choices=[], validate_choice=False)
    industry = SelectField("行业大类", choices=[], validate_choice=False)


class SiteVisitMarkForm(BaseForm):
    kind = RadioField("类型", choices=options([(k.value, k.label) for k in SiteVisitKind]),
                      validators=[DataRequired("请选择现场答辩或现场核查。")])


class SiteVisitResultForm(BaseForm):
    held_on = DateField("日期", validators=[DataRequired("请选择日期。")])
    members = StringField("参加人员", filters=TEXT, validators=[DataRequired("请填写参加人员。"), Length(max=1000)])
    findings = TextAreaField("主要结论", filters=TEXT, validators=[DataRequired("请填写主要结论。"), MaxChars(3000)],
                             render_kw={"rows": 4})
    passed = RadioField("结果", choices=options([("yes", "通过"), ("no", "不通过")]),
                        validators=[InputRequired("请选择结果。")])


class RemindAllForm(BaseForm):
    confirm = BooleanField("确认提醒")
