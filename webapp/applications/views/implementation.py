"""三、智能制造实施内容: add, remove and reorder 环节 and 场景 blocks, save one 场景 block at a time.

Every change goes through section_write with the section's version, carried as a hidden `version` in every form of
the section. A successful HTMX change answers with the changed block and, out of band, the new version for every form
of the section, the counts and the section list: the page then again shows one consistent state at one version, so
the user's next save (of any block) is not taken for someone else's. Any answer that is not a successful change keeps
the version the user posted, so a stale page stays stale until it is reloaded and nothing is ever overwritten
unseen. Requests of the section are queued one after another (hx-sync on the section), so a second click never
leaves with the version from before the first one's answer.

Without JavaScript each form is a plain POST answered with 303 back to the block, or with the page (errors in place).
"""
from flask import Blueprint, abort, request
from flask_login import current_user

from webapp.applications.implementation import (
    SECTION_KEY, ImplementationError, add_link, add_scenario, move_link, move_scenario, remove_link, remove_scenario,
    save_scenario,
)
from webapp.applications.implementation_editor import Editor, Notice
from webapp.applications.versions import WriteRefused, posted_version, section_version, section_write
from webapp.applications.views.implementation_render import (
    GONE_MESSAGE, done, fragment, link_fragment, macro, move_focus, not_editable, notice_at, page, refusal_notice,
)
from webapp.core.extensions import db, reads_first
from webapp.core.htmx import is_htmx
from webapp.core.timeutil import fmt, utcnow
from webapp.forms.applications.implementation import OWN, AddLinkForm, AddScenarioForm, ScenarioForm
from webapp.models import Application, ApplicationLink, ApplicationScenario, Role
from webapp.permissions import get_section_application_or_404, refuse_object, roles_required

bp = Blueprint("implementation", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)


class BlockGone(Exception):
    """The block is not (or no longer) in this application, and the page that asked is out of date."""

    def __init__(self, application: Application, dom_id: str, lost_values: dict | None = None):
        super().__init__(dom_id)
        self.application, self.dom_id, self.lost_values = application, dom_id, lost_values


def _posted_version() -> int:
    return posted_version(request.form.get("version") or "x")


def _find(application: Application, model, block_id: int, version: int, lost_values: dict | None = None):
    """The 环节 or 场景 block `block_id` of this application. Missing from a page at the current version it never
    existed there: 404. Missing from an older page it was probably removed by someone else since: say so (409)
    rather than fail silently (HTMX does not swap a 404)."""
    block = db.session.get(model, block_id)
    owner = block and (block.application_id if model is ApplicationLink else block.app_link.application_id)
    if block is not None and owner == application.id:
        return block
    if version != section_version(application, SECTION_KEY).version:
        prefix = "link" if model is ApplicationLink else "scenario"
        raise BlockGone(application, f"{prefix}-{block_id}", lost_values)
    refuse_object("implementation_block", f"{'link' if model is ApplicationLink else 'scenario'}-{block_id}")


def _offset(direction: str) -> int:
    if direction not in ("up", "down"):
        abort(404)
    return -1 if direction == "up" else 1


def _write(application: Application, version: int):
    """The section's one write helper, for this section."""
    return section_write(application, SECTION_KEY, current_user, version)


@bp.errorhandler(BlockGone)
def block_gone(exc: BlockGone):
    notice = Notice("conflict", GONE_MESSAGE, reload=True)
    if exc.lost_values and is_htmx():
        notice.text += "您填写的内容仍在页面上，请先复制保存，再载入最新内容。"
    editor = Editor(exc.application)
    if is_htmx():
        return notice_at(editor, exc.dom_id, notice)
    editor.alert, editor.lost_values = notice, exc.lost_values
    return page(editor, 409)


def _button(application: Application, dom_id: str, version: int, change) -> tuple | None:
    """A button's change (remove, move) of the block `dom_id`: None when made, else the answer with the notice."""
    try:
        with _write(application, version):
            change()
    except WriteRefused as refused:
        return notice_at(Editor(application, versions={dom_id: version}), dom_id,
                         refusal_notice(refused, typed=False))
    return None


# ---- 环节 ----

@bp.post("/<int:application_id>/links")
@reads_first
@applicant_only
def add_link_block(application_id):
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    form = AddLinkForm(prefix="add-link")
    editor = Editor(application, posted_add_link=form, versions={"add-link": version})

    def again(notice=None, status=200):
        if notice:
            editor.notices["add-link"] = notice
        if is_htmx():
            return macro("add_link_form", editor), status
        return page(editor, status)

    if refusal := not_editable(application):
        return again(refusal, 409)
    if not form.validate():
        return again()
    try:
        with _write(application, version):
            app_link = add_link(application, form.link_id)
    except WriteRefused as refused:
        return again(refusal_notice(refused, typed=False), 409)
    except ImplementationError as exc:
        form.link.errors = [str(exc)]
        return again()
    if not is_htmx():
        return done(application, f"link-{app_link.id}", f"已添加环节“{app_link.link.name}”，请继续添加其场景。")
    fresh = Editor(application, focus=f"add-scenario-{app_link.id}-scenario")
    return page(fresh, headers={"HX-Retarget": "#implementation-editor", "HX-Reswap": "outerHTML"})


