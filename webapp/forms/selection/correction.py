"""The enterprise's 补正 submission: an optional note for the province."""
from wtforms import TextAreaField

from webapp.forms.base import BaseForm
from webapp.forms.fields import MaxChars, strip_filter


class CorrectionReplyForm(BaseForm):
    reply = TextAreaField("补正说明（选填）", filters=[strip_filter], validators=[MaxChars(1000)],
                          description="向省工信厅说明本次补正的内容，1000字以内。", render_kw={"rows": 3})
