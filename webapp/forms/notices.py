"""The user's notice settings (消息设置): e-mail address and channels."""
from wtforms import BooleanField, EmailField
from wtforms.validators import Email, Length, Optional, ValidationError

from webapp.forms.base import BaseForm
from webapp.forms.fields import strip_filter


class NoticeSettingsForm(BaseForm):
    email = EmailField("电子邮箱", filters=[strip_filter],
                       validators=[Optional(), Length(max=254, message="电子邮箱不超过254个字符。"),
                                   Email("请输入有效的电子邮箱地址，如 zhangsan@example.com。",
                                         check_deliverability=False)],
                       description="系统消息将同时发送到此邮箱。")
    email_enabled = BooleanField("同时通过电子邮件接收消息")
    sms_enabled = BooleanField("同时通过短信接收消息（发送到账号登记的手机号）")

    def validate_email_enabled(self, field):
        if field.data and not (self.email.data or "").strip():
            raise ValidationError("要接收邮件，请先填写电子邮箱。")
