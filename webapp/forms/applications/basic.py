"""Forms of 封面 and 一、（一）企业基本信息 … 企业简介. One class per section of the 申报书."""
from datetime import date

from wtforms import (
    BooleanField, DateField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import Email, Optional, ValidationError

from webapp.accounts import codes
from webapp.models import ApplicationType, EconomicYear, EnterpriseNature
from webapp.core.timeutil import local_today
from webapp.forms.base import BaseForm, SectionForm
from webapp.forms.fields import (
    AmountField, CountField, MaxChars, MobileNumber, NoInvisible, PercentField, options, strip_filter,
)

TEXT = [strip_filter]


def optional_text(limit: int, *extra):
    """Validators of a text that may be empty in a draft. (Conditional fields must not use Optional():
    it would stop their validate_<field> check when they are empty.)"""
    return [Optional(), MaxChars(limit), *extra]


class CoverForm(SectionForm):
    project_name = StringField("项目名称", filters=TEXT, validators=[NoInvisible(), *optional_text(100)],
                               description="如：XX公司智能制造标杆企业建设项目")
    app_type = RadioField("申报类型", choices=options((t.value, t.label) for t in ApplicationType),
                          validators=[Optional()], coerce=lambda v: ApplicationType(v) if v else None)



class OrgCodeField(StringField):
    """组织机构代码: 18-character credit code or 9-character organisation code, normalised."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = codes.normalize(self.data) if self.data else self.data


def _valid_org_code(form, field):
    if field.data and not codes.is_valid_org_or_credit_code(field.data):
        raise ValidationError("请填写18位统一社会信用代码或9位组织机构代码（含校验位），请按证照核对。")


def _not_in_future(form, field):
    if field.data and field.data > local_today():
        raise ValidationError("成立时间不能晚于今天。")
    if field.data and field.data < date(1800, 1, 1):
        raise ValidationError("成立时间不正确。")


class BasicInfoForm(SectionForm):
    company_name = StringField("企业名称", filters=TEXT, validators=[NoInvisible(), *optional_text(100)])
    org_code = OrgCodeField("组织机构代码", validators=[Optional(), _valid_org_code],
                            description="填写18位统一社会信用代码或9位组织机构代码。")
    founded_on = DateField("成立时间", validators=[Optional(), _not_in_future],
                           description="格式：年-月-日，如 2005-03-18。")
    nature = RadioField("企业性质", choices=options((n.value, n.label) for n in EnterpriseNature), validators=[Optional()],
                        coerce=lambda v: EnterpriseNature(v) if v else None)
    nature_other = StringField("其他（请注明）", filters=TEXT, validators=[MaxChars(50)])
    industry_division_code = SelectField("所属行业大类", choices=[], validators=[Optional()], validate_choice=False,
                                         description="按《国民经济行业分类与代码（GB/T 4754-2017）》选择。")
    industry_group_code = SelectField("所属行业中类", choices=[], validators=[Optional()], validate_choice=False)
    address = StringField("单位地址", filters=TEXT, validators=optional_text(200))
    county_adcode = SelectField("所在县市区", choices=[], validators=[Optional()], validate_choice=False)
    legal_rep_name = StringField("法人代表/负责人 姓名", filters=TEXT, validators=[NoInvisible(), *optional_text(50)])
    legal_rep_title = StringField("法人代表/负责人 职务", filters=TEXT, validators=optional_text(50))
    legal_rep_mobile = StringField("法人代表/负责人 手机", validators=[Optional(), MobileNumber()])
    legal_rep_email = StringField("法人代表/负责人 E-mail", filters=TEXT,
                                  validators=[Optional(), MaxChars(100), Email("请填写正确的电子邮箱，如 name@example.com。",
                                                                               check_deliverability=False)])
    contact_name = StringField("联系人 姓名", filters=TEXT, validators=[NoInvisible(), *optional_text(50)])
    contact_title = StringField("联系人 职务", filters=TEXT, validators=optional_text(50))
    contact_mobile = StringField("联系人 手机", validators=[Optional(), MobileNumber()])
    contact_email = StringField("联系人 E-mail", filters=TEXT,
                                validators=[Optional(), MaxChars(100), Email("请填写正确的电子邮箱，如 name@example.com。",
                                                                             check_deliverability=False)])

    #: set by the view: valid choices {division: {groups}} and the counties of the unit's prefecture
    division_groups: dict[str, set[str]] = {}
    unit_counties: dict[str, str] = {}
    unit_name = ""


    def validate_nature_other(self, field):
        if self.nature.data is EnterpriseNature.OTHER and not field.data:
            raise ValidationError("企业性质选择“其他”时，请注明。")
        if self.nature.data is not EnterpriseNature.OTHER:
            field.data = None

    def validate_industry_division_code(self, field):
        if field.data and field.data not in self.division_groups:
            raise ValidationError("请从列表中选择行业大类。")

    def validate_industry_group_code(self, field):
        if not field.data:
            return
        division = self.industry_division_code.data
        if not division:
            raise ValidationError("请先选择行业大类。")
        if field.data not in self.division_groups.get(division, ()):
            raise ValidationError("所选行业中类不属于所选行业大类，请重新选择。")

    def validate_county_adcode(self, field):
        if field.data and field.data not in self.unit_counties:
            raise ValidationError(f"所在县市区须属于推荐单位（{self.unit_name}）所辖范围。如企业注册地有误，请联系推荐单位。")


class EconomicYearForm(BaseForm):
    """One year of 近三年主要经济指标 (a sub-form; no CSRF of its own)."""

    class Meta:
        csrf = False

    year = HiddenField()
    total_assets = AmountField("总资产（万元）")
    debt_ratio = PercentField("负债率（%）", maximum=None)
    revenue = AmountField("主营业务收入（万元）")
    taxes = AmountField("上缴税金（万元）")
    profit = AmountField("实现利润（万元）", allow_negative=True, description="亏损填负数")


class EconomicsForm(SectionForm):
    """The campaign's three years (year-3 … year-1), one EconomicYear row each."""

    years = FieldList(FormField(EconomicYearForm), min_entries=3, max_entries=3)
    INDICATORS = ("total_assets", "debt_ratio", "revenue", "taxes", "profit")

    def _pairs(self, application):
        by_year = {y.year: y for y in application.economic_years}
        return [(entry, year, by_year.get(year))
                for entry, year in zip(self.years.entries, application.campaign.economic_years)]

    def load(self, application):
        for entry, _year, row in self._pairs(application):
            for column in self.INDICATORS:
                entry.form[column].data = getattr(row, column) if row else None

    def save(self, application):
        for entry, year, row in self._pairs(application):
            if row is None:
                row = EconomicYear(year=year)
                application.economic_years.append(row)
            for column in self.INDICATORS:
                setattr(row, column, entry.form[column].data)


class HonoursForm(SectionForm):
    honour_national_pilot = BooleanField("国家智能制造试点示范企业")
    honour_national_demo_factory = BooleanField("国家智能制造示范工厂")
    honour_national_standard_project = BooleanField("国家智能制造综合标准化与新模式应用项目承担企业")
    honour_hunan_demo_enterprise = BooleanField("湖南省智能制造示范企业")
    honour_hunan_demo_workshop = BooleanField("湖南省智能制造示范车间")
    honour_integration_certified = BooleanField("国家两化融合贯标通过评定企业")
    honour_maturity_certified = BooleanField("国家智能制造能力成熟度通过评定企业")
    maturity_level = SelectField("等级", choices=options([("", "请选择")] + [(i, f"{i}级") for i in range(1, 6)]),
                                 coerce=lambda v: int(v) if v not in (None, "") else None)
    honour_other = BooleanField("其他")
    honour_other_text = StringField("其他（请注明）", filters=TEXT, validators=[MaxChars(200)])
    major_accident = RadioField("企业近三年是否发生过重大安全生产事故、重大环境事故", choices=options([("yes", "是"), ("no", "否")]),
                                validators=[Optional()],
                                coerce=lambda v: {"yes": True, "no": False, True: True, False: False}.get(v))


    def validate_maturity_level(self, field):
        if self.honour_maturity_certified.data and not field.data:
            raise ValidationError("勾选“国家智能制造能力成熟度通过评定企业”时，请选择等级（1–5级）。")
        if not self.honour_maturity_certified.data:
            field.data = None

    def validate_honour_other_text(self, field):
        if self.honour_other.data and not field.data:
            raise ValidationError("勾选“其他”时，请注明荣誉名称。")
        if not self.honour_other.data:
            field.data = None


class StaffForm(SectionForm):
    staff_total = CountField("总数（人）")
    staff_senior = CountField("高级职称（人）")
    staff_intermediate = CountField("中级职称（人）")
    staff_junior = CountField("初级职称（人）")
    staff_other = CountField("其他人员（人）")

    def validate_staff_total(self, field):
        parts = [self.staff_senior.data, self.staff_intermediate.data, self.staff_junior.data, self.staff_other.data]
        if field.data is not None and all(p is not None for p in parts) and sum(parts) != field.data:
            raise ValidationError(f"高级、中级、初级职称和其他人员之和（{sum(parts)}人）应等于总数（{field.data}人）。")


class ProfileForm(SectionForm):
    profile = TextAreaField("企业简介", filters=TEXT, validators=optional_text(500),
                            description="发展历程、主营业务、市场销售等方面基本情况，500字以内。")
