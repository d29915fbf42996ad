"""Registration, login and password forms."""
from webapp.forms.base import BaseForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from webapp.accounts import codes
from webapp.forms.fields import MobileNumber, NoInvisible, StrongPassword, strip_filter


class RegistrationForm(BaseForm):
    company_name = StringField("企业名称", filters=[strip_filter],
                               validators=[NoInvisible(), DataRequired("请填写企业名称。"), Length(max=100, message="企业名称不超过100字。")])
    credit_code = StringField("统一社会信用代码", filters=[codes.normalize],
                              description="18位，以营业执照为准；全角字符、空格和小写字母会自动转换。")
    confirm_code_as_printed = BooleanField("确认与营业执照上印制的代码完全一致")
    prefecture = SelectField("所在市州", choices=[], validate_choice=False)
    county = SelectField("所在县市区", choices=[], validators=[DataRequired("请选择所在县市区。")],
                         description="决定您的推荐单位（所在市州工业和信息化局）。")
    contact_name = StringField("联系人", filters=[strip_filter],
                               validators=[NoInvisible(), DataRequired("请填写联系人姓名。"), Length(max=50, message="联系人姓名不超过50字。")])
    mobile = StringField("手机", validators=[DataRequired("请填写手机号码。"), MobileNumber()])
    password = PasswordField("密码", validators=[DataRequired("请设置密码。"), StrongPassword("credit_code", "company_name")],
                             description="至少8位，包含大写字母、小写字母、数字、符号中的至少三类；不能是常见密码，"
                                         "不能包含统一社会信用代码或企业名称。")
    password2 = PasswordField("确认密码", validators=[DataRequired("请再次输入密码。"),
                                                  EqualTo("password", "两次输入的密码不一致。")])

    #: set by validate_credit_code when the check character fails but the user confirmed the code
    check_char_confirmed = False

    def validate_credit_code(self, field):
        problem = codes.credit_code_problem(field.data)
        if problem is None:
            return
        kind, params = problem
        if kind is codes.CodeProblem.CHECK_CHARACTER and self.confirm_code_as_printed.data:
            self.check_char_confirmed = True
            return
        raise ValidationError(kind.value.format(**params))


class LoginForm(BaseForm):
    login = StringField("统一社会信用代码或用户名", filters=[strip_filter],
                        validators=[DataRequired("请输入统一社会信用代码或用户名。"), Length(max=200, message="用户名过长。")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200, message="密码过长。")])
    captcha_token = HiddenField()
    captcha = StringField("验证码", filters=[strip_filter], validators=[Length(max=20, message="验证码为5个字符。")],
                          description="请输入图片中的5个字符（不区分大小写）。看不清可换一张。")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), StrongPassword()],
                                 description="企业账号至少8位、工作人员账号至少12位，包含大写字母、小写字母、数字、符号中的至少三类，"
                                             "不能包含用户名或企业名称，不能是常见密码。")
    new_password2 = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码。"),
                                                       EqualTo("new_password", "两次输入的新密码不一致。")])

    def validate_new_password(self, field):
        if field.data and field.data == self.current_password.data:
            raise ValidationError("新密码不能与当前密码相同。")


class SecondFactorForm(BaseForm):
    code = StringField("动态口令", filters=[strip_filter],
                       validators=[DataRequired("请输入验证器中显示的6位动态口令。"),
                                   Length(max=20, message="动态口令为6位数字。")],
                       description="打开手机上的验证器（如 Google Authenticator、Microsoft Authenticator、"
                                   "FreeOTP 或小程序），输入本系统对应的6位数字。")
