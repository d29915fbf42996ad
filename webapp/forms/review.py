"""Forms of the recommending unit: the queue's filters, decisions, bulk decisions, the order, 填报日期 and 报送."""
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from webapp.models import ApplicationStatus, ApplicationType
from webapp.review.queue import QUEUE_STATES, QueueQuery, SORT_KEYS
from webapp.applications.sections import SECTIONS
from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, options
from webapp.forms.applications.implementation import TEXT

COMMENT_LIMIT = 2000
SECTION_COMMENT_LIMIT = 1000


class QueueFilterForm(BaseForm):
    """The queue's GET form. Unknown values are ignored rather than refused: a stale bookmark still opens."""

    class Meta:
        csrf = False

    q = StringField("企业名称", filters=TEXT, validators=[MaxChars(100)])
    status = SelectField("状态", choices=options([("", "全部状态")] + [(s.value, s.label) for s in QUEUE_STATES]),
                         validate_choice=False)
    app_type = SelectField("申报类型", choices=options([("", "全部类型")] + [(t.value, t.label) for t in ApplicationType]),
                           validate_choice=False)
    county = SelectField("县市区", choices=[], validate_choice=False)
    industry = SelectField("行业大类", choices=[], validate_choice=False)
    link = SelectField("环节", choices=[], validate_choice=False)
    sort = HiddenField()
    dir = HiddenField()
    page = HiddenField()

    def set_choices(self, counties, industries, links) -> None:
        self.county.choices = options([("", "全部县市区")] + list(counties))
        self.industry.choices = options([("", "全部行业")] + list(industries))
        self.link.choices = options([("", "全部环节")] + list(links))

    def _valid(self, field) -> str:
        values = {str(choice[0]) for choice in field.iter_choices()}
        return field.data if field.data in values else ""

    def query(self):
        """The filters as a review.QueueQuery (invalid parts dropped)."""
        status, app_type = self._valid(self.status), self._valid(self.app_type)
        page = self.page.data or ""
        return QueueQuery(
            status=ApplicationStatus(status) if status else None,
            app_type=ApplicationType(app_type) if app_type else None,
            county=self._valid(self.county) or None, industry=self._valid(self.industry) or None,
            link_id=int(self._valid(self.link)) if self._valid(self.link) else None,
            q=(self.q.data or "")[:100], sort=self.sort.data if self.sort.data in SORT_KEYS else "submitted",
            descending=(self.dir.data or "desc") != "asc", page=int(page) if page.isdigit() else 1)


def comment_field(label: str, required: bool = False, description: str = "") -> TextAreaField:
    validators = [DataRequired(message=f"请填写{label}。")] if required else []
    return TextAreaField(label, filters=TEXT, validators=validators + [MaxChars(COMMENT_LIMIT)],
                         description=description, render_kw={"rows": 4})


class ReturnForm(BaseForm):
    """退回修改: a required comment for the whole application, and optional comments on particular sections."""

    comment = comment_field("退回修改意见", required=True, description="企业将在申报书顶部看到这条意见。2000字以内。")

    def section_fields(self):
        return [(section, self[f"section_{section.key}"]) for section in SECTIONS]

    def section_comments(self) -> dict[str, str]:
        return {section.key: f.data for section, f in self.section_fields() if (f.data or "").strip()}


for _section in SECTIONS:
    setattr(ReturnForm, f"section_{_section.key}",
            TextAreaField(_section.heading if _section.number else _section.title, filters=TEXT,
                          validators=[MaxChars(SECTION_COMMENT_LIMIT)], render_kw={"rows": 2}))


OPINION_LIMIT = 500


def opinion_field() -> TextAreaField:
    return TextAreaField("推荐意见", filters=TEXT, validators=[DataRequired(message="请填写推荐意见。"),
                                                             MaxChars(OPINION_LIMIT)],
                         description="对该企业（车间）的简要推荐意见，省厅组织专家评审时专家可见。500字以内。",
                         render_kw={"rows": 3})


class RecommendForm(BaseForm):
    """推荐, with the unit's 推荐意见 (named `comment`, as the other decisions' text)."""

    comment = opinion_field()


class OpinionForm(BaseForm):
    """The 推荐意见 of an application already recommended, changed before 报送."""

    opinion = opinion_field()


class LetterScanForm(BaseForm):
    """The stamped scan of the 推荐函, with the 校验码 printed in its footer."""

    fingerprint = StringField("推荐函页脚上的校验码", filters=TEXT, validators=[MaxChars(20)],
                              description="打印的推荐函页脚上印有12位校验码；已预填当前推荐函的校验码，请与纸件核对。")


class RejectForm(BaseForm):
    comment = comment_field("不予推荐理由", description="选填，2000字以内。")


BULK_ACTIONS = [("recommend", "推荐"), ("reject", "不予推荐"), ("return", "退回修改")]


class BulkDecisionForm(BaseForm):
    action = SelectField("对选中的申报书", choices=options([("", "请选择操作")] + BULK_ACTIONS),
                         validators=[DataRequired(message="请选择要执行的操作。")])
    comment = comment_field("意见", description="退回修改时必填；推荐时作为每份申报书的推荐意见，必填；不予推荐时选填。")
    return_to = HiddenField()
    confirmed = HiddenField()          # "1" once the user has seen the affected applications

    #: the checked rows (checkboxes named "ids"), set by the view before validating
    selected: list[int] = []

    def validate_action(self, field):
        if not self.selected:
            raise ValidationError("请先勾选要处理的申报书。")

    def validate_comment(self, field):
        if self.action.data == "return" and not (field.data or "").strip():
            raise ValidationError("退回修改时必须填写意见。")
        if self.action.data == "recommend" and not (field.data or "").strip():
            raise ValidationError("推荐时必须填写推荐意见。")
        if self.action.data == "recommend" and len(field.data.strip()) > OPINION_LIMIT:
            raise ValidationError(f"推荐意见不超过{OPINION_LIMIT}字。")


class MoveForm(BaseForm):
    direction = SelectField(choices=options([("up", "上移"), ("down", "下移")]),
                            validators=[DataRequired(message="未知的操作。")])


class PositionForm(BaseForm):
    position = IntegerField("序号", validators=[InputRequired(message="请输入序号。"),
                                              NumberRange(min=1, max=9999, message="请输入1及以上的序号。")])


class FillDateForm(BaseForm):
    fill_date = DateField("填报日期", validators=[DataRequired(message="请选择填报日期。")])


class SubmitReportForm(BaseForm):
    confirm_undecided = BooleanField("我已知晓仍有未处理的申报书，确认报送", validators=[Optional()])
    confirmed = HiddenField()          # "1" once the user has seen the list as it will be sent


class ReturnReportForm(BaseForm):
    comment = comment_field("退回意见", required=True)
