"""Forms of the province: campaign settings and deadline extensions (省厅管理员), accounts (安全管理员),
and the GET filters of the overview and the audit log."""
from datetime import datetime, time
from decimal import Decimal

from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.campaigns.settings import (
    ALL_RULE_SLOTS, REQUIRABLE_ATTACHMENTS, CampaignSettings, RuleSetting, quota_of, rule_setting,
)
from webapp.core.extensions import db
from webapp.accounts.duties import MANAGED_BY
from webapp.models import STAFF_ROLES, ApplicationStatus, ApplicationType, Campaign, Role, RuleKey, RuleMode, User
from webapp.core.timeutil import from_local, to_local
from webapp.forms.base import BaseForm
from webapp.forms.fields import CountField, MaxChars, NoInvisible, NumberField, options, strip_filter

DEFAULT_DEADLINE_TIME = time(17, 0)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _whole(label: str, minimum: int, maximum: int, **kwargs):
    return CountField(label, minimum=Decimal(minimum), maximum=Decimal(maximum), **kwargs)


def _required_number(message: str):
    def check(form, field):
        if field.data is None and not field.errors:
            raise ValidationError(message)
    return check


class CampaignForm(BaseForm):
    """The fixed part of the settings; `campaign_form()` adds the rule grid and the quota grid."""

    year = _whole("年度", 2000, 2100, validators=[_required_number("请填写年度（2000–2100）。")],
                  description="经济指标取其前三年。")
    title = StringField("批次名称", filters=[strip_filter],
                        validators=[DataRequired("请填写批次名称。"), Length(max=200, message="批次名称不超过200字。")])
    edition_id = SelectField("智能制造典型场景参考指引版本", coerce=int, validate_choice=False)
    enterprise_deadline_date = DateField("企业申报截止日期", validators=[DataRequired("请选择企业申报截止日期。")])
    enterprise_deadline_time = TimeField("时间（北京时间）", default=DEFAULT_DEADLINE_TIME,
                                         validators=[DataRequired("请填写时间，如 17:00。")])
    unit_deadline_date = DateField("推荐单位截止日期", validators=[DataRequired("请选择推荐单位截止日期。")])
    unit_deadline_time = TimeField("时间（北京时间）", default=DEFAULT_DEADLINE_TIME,
                                   validators=[DataRequired("请填写时间，如 17:00。")])
    is_open = BooleanField("开放申报", default=True,
                           description="关闭后企业不能提交、推荐单位不能处理，已填写的内容保留。")
    is_current = BooleanField("设为当前批次", description="企业和推荐单位始终在当前批次中工作；同一时间只有一个当前批次。")
    required_attachments = MultiCheckboxField("必须上传的证明材料",
                                              choices=options([(c.value, c.label) for c in REQUIRABLE_ATTACHMENTS]))
    max_file_mb = _whole("单个文件上限（MB）", 1, 1024, validators=[_required_number("请填写单个文件大小上限。")])
    max_application_mb = _whole("每份申报书附件总量上限（MB）", 1, 10240,
                                validators=[_required_number("请填写附件总量上限。")])

    #: set by campaign_form()
    campaign_id: int | None = None
    units: list = []
    rule_slots = ALL_RULE_SLOTS

    # ---- validation -------------------------------------------------------------------------------------------

    def validate_year(self, field):
        if field.data is None:
            return
        clash = db.session.execute(db.select(Campaign.id).where(
            Campaign.year == field.data, Campaign.id != (self.campaign_id or 0))).first()
        if clash:
            raise ValidationError(f"{field.data}年度的申报批次已存在，每个年度只能有一个批次。")

    def validate_unit_deadline_date(self, field):
        enterprise, unit = self.enterprise_deadline_local(), self.unit_deadline_local()
        if enterprise and unit and unit < enterprise:
            raise ValidationError("推荐单位截止时间不能早于企业申报截止时间。")

    def validate_max_application_mb(self, field):
        if field.data is not None and self.max_file_mb.data is not None and field.data < self.max_file_mb.data:
            raise ValidationError("附件总量上限不能小于单个文件上限。")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for slot in self.rule_slots:
            mode = self[f"{slot.name}_mode"]
            if slot.has_threshold:
                threshold = self[f"{slot.name}_threshold"]
                if mode.data != RuleMode.OFF.value and threshold.data is None and not threshold.errors:
                    threshold.errors.append("请填写门槛值，或将检查方式设为“不检查”。")
                    ok = False
        return ok

    # ---- model values -----------------------------------------------------------------------------------------

    @staticmethod
    def _combine(day, moment):
        return datetime.combine(day, moment) if day and moment else None

    def enterprise_deadline_local(self):
        return self._combine(self.enterprise_deadline_date.data, self.enterprise_deadline_time.data)

    def unit_deadline_local(self):
        return self._combine(self.unit_deadline_date.data, self.unit_deadline_time.data)

    def load(self, campaign: Campaign) -> None:
        """Fill the form from a stored campaign (deadlines shown in Beijing time)."""
        self.year.data, self.title.data, self.edition_id.data = campaign.year, campaign.title, campaign.edition_id
        for name in ("enterprise_deadline", "unit_deadline"):
            local = to_local(getattr(campaign, name))
            self[f"{name}_date"].data, self[f"{name}_time"].data = local.date(), local.time().replace(second=0)
        self.is_open.data, self.is_current.data = campaign.is_open, campaign.is_current
        self.required_attachments.data = list(campaign.required_attachments or [])
        self.max_file_mb.data, self.max_application_mb.data = campaign.max_file_mb, campaign.max_application_mb
        self._load_grids(campaign)

    def load_new(self, template: Campaign | None, year: int) -> None:
        """A new campaign starts from the settings of `template` (the current one), or from the defaults."""
        if template is not None:
            self.load(template)
        else:
            self._load_grids(None)
        self.year.data, self.title.data = year, f"{year}年湖南省智能制造标杆申报"
        for name in ("enterprise_deadline_date", "unit_deadline_date"):
            self[name].data = None
        self.is_open.data, self.is_current.data = True, template is None

    def _load_grids(self, campaign: Campaign | None) -> None:
        for slot in self.rule_slots:
            setting = rule_setting(campaign, slot)
            self[f"{slot.name}_mode"].data = setting.mode.value
            if slot.has_threshold:
                self[f"{slot.name}_threshold"].data = setting.threshold
        for unit in self.units:
            for app_type in ApplicationType:
                self[quota_field(unit.id, app_type)].data = quota_of(campaign, unit.id, app_type)

    def settings(self) -> CampaignSettings:
        rules = {}
        for slot in self.rule_slots:
            threshold = self[f"{slot.name}_threshold"].data if slot.has_threshold else None
            rules[slot] = RuleSetting(threshold, RuleMode(self[f"{slot.name}_mode"].data))
        quotas = {(unit.id, app_type): self[quota_field(unit.id, app_type)].data
                  for unit in self.units for app_type in ApplicationType}
        return CampaignSettings(
            year=self.year.data, title=self.title.data, edition_id=self.edition_id.data,
            enterprise_deadline=from_local(self.enterprise_deadline_local()),
            unit_deadline=from_local(self.unit_deadline_local()), is_open=self.is_open.data,
            make_current=self.is_current.data, max_file_mb=self.max_file_mb.data,
            max_application_mb=self.max_application_mb.data,
            required_attachments=list(self.required_attachments.data or []), rules=rules, quotas=quotas)


