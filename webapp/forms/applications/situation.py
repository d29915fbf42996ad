"""Forms of 一、（二）智能制造情况: investment, 实现功能, 技术创新能力, 技术成果, 实施效果, 真实性承诺."""
from decimal import Decimal

from wtforms import BooleanField, FieldList, StringField, TextAreaField
from wtforms.validators import ValidationError

from webapp.models import ApplicationType, ListItem, ListKind
from webapp.forms.base import SectionForm
from webapp.forms.fields import AmountField, MaxChars, NoInvisible, PercentField, strip_filter
from webapp.forms.applications.basic import TEXT, optional_text

COSTS = ("cost_equipment", "cost_software", "cost_testing", "cost_personnel")


class InvestmentForm(SectionForm):
    invest_total = AmountField("企业实施智能制造的总投入（万元）")
    invest_3y = AmountField("企业近3年实施智能制造的总投入（万元）")
    workshop_name = StringField("智能制造车间名称", filters=TEXT, validators=[NoInvisible(), MaxChars(100)])
    workshop_invest_total = AmountField("车间实施智能制造的总投入（万元）")
    workshop_invest_3y = AmountField("车间近3年实施智能制造的总投入（万元）")
    cost_equipment = AmountField("设备费（万元）")
    cost_software = AmountField("工业软件费（万元）")
    cost_testing = AmountField("测试验证和项目咨询费（万元）")
    cost_personnel = AmountField("人员费用（万元）")
    domestic_share = PercentField("其中：国产智能制造软、硬件投资占比（%）")
    provincial_share = PercentField("其中：省产智能制造软、硬件投资占比（%）")

    #: set by the view from the cover section: the workshop rows apply only to 标杆车间
    app_type: ApplicationType | None = None

    @property
    def is_workshop(self) -> bool:
        return self.app_type is ApplicationType.WORKSHOP

    def validate_invest_3y(self, field):
        if field.data is not None and self.invest_total.data is not None and field.data > self.invest_total.data:
            raise ValidationError("企业近3年总投入不能大于企业总投入。")

    def validate_workshop_invest_3y(self, field):
        if not self.is_workshop or field.data is None:
            return
        if self.workshop_invest_total.data is not None and field.data > self.workshop_invest_total.data:
            raise ValidationError("车间近3年总投入不能大于车间总投入。")
        if self.invest_3y.data is not None and field.data > self.invest_3y.data:
            raise ValidationError("车间近3年总投入不能大于企业近3年总投入。")

    def validate_cost_personnel(self, field):
        costs = [self[name].data for name in COSTS]
        target_field = self.workshop_invest_3y if self.is_workshop else self.invest_3y
        if any(c is None for c in costs) or target_field.data is None:
            return
        total = sum(costs, Decimal(0))
        if total != target_field.data:
            whose = "车间" if self.is_workshop else "企业"
            raise ValidationError(f"设备费、工业软件费、测试验证和项目咨询费、人员费用之和（{total:f}万元）"
                                  f"应等于{whose}近3年实施智能制造的总投入（{target_field.data:f}万元）。")

    def validate_provincial_share(self, field):
        if field.data is not None and self.domestic_share.data is not None and field.data > self.domestic_share.data:
            raise ValidationError("省产软、硬件投资占比不能大于国产占比（省产属于国产）。")

    def save(self, application):
        super().save(application)
        if not self.is_workshop:
            # 标杆企业 do not fill the workshop rows (footnote of 附件2): keep no stale values.
            application.workshop_name = application.workshop_invest_total = application.workshop_invest_3y = None


