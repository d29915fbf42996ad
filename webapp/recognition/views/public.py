"""The public verification page (no login): /verify shows a form, /verify/<code> the certificate as recorded and its
status, or one plain 未找到 page (same status code) for an unknown and a malformed code alike."""
from flask import Blueprint, redirect, render_template, request, url_for

from webapp.audit.trail import client_ip
from webapp.core.extensions import db
from webapp.forms.recognition import VerifyForm
from webapp.permissions import public
from webapp.recognition.codes import display_code, normalize_code
from webapp.recognition.verification import look_up

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.get("")
@public
def form():
    verify_form = VerifyForm(request.args)
    if verify_form.code.data:
        code = normalize_code(verify_form.code.data) or "0"       # a malformed code ends on the same 未找到 page
        return redirect(url_for(".show", code=code), code=303)
    return render_template("recognition/verify_form.html", form=verify_form)


@bp.get("/<code>")
@public
def show(code):
    lookup = look_up(code[:40], client_ip() or "")
    db.session.commit()
    response_headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if lookup.throttled:
        return render_template("recognition/verify_result.html", certificate=None, throttled=True,
                               form=VerifyForm(formdata=None)), 429, response_headers
    if lookup.certificate is None:
        return render_template("recognition/verify_result.html", certificate=None, throttled=False,
                               form=VerifyForm(formdata=None)), 404, response_headers
    return render_template("recognition/verify_result.html", certificate=lookup.certificate,
                           code=display_code(lookup.certificate.code), form=VerifyForm(formdata=None)), \
        200, response_headers