def quota_field(unit_id: int, app_type: ApplicationType) -> str:
    return f"quota_{unit_id}_{app_type.value}"


MODE_CHOICES = [(m.value, m.label) for m in RuleMode]


def campaign_form(units, editions, campaign: Campaign | None = None, **kwargs) -> CampaignForm:
    """The settings form with a threshold + mode pair per rule slot and a quota per unit and 申报类型.

    Fields are added to a subclass made per call, since the units and editions come from the database.
    """

    class Form(CampaignForm):
        pass

    for slot in ALL_RULE_SLOTS:
        if slot.has_threshold:
            which = slot.app_type.label if slot.app_type else "两类"
            field = (NumberField(f"{slot.label}（{which}）", decimals=slot.decimals)
                     if slot.decimals else CountField(f"{slot.label}（{which}）", maximum=Decimal(9999)))
            setattr(Form, f"{slot.name}_threshold", field)
        label = f"{slot.label}（{slot.app_type.label if slot.app_type else '两类'}）的检查方式"
        # A rule the form did not post (a form from before the rule existed) is not checked, not blocking.
        default = RuleMode.BLOCK if slot.key is not RuleKey.RECENT_RECOGNITION else RuleMode.OFF
        setattr(Form, f"{slot.name}_mode", SelectField(label, choices=options(MODE_CHOICES), default=default.value))
    for unit in units:
        for app_type in ApplicationType:
            setattr(Form, quota_field(unit.id, app_type),
                    _whole(f"{unit.prefecture.name}{app_type.label}名额", 0, 999,
                           validators=[_required_number("请填写名额（0–999）。")]))
    form = Form(**kwargs)
    form.campaign_id = campaign.id if campaign else None
    form.units = list(units)
    form.edition_id.choices = options([(e.id, f"{e.code}版 {e.name}") for e in editions])
    return form