class ListSectionForm(SectionForm):
    """A section made of numbered lists (ListItem rows). Subclasses map field names to ListKind."""

    LISTS: dict[str, ListKind] = {}
    ITEM_LIMIT = 300

    def model_field_names(self):
        return [name for name in super().model_field_names() if name not in self.LISTS]

    def load(self, application):
        for name, kind in self.LISTS.items():
            field = self[name]
            texts = [item.text for item in application.items(kind)] or [""]
            while len(field.entries):
                field.pop_entry()
            for text in texts:
                field.append_entry(text)

    def apply_list_action(self, action: str) -> None:
        """"add:<list>", "remove:<list>:<i>", "up:<list>:<i>", "down:<list>:<i>" (buttons of the list editor)."""
        verb, _, rest = action.partition(":")
        name, _, index_text = rest.partition(":")
        if name not in self.LISTS:
            return
        values = [entry.data or "" for entry in self[name].entries]
        index = int(index_text) if index_text.isdigit() else -1
        if verb == "add" and len(values) < self[name].max_entries:
            values.append("")
        elif verb == "remove" and 0 <= index < len(values):
            values.pop(index)
        elif verb in ("up", "down") and 0 <= index < len(values):
            other = index - 1 if verb == "up" else index + 1
            if 0 <= other < len(values):
                values[index], values[other] = values[other], values[index]
        field = self[name]
        while field.entries:
            field.pop_entry()
        for value in values or [""]:
            field.append_entry(value)

    def save(self, application):
        super().save(application)
        for name, kind in self.LISTS.items():
            for item in application.items(kind):
                application.list_items.remove(item)
            texts = [e.data for e in self[name].entries if (e.data or "").strip()]
            for position, text in enumerate(texts, start=1):
                application.list_items.append(ListItem(kind=kind, position=position, text=text))


def list_field(label):
    """A numbered list; each entry is one item of at most ITEM_LIMIT characters."""
    item = StringField("条目", filters=[strip_filter], validators=[MaxChars(ListSectionForm.ITEM_LIMIT)])
    return FieldList(item, label=label, min_entries=1, max_entries=50)


class FunctionsForm(ListSectionForm):
    LISTS = {"functions": ListKind.FUNCTION}
    functions = list_field("智能制造实现功能")


class InnovationForm(SectionForm):
    support_institutions = TextAreaField("智能制造技术支撑机构", filters=TEXT, validators=optional_text(1000),
                                         description="拥有的企业技术中心、工程技术中心、创新中心、实验室等研发机构的等级及名称。")
    partners = TextAreaField("产学研主要合作单位及智能制造供应商名称", filters=TEXT, validators=optional_text(1000))


class AchievementsForm(ListSectionForm):
    LISTS = {"key_problems": ListKind.KEY_PROBLEM, "key_technologies": ListKind.KEY_TECHNOLOGY}
    key_problems = list_field("解决的关键问题")
    key_technologies = list_field("突破的关键技术及短板装备")


# The 14 indicators of 智能制造实施效果, in the form's order: (column, label, upper bound).
# Rates and decreases cannot exceed 100 %; increases can.
EFFECTS = [
    ("eff_cnc_rate", "关键设备数控化率（%）", Decimal(100)),
    ("eff_network_rate", "关键设备联网率（%）", Decimal(100)),
    ("eff_productivity", "生产效率提升（%）", None),
    ("eff_resource_use", "资源综合利用率提升（%）", None),
    ("eff_rd_cycle", "研发周期缩短（%）", Decimal(100)),
    ("eff_operating_cost", "运营成本下降（%）", Decimal(100)),
    ("eff_defect_rate", "产品不良率下降（%）", Decimal(100)),
    ("eff_staff_optimised", "优化人员比例（%）", Decimal(100)),
    ("eff_equipment_use", "设备综合利用率提升（%）", None),
    ("eff_inventory_turnover", "库存周转率提升（%）", None),
    ("eff_on_time_delivery", "订单准时交付率提升（%）", None),
    ("eff_order_cycle", "订单完成周期缩短（%）", Decimal(100)),
    ("eff_logistics_cost", "物流成本占企业运营成本比重降低（%）", Decimal(100)),
    ("eff_land_use", "土地利用率提升（%）", None),
]


class EffectsForm(SectionForm):
    eff_other = TextAreaField("其他效果", filters=TEXT, validators=optional_text(500))


for _name, _label, _maximum in EFFECTS:
    setattr(EffectsForm, _name, PercentField(_label, maximum=_maximum))


class PledgeForm(SectionForm):
    PLEDGE_TEXT = ("我单位申报提供的所有材料均真实、完整、准确。我单位申报材料内容所涉及的活动均符合国家相关法律法规要求。"
                   "如有不实，愿承担相应的责任。")
    pledge_legal_rep = StringField("企业法定代表人", filters=TEXT, validators=[NoInvisible(), *optional_text(50)])
    pledge_agreed = BooleanField("本单位已阅读并作出上述承诺")
