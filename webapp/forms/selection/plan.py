"""评审方案 forms: the plan's settings, one criterion of a score sheet, the pass mark."""
from datetime import datetime, time
from decimal import Decimal

from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.core.timeutil import from_local, to_local
from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, NumberField, options, strip_filter
from webapp.models import Aggregation, ReviewPlan
from webapp.selection.plan import PlanSettings
from webapp.selection.sheets import CriterionValues

TEXT = [strip_filter]


class PlanForm(BaseForm):
    experts_per_application = IntegerField("每份申报书的评审专家人数",
                                           validators=[InputRequired("请填写专家人数。"),
                                                       NumberRange(1, 15, "专家人数应为1–15人。")])
    aggregation = RadioField("汇总得分的计算方法", choices=options([(a.value, a.label) for a in Aggregation]),
                             validators=[DataRequired("请选择计算方法。")])
    disagreement_threshold = NumberField("分歧提示：专家总分的极差（最高分减最低分）超过", decimals=1,
                                         minimum=Decimal(0), maximum=Decimal(100),
                                         validators=[InputRequired("请填写分歧阈值。")], description="分")
    deadline_date = DateField("专家评审截止日期", validators=[Optional()])
    deadline_time = TimeField("截止时间", validators=[Optional()], default=time(17, 0))
    experts_see_others = BooleanField("专家提交自己的评分后，可以看到同一申报书其他专家已提交的评分")
    avoid_same_prefecture = BooleanField("同一市州回避：不分配与申报企业同一市州的专家")
    comments_required = BooleanField("每个评分项须填写评语（提交时检查）")

    def load(self, plan: ReviewPlan) -> None:
        for name in ("experts_per_application", "disagreement_threshold", "experts_see_others",
                     "avoid_same_prefecture", "comments_required"):
            self[name].data = getattr(plan, name)
        self.aggregation.data = plan.aggregation.value
        local = to_local(plan.deadline)
        self.deadline_date.data = local.date() if local else None
        self.deadline_time.data = local.time() if local else time(17, 0)

    def settings(self) -> PlanSettings:
        deadline = None
        if self.deadline_date.data:
            deadline = from_local(datetime.combine(self.deadline_date.data, self.deadline_time.data or time(17, 0)))
        return PlanSettings(self.experts_per_application.data, Aggregation(self.aggregation.data),
                            self.disagreement_threshold.data, deadline, bool(self.experts_see_others.data),
                            bool(self.avoid_same_prefecture.data), bool(self.comments_required.data))


class CriterionForm(BaseForm):
    name = StringField("评分项", filters=TEXT, validators=[DataRequired("请填写评分项名称。"), Length(max=100)])
    description = TextAreaField("评分要点", filters=TEXT, validators=[MaxChars(1000)], render_kw={"rows": 3})
    is_gate = BooleanField("一票否决项（专家选择“是/否”，选“否”则该专家总分为0）")
    max_score = NumberField("满分", decimals=1, minimum=Decimal(0), maximum=Decimal(100))
    bands = TextAreaField("档次（选填，每行一档：档次 下限 说明）", filters=TEXT, render_kw={"rows": 4},
                          description="例如：优 34 实施全面、水平领先。某档从其下限起，至上一档下限为止（最高档至满分）；最低档下限为0。")

    def values(self) -> CriterionValues:
        return CriterionValues(self.name.data, self.description.data or "", bool(self.is_gate.data),
                               self.max_score.data, self.bands.data or "")


class PassMarkForm(BaseForm):
    pass_mark = NumberField("通过分数", decimals=1, minimum=Decimal(0), maximum=Decimal(100),
                            validators=[InputRequired("请填写通过分数。")])