class ExtensionForm(BaseForm):
    """A later deadline for one enterprise; the enterprise is picked from a search by name or credit code."""

    enterprise_id = SelectField("企业", coerce=int, validate_choice=False,
                                validators=[DataRequired("请先搜索并选择企业。")])
    deadline_date = DateField("延期至（日期）", validators=[DataRequired("请选择延期后的截止日期。")])
    deadline_time = TimeField("时间（北京时间）", default=DEFAULT_DEADLINE_TIME,
                              validators=[DataRequired("请填写时间，如 17:00。")])
    reason = TextAreaField("延期原因", filters=[strip_filter],
                           validators=[DataRequired("请填写延期原因。"), MaxChars(500)])

    def deadline_utc(self):
        if self.deadline_date.data and self.deadline_time.data:
            return from_local(datetime.combine(self.deadline_date.data, self.deadline_time.data))
        return None


# ---- accounts (安全管理员) -------------------------------------------------------------------------------------

# The staff roles the 安全管理员 may create (三员分立: never another 安全管理员 or 审计管理员, see accounts/duties.py).
STAFF_ROLE_CHOICES = [(r.value, r.label) for r in STAFF_ROLES if r in MANAGED_BY[Role.SECURITY]]


class StaffAccountForm(BaseForm):
    role = SelectField("角色", choices=options(STAFF_ROLE_CHOICES), default=Role.RECOMMENDER.value)
    unit_id = SelectField("推荐单位", coerce=int, validate_choice=False, description="推荐单位账号必选。")
    login = StringField("用户名", filters=[strip_filter], description="3–32位字母、数字、下划线、点或连字符，用于登录。",
                        validators=[DataRequired("请填写用户名。"),
                                    Regexp(r"^[A-Za-z0-9_.\-]{3,32}$",
                                           message="用户名须为3–32位字母、数字、下划线、点或连字符。")])
    display_name = StringField("姓名或显示名称", filters=[strip_filter],
                               validators=[NoInvisible(), DataRequired("请填写姓名或显示名称。"),
                                           Length(max=100, message="不超过100字。")])

    def validate_unit_id(self, field):
        if self.role.data == Role.RECOMMENDER.value and not field.data:
            raise ValidationError("推荐单位账号必须选择推荐单位。")

    def validate_login(self, field):
        if field.data and db.session.execute(db.select(User.id).filter(
                db.func.lower(User.login) == field.data.lower())).first():
            raise ValidationError(f"用户名 {field.data} 已存在。")


class ConfirmForm(BaseForm):
    """A bare POST button (reset, unlock, deactivate …): carries only the CSRF token."""


# ---- GET filters -----------------------------------------------------------------------------------------------

class GetForm(BaseForm):
    class Meta:
        csrf = False


class EnterpriseFilterForm(GetForm):
    q = StringField("企业名称或统一社会信用代码", filters=[strip_filter], validators=[Optional(), MaxChars(100)])
    unit = SelectField("推荐单位", validate_choice=False)


class OverviewFilterForm(GetForm):
    campaign = SelectField("申报批次", validate_choice=False)
    unit = SelectField("推荐单位", validate_choice=False)
    status = SelectField("状态", validate_choice=False,
                         choices=options([("", "全部状态")] + [(s.value, s.label) for s in ApplicationStatus]))


class AuditFilterForm(GetForm):
    start = DateField("开始日期", validators=[Optional()])
    end = DateField("结束日期", validators=[Optional()])
    action = SelectField("操作", validate_choice=False)
    actor = StringField("操作人（登录名）", filters=[strip_filter], validators=[Optional(), MaxChars(64)])
    role = SelectField("操作人角色", validate_choice=False)
    object_type = SelectField("对象类型", validate_choice=False)
    object_id = StringField("对象编号", filters=[strip_filter], validators=[Optional(), MaxChars(40)])
    success = SelectField("结果", validate_choice=False,
                          choices=options([("", "全部"), ("1", "成功"), ("0", "失败")]))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("结束日期不能早于开始日期。")
