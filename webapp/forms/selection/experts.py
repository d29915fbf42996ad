"""专家库 forms: an entry, a declared relation, the Excel import, the list's filters, an expert login."""
import unicodedata

from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.accounts import codes
from webapp.core.extensions import db
from webapp.forms.base import BaseForm
from webapp.forms.fields import MobileNumber, options, strip_filter
from webapp.models import User
from webapp.selection.experts import ExpertValues, link_names, prefectures

TEXT = [strip_filter]


def _code_filter(value):
    return codes.normalize(value) if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExpertForm(BaseForm):
    name = StringField("姓名", filters=TEXT, validators=[DataRequired("请填写姓名。"), Length(max=50)])
    employer = StringField("工作单位", filters=TEXT, validators=[DataRequired("请填写工作单位。"), Length(max=200)])
    employer_credit_code = StringField("工作单位统一社会信用代码", filters=[strip_filter, _code_filter],
                                       validators=[Optional()],
                                       description="工作单位是企业的请填写，用于本单位回避；高校、科研院所可不填。")
    prefecture_adcode = SelectField("所在市州", choices=[], validators=[DataRequired("请选择所在市州。")],
                                    description="用于同一市州回避。")
    title = StringField("职称", filters=TEXT, validators=[Length(max=50)])
    fields = MultiCheckboxField("专业领域（可评审的智能制造环节）", choices=[], validate_choice=False)
    phone = StringField("手机", filters=TEXT, validators=[MobileNumber()])
    email = StringField("电子邮箱", filters=TEXT, validators=[Optional(), Length(max=100),
                                                       Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="电子邮箱格式不正确。")])
    active = BooleanField("在库（可分配评审任务）", default=True)

    def set_choices(self, prefectures, link_names) -> None:
        self.prefecture_adcode.choices = options([("", "请选择")] + [(p.adcode, p.name) for p in prefectures])
        self.fields.choices = options([(name, name) for name in link_names])

    def validate_employer_credit_code(self, field):
        if not field.data:
            return
        problem = codes.credit_code_problem(field.data)
        if problem is not None and problem[0] is not codes.CodeProblem.CHECK_CHARACTER:
            raise ValidationError(problem[0].value.format(**problem[1]))

    def values(self) -> ExpertValues:
        return ExpertValues(name=self.name.data, employer=self.employer.data,
                            employer_credit_code=self.employer_credit_code.data or None,
                            prefecture_adcode=self.prefecture_adcode.data, title=self.title.data or "",
                            fields=list(self.fields.data or []), phone=self.phone.data or "",
                            email=self.email.data or "", active=bool(self.active.data))


class RelationForm(BaseForm):
    credit_code = StringField("企业统一社会信用代码", filters=[strip_filter, _code_filter],
                              validators=[DataRequired("请填写企业的统一社会信用代码。")])
    reason = StringField("关系说明", filters=TEXT, validators=[DataRequired("请说明关系。"), Length(max=500)],
                         description="如：曾在该企业任职、亲属在该企业任职、近三年有业务往来。")


class ImportForm(BaseForm):
    """The Excel file comes as request.files['file']; the form carries CSRF."""


class ExpertFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField("姓名或工作单位", filters=TEXT)
    prefecture = SelectField("所在市州", choices=[], validate_choice=False)
    field = SelectField("专业领域", choices=[], validate_choice=False)
    state = SelectField("状态", choices=options([("", "全部"), ("active", "在库"), ("inactive", "停用")]),
                        validate_choice=False)
    page = HiddenField()


def expert_filters(args) -> ExpertFilterForm:
    """The pool's filters from the query string, with their choices."""
    filters = ExpertFilterForm(formdata=args)
    filters.prefecture.choices = options([("", "全部市州")] + [(p.adcode, p.name) for p in prefectures()])
    filters.field.choices = options([("", "全部领域")] + [(name, name) for name in link_names()])
    return filters


class IssueLoginForm(BaseForm):
    login = StringField("用户名", filters=TEXT,
                        validators=[DataRequired("请填写用户名。"),
                                    Regexp(r"^[A-Za-z0-9_.\-]{3,32}$", message="用户名须为3–32位字母、数字、下划线、点或连字符。")],
                        description="专家登录时使用，建议用姓名拼音。")

    def validate_login(self, field):
        field.data = unicodedata.normalize("NFKC", field.data or "")
        if db.session.execute(db.select(User.id).filter(db.func.lower(User.login) == field.data.lower())).first():
            raise ValidationError(f"用户名 {field.data} 已存在。")
