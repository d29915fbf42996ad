"""Forms of 认定 and after: the recognition document, a revocation, the public verification code, a 复核."""
from wtforms import DateField, FileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, strip_filter
from webapp.recognition.codes import DOCUMENT_NO_HINT, clean_document_no

TEXT = [strip_filter]


class DocumentNumber:
    """A 文号 of the form 湘工信XX〔YYYY〕N号 (other brackets and full-width digits forgiven)."""

    def __call__(self, form, field):
        if field.data:
            try:
                field.data = clean_document_no(field.data)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None


class RecordForm(BaseForm):
    document_no = StringField("认定文号", filters=TEXT, description=DOCUMENT_NO_HINT,
                              validators=[DataRequired("请填写认定文号。"), MaxChars(60), DocumentNumber()])
    document_date = DateField("认定文件日期", validators=[DataRequired("请填写认定文件的日期。")])


class RevokeForm(BaseForm):
    document_no = StringField("撤销文号", filters=TEXT, description=DOCUMENT_NO_HINT,
                              validators=[DataRequired("请填写撤销文件的文号。"), MaxChars(60), DocumentNumber()])
    revoked_on = DateField("撤销日期", validators=[DataRequired("请填写撤销日期。")])
    reason = TextAreaField("撤销原因", filters=TEXT, render_kw={"rows": 3},
                           validators=[DataRequired("请填写撤销原因。"), MaxChars(500)])


class VerifyForm(BaseForm):
    class Meta:
        csrf = False

    code = StringField("证书验证码", filters=TEXT, validators=[Optional(), MaxChars(40)],
                       description="证书右下方的10位验证码，如 7KQ2M-XH9PA（不区分大小写）。")


class PriorImportForm(BaseForm):
    file = FileField("往年认定名单（Excel）")


class RecheckReportForm(BaseForm):
    report = TextAreaField("复核报告", filters=TEXT, render_kw={"rows": 12},
                           description="认定以来智能制造水平的保持和提升情况、主要指标变化、存在问题和下一步计划。",
                           validators=[MaxChars(5000)])


class OpinionForm(BaseForm):
    opinion = TextAreaField("意见", filters=TEXT, render_kw={"rows": 3},
                            validators=[DataRequired("请填写意见。"), MaxChars(1000)])


class ConclusionForm(BaseForm):
    comment = TextAreaField("复核意见", filters=TEXT, render_kw={"rows": 3}, validators=[MaxChars(1000)],
                            description="复核不通过时必须填写理由。")


class ConfirmForm(BaseForm):
    """A bare POST button: carries CSRF only."""
