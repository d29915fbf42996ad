"""Colleague accounts of an enterprise: add one, change its rights, hand over the administrator role."""
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.applications.sections import SECTIONS
from webapp.forms.base import BaseForm
from webapp.forms.fields import MobileNumber, NoInvisible, options, strip_filter
from webapp.models import MemberAccess

ACCESS_CHOICES = options((a.value, a.label) for a in MemberAccess)


class SectionChoices(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def section_choices():
    """Each section by its heading, in the form's order."""
    return options((s.key, s.heading) for s in SECTIONS)


class RightsForm(BaseForm):
    access = RadioField("权限", choices=ACCESS_CHOICES, default=MemberAccess.ALL.value,
                        validators=[DataRequired("请选择权限。")])
    sections = SectionChoices("可以编辑的部分", choices=section_choices(), validate_choice=True,
                              description="选择“仅编辑指定部分”时勾选。提交申报书、撤回和上传盖章扫描件只能由企业管理员操作。")

    def validate_sections(self, field):
        if self.access.data == MemberAccess.SECTIONS.value and not field.data:
            raise ValidationError("请至少勾选一个可以编辑的部分。")


class ColleagueForm(RightsForm):
    name = StringField("姓名", filters=[strip_filter],
                       validators=[NoInvisible(), DataRequired("请填写姓名。"), Length(max=50, message="姓名不超过50字。")],
                       description="同事保存内容、正在编辑时，其他人看到的名字。")
    mobile = StringField("手机", validators=[DataRequired("请填写手机号码。"), MobileNumber()])


class HandOverForm(BaseForm):
    confirm = BooleanField("我确认将企业管理员移交给该同事：此后由其提交、撤回申报书，上传盖章扫描件，管理同事账号。",
                           validators=[DataRequired("请勾选确认。")])
