"""Forms of the 拟认定名单 (planned number, an outcome with its reason), the 公示 (period, contact, notice), the public
实名异议 form and the admin's handling of an objection."""
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, options, strip_filter

TEXT = [strip_filter]


class PlannedForm(BaseForm):
    planned = IntegerField("计划数", validators=[InputRequired("请填写计划数。"),
                                               NumberRange(0, 1000, "计划数应为 0 至 1000 之间的整数。")])


class OutcomeForm(BaseForm):
    action = HiddenField()
    reason = TextAreaField("理由", filters=TEXT, validators=[MaxChars(500)], render_kw={"rows": 2},
                           description="计划数以内、达到合格分数线的申报书列入拟认定名单可不填；其他情况必须填写。")


class PublicityForm(BaseForm):
    starts_on = DateField("公示开始日期", validators=[DataRequired("请选择公示开始日期。")])
    working_days = IntegerField("公示期（工作日）", default=5, validators=[
        Optional(), NumberRange(1, 30, "公示期应为 1 至 30 个工作日。")],
        description="按国家法定节假日和调休安排计算工作日。")
    ends_on = DateField("公示截止日期（手动设定）", validators=[Optional()],
                        description="日历库尚无该年度节假日数据时必须填写；填写后以此日期为准。")
    contact_name = StringField("联系人", filters=TEXT, validators=[DataRequired("请填写联系人。"), Length(max=50)])
    contact_phone = StringField("联系电话", filters=TEXT,
                                validators=[DataRequired("请填写联系电话。"), Length(max=30)])
    notice_text = TextAreaField("公示内容", filters=TEXT, render_kw={"rows": 10},
                                validators=[DataRequired("请填写公示内容。"), MaxChars(5000)],
                                description="【公示期】【联系人】【联系电话】将自动替换为上面填写的内容。")


class ObjectionForm(BaseForm):
    position = SelectField("异议对象", coerce=int, choices=[], validate_choice=False,
                           validators=[DataRequired("请从公示名单中选择异议对象。")])
    name = StringField("真实姓名", filters=TEXT, validators=[DataRequired("请填写真实姓名。匿名异议不予受理。"),
                                                          Length(max=50)])
    employer = StringField("工作单位", filters=TEXT, validators=[
        DataRequired("请填写工作单位。匿名异议不予受理。"), Length(max=200)],
        description="以单位名义提出的，填写单位全称。")
    phone = StringField("联系电话", filters=TEXT, validators=[DataRequired("请填写联系电话。"), Length(max=30)],
                        description="手机号码，或带区号的固定电话，便于核实和答复。")
    grounds = TextAreaField("异议事实和理由", filters=TEXT, render_kw={"rows": 8},
                            validators=[DataRequired("请写明异议的具体事实和理由。"), MaxChars(5000)])
    files = MultipleFileField("证明材料（可选）", description="最多3个文件，PDF、JPG或PNG格式，每个不超过10MB。")
    pledge = BooleanField("本人承诺所反映情况真实，并愿意配合核实。",
                          validators=[DataRequired("请确认所反映情况真实。")])
    captcha_token = HiddenField()
    captcha = StringField("验证码", filters=TEXT, validators=[DataRequired("请输入验证码。"), Length(max=20)],
                          description="请输入图片中的5个字符（不区分大小写）。")


class ConcludeForm(BaseForm):
    findings = TextAreaField("核实情况", filters=TEXT, render_kw={"rows": 5},
                             validators=[DataRequired("请填写核实情况。"), MaxChars(5000)],
                             description="仅省厅可见。")
    conclusion = RadioField("结论", choices=options([("sustain", "成立（移出拟认定名单）"), ("dismiss", "不成立")]),
                            validators=[DataRequired("请选择结论。")])
    reply = TextAreaField("答复", filters=TEXT, render_kw={"rows": 4},
                          validators=[DataRequired("请填写答复。"), MaxChars(3000)],
                          description="答复异议人；异议成立时也告知申报企业及其推荐单位。请勿写入异议人的个人信息。")