@bp.post("/<int:application_id>/links/<int:block_id>/remove")
@applicant_only
def remove_link_block(application_id, block_id):
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    app_link = _find(application, ApplicationLink, block_id, version)
    name = app_link.link.name
    refused = _button(application, f"link-{block_id}", version, lambda: remove_link(application, app_link))
    if refused:
        return refused
    if not is_htmx():
        return done(application, "links", f"已删除环节“{name}”及其场景。")
    return page(Editor(application))


@bp.post("/<int:application_id>/links/<int:block_id>/move/<direction>")
@applicant_only
def move_link_block(application_id, block_id, direction):
    offset = _offset(direction)
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    app_link = _find(application, ApplicationLink, block_id, version)
    dom_id = f"link-{block_id}"
    refused = _button(application, dom_id, version, lambda: move_link(application, app_link, offset))
    if refused:
        return refused
    if not is_htmx():
        return done(application, dom_id)
    return page(Editor(application, focus=move_focus(dom_id, direction, app_link, application.links)))


# ---- 场景 ----

@bp.post("/<int:application_id>/links/<int:block_id>/scenarios")
@reads_first
@applicant_only
def add_scenario_block(application_id, block_id):
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    app_link = _find(application, ApplicationLink, block_id, version)
    form_id = f"add-scenario-{block_id}"
    form = AddScenarioForm(prefix=form_id)
    editor = Editor(application, add_scenario_forms={app_link.id: form}, versions={form_id: version})

    def again(notice=None, status=200):
        if notice:
            editor.notices[form_id] = notice
        if is_htmx():
            return macro("add_scenario_form", editor, app_link), status
        return page(editor, status)

    if refusal := not_editable(application):
        return again(refusal, 409)
    if not form.validate():
        return again()
    own_name = form.own_name.data if form.scenario.data in ("", OWN) else None
    try:
        with _write(application, version):
            app_scenario = add_scenario(application, app_link, form.scenario_id, own_name)
    except WriteRefused as refused:
        return again(refusal_notice(refused, typed=False), 409)
    except ImplementationError as exc:
        (form.scenario if exc.field == "scenario" else form.own_name).errors = [str(exc)]
        return again()
    dom_id = f"scenario-{app_scenario.id}"
    if not is_htmx():
        return done(application, dom_id, f"已添加场景“{app_scenario.name}”，请填写其内容。")
    focus = f"{dom_id}-description" if app_scenario.scenario_id else f"{dom_id}-name"
    return link_fragment(Editor(application, focus=focus), app_link)


@bp.post("/<int:application_id>/scenarios/<int:block_id>")
@reads_first
@applicant_only
def save_scenario_block(application_id, block_id):
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    dom_id = f"scenario-{block_id}"
    form = ScenarioForm(prefix=dom_id)
    form.validate()
    lost = {form[c].label.text: value for c, value in form.values().items() if value}
    app_scenario = _find(application, ApplicationScenario, block_id, version, lost)
    editor = Editor(application, scenario_forms={block_id: form}, versions={dom_id: version})

    def again(notice=None, status=200):
        if notice:
            editor.notices[dom_id] = notice
        if is_htmx():
            return fragment("applications/_scenario.html", editor, changed=False, status=status,
                            app_scenario=app_scenario, app_link=app_scenario.app_link)
        return page(editor, status)

    kept = "您填写的内容仍在表单中。"
    if refusal := not_editable(application, kept):
        return again(refusal, 409)
    if form.errors:
        return again()
    try:
        with _write(application, version):
            save_scenario(app_scenario, form.values())
    except WriteRefused as refused:
        return again(refusal_notice(refused, suffix=kept), 409)
    except ImplementationError as exc:
        form[exc.field].errors = [str(exc)]
        return again()
    saved_at = fmt(utcnow(), "%H:%M:%S")
    if not is_htmx():
        return done(application, dom_id, f"场景“{app_scenario.name or '未命名'}”已保存（{saved_at}）。", dom_id)
    fresh = Editor(application, notices={dom_id: Notice("saved", f"已保存 {saved_at}")})
    return fragment("applications/_scenario.html", fresh, changed=True, app_scenario=app_scenario,
                    app_link=app_scenario.app_link)


@bp.post("/<int:application_id>/scenarios/<int:block_id>/remove")
@applicant_only
def remove_scenario_block(application_id, block_id):
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    app_scenario = _find(application, ApplicationScenario, block_id, version)
    app_link, name = app_scenario.app_link, app_scenario.name or "未命名"
    refused = _button(application, f"scenario-{block_id}", version, lambda: remove_scenario(app_scenario))
    if refused:
        return refused
    if not is_htmx():
        return done(application, f"link-{app_link.id}", f"已删除场景“{name}”。")
    return link_fragment(Editor(application), app_link)


@bp.post("/<int:application_id>/scenarios/<int:block_id>/move/<direction>")
@applicant_only
def move_scenario_block(application_id, block_id, direction):
    offset = _offset(direction)
    application = get_section_application_or_404(application_id, SECTION_KEY)
    version = _posted_version()
    app_scenario = _find(application, ApplicationScenario, block_id, version)
    dom_id = f"scenario-{block_id}"
    app_link = app_scenario.app_link
    refused = _button(application, dom_id, version, lambda: move_scenario(app_scenario, offset))
    if refused:
        return refused
    if not is_htmx():
        return done(application, dom_id)
    focus = move_focus(dom_id, direction, app_scenario, app_link.scenarios)
    return link_fragment(Editor(application, focus=focus), app_link)
