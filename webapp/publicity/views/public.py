"""The public 公示 pages, without login: the list of 公示 (open and past), a 公示's notice and list (reached by its
unguessable token; kept readable after the period), the notice as a Word file, and the 实名异议 form (during the
period only; a server-drawn captcha, a per-address limit; works without JavaScript). An unknown token and a malformed
one get the same plain 404; nothing but the published list is shown (no application ids, no objector's data)."""
import re

from flask import Blueprint, abort, render_template, request
from sqlalchemy.orm import selectinload

from webapp.accounts import captcha
from webapp.audit.trail import client_ip
from webapp.core.downloads import DOCX, send_bytes
from webapp.core.extensions import db
from webapp.core.security_headers import accepts_uploads
from webapp.core.timeutil import local_today
from webapp.forms.publicity import ObjectionForm
from webapp.models import Publicity
from webapp.permissions import public
from webapp.publicity.documents import notice_data, notice_docx
from webapp.publicity.objections import ObjectionError, ObjectionValues, admission_refusal, file_objection
from webapp.publicity.events import period_text
from webapp.publicity.opening import listed
from webapp.publicity.period import has_ended, is_running

bp = Blueprint("gongshi", __name__, url_prefix="/gongshi")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _publicity(token: str) -> Publicity:
    if not TOKEN.match(token or ""):
        abort(404)
    found = db.session.execute(db.select(Publicity).filter_by(token=token)).scalar_one_or_none()
    if found is None or found.starts_on > local_today():
        abort(404)                      # not published yet: as unknown
    return found


@bp.get("/")
@public
def index():
    rows = db.session.execute(db.select(Publicity).options(selectinload(Publicity.campaign))
                              .where(Publicity.starts_on <= local_today()).order_by(Publicity.starts_on.desc())
                              ).scalars().all()
    return render_template("publicity/public_index.html", publicities=rows, running=is_running)


@bp.get("/<token>")
@public
def page(token):
    publicity = _publicity(token)
    return render_template("publicity/public_page.html", publicity=publicity, data=notice_data(publicity),
                           running=is_running(publicity), ended=has_ended(publicity), period=period_text(publicity))


@bp.get("/<token>/notice.docx")
@public
def notice(token):
    data, name = notice_docx(_publicity(token))
    return send_bytes(data, name, DOCX, fallback="notice")


def _form_page(publicity, form, status=200, error=None):
    form.position.choices = [(e.position, f"{e.position}. {e.company_name}"
                              + (f"（{e.workshop_name}）" if e.workshop_name else "")) for e in listed(publicity)]
    form.captcha.data = ""
    form.captcha_token.data = captcha.new_token()
    return render_template("publicity/public_objection.html", publicity=publicity, form=form, error=error,
                           running=is_running(publicity), ended=has_ended(publicity),
                           period=period_text(publicity)), status


@bp.get("/<token>/objection")
@public
def objection_form(token):
    publicity = _publicity(token)
    return _form_page(publicity, ObjectionForm(formdata=None, position=request.args.get("line", type=int)))


@bp.post("/<token>/objection")
@public
@accepts_uploads
def objection(token):
    publicity = _publicity(token)
    form = ObjectionForm()
    valid = form.validate()
    refusal = admission_refusal(publicity, client_ip(), form.captcha_token.data, form.captcha.data)
    db.session.commit()                 # the address's count and the used captcha stay, whatever follows
    if refusal:
        return _form_page(publicity, form, 429 if "次数过多" in refusal else 422, refusal)
    if not valid:
        return _form_page(publicity, form, 422)
    values = ObjectionValues(form.position.data, form.name.data, form.employer.data, form.phone.data,
                             form.grounds.data, [(f.stream, f.filename) for f in request.files.getlist("files")])
    try:
        filed = file_objection(publicity, values, client_ip())
    except ObjectionError as exc:
        db.session.rollback()
        if exc.field and exc.field in form:
            form[exc.field].errors = [*form[exc.field].errors, str(exc)]
        return _form_page(publicity, form, 422, None if exc.field else str(exc))
    db.session.commit()
    return render_template("publicity/public_received.html", publicity=publicity, reference=filed.reference)
