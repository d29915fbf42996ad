"""三、智能制造实施内容: add, remove and reorder 环节 and 场景 blocks, save one 场景 block at a time.

Every change goes through the section's version (claim_section), carried as a hidden `version` in every form of the
section. A successful HTMX change answers with the changed block and, out of band, the new version for every form of
the section, the counts and the section list: the page then again shows one consistent state at one version, so the
user's next save (of any block) is not taken for someone else's. Any answer that is not a successful change keeps
the version the user posted, so a stale page stays stale until it is reloaded and nothing is ever overwritten
unseen. Requests of the section are queued one after another (hx-sync on the section), so a second click never
leaves with the version from before the first one's answer.

Without JavaScript each form is a plain POST answered with 303 back to the block, or with the page (errors in place).
"""
from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.applications.lifecycle import SaveConflict, claim_section, is_editable, load_contents, section_version
from webapp.core.extensions import begin_writes, db, finish_writes, reads_first
from webapp.forms.applications.implementation import OWN, AddLinkForm, AddScenarioForm, ScenarioForm
from webapp.core.htmx import is_htmx, render_page_or_block
from webapp.applications.implementation import (
    SECTION_KEY, ImplementationError, add_link, add_scenario, available_links, available_scenarios, filled_count,
    move_link, move_scenario, remove_link, remove_scenario, save_scenario, summary,
)
from webapp.models import Application, ApplicationLink, ApplicationScenario, Role
from webapp.permissions import get_application_or_404, roles_required
from webapp.applications.sections import SECTION_BY_KEY
from webapp.core.timeutil import fmt, utcnow
from webapp.applications.views.editor import editor_context

bp = Blueprint("implementation", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)
MACROS = "_macros/implementation.html"
CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一 (the form numbers 环节 （一）（二）…)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class Notice:
    kind: str            # saved | conflict | error
    text: str
    reload: bool = False  # offer "载入最新内容"


@dataclass
class Editor:
    """What the section's templates need beyond the application: the forms of each block (fresh from the database,
    or the posted ones with their errors), notices per block, the version each form carries, where to put focus."""

    application: Application
    version: int = field(init=False)                         # the section's version in the database
    scenario_forms: dict = field(default_factory=dict)       # ApplicationScenario.id → posted ScenarioForm
    add_scenario_forms: dict = field(default_factory=dict)   # ApplicationLink.id → posted AddScenarioForm
    posted_add_link: AddLinkForm | None = None
    notices: dict = field(default_factory=dict)              # DOM id of a block or form → Notice
    versions: dict = field(default_factory=dict)             # DOM id → the (posted) version that form keeps
    alert: Notice | None = None                              # for the whole section
    lost_values: dict | None = None                          # posted values of a block that no longer exists
    focus: str = ""                                          # id of the element to focus after a swap
    open_block: str = ""                                     # DOM id of a 场景 block to show open (after a save)

    def __post_init__(self):
        load_contents(self.application, guide=True)      # the blocks and the guide's choices, in a few queries
        self.version = section_version(self.application, SECTION_KEY).version

    @property
    def summary(self):
        return summary(self.application, self.application.campaign)

    def version_for(self, dom_id: str) -> int:
        return self.versions.get(dom_id, self.version)

    def scenario_form(self, app_scenario: ApplicationScenario) -> ScenarioForm:
        form = self.scenario_forms.get(app_scenario.id)
        return form or ScenarioForm(formdata=None, obj=app_scenario, prefix=f"scenario-{app_scenario.id}")

    def add_scenario_form(self, app_link: ApplicationLink) -> AddScenarioForm:
        form = self.add_scenario_forms.get(app_link.id)
        return form or AddScenarioForm(formdata=None, prefix=f"add-scenario-{app_link.id}")

    def add_link_form(self) -> AddLinkForm:
        return self.posted_add_link or AddLinkForm(formdata=None, prefix="add-link")

    def link_groups(self) -> list[tuple[str, list]]:
        """The 环节 still available, grouped by 方面, for the add-link select."""
        groups: dict[str, list] = {}
        for link in available_links(self.application):
            groups.setdefault(link.area.name, []).append(link)
        return list(groups.items())

    def scenario_options(self, app_link: ApplicationLink) -> list:
        return available_scenarios(self.application, app_link)

    def link_number(self, app_link: ApplicationLink) -> int:
        return self.application.links.index(app_link) + 1

    def scenario_number(self, app_scenario: ApplicationScenario) -> int:
        return app_scenario.app_link.scenarios.index(app_scenario) + 1

    chinese = staticmethod(chinese_number)
    filled = staticmethod(filled_count)
    OWN = OWN

    def notice(self, dom_id: str) -> Notice | None:
        return self.notices.get(dom_id)

    def is_open(self, app_scenario: ApplicationScenario) -> bool:
        """A 场景 block shows its form while it is incomplete or being worked on; complete ones fold up."""
        dom_id = f"scenario-{app_scenario.id}"
        filled, required = filled_count(app_scenario)
        return (filled < required or app_scenario.id in self.scenario_forms or dom_id in self.notices
                or dom_id == self.open_block or self.focus in (f"{dom_id}-name", f"{dom_id}-description"))


@bp.app_template_global("implementation_editor")
def implementation_editor(application: Application, open_block: str | None = None) -> Editor:
    """The editor state of the section straight from the database (what a GET of the section shows)."""
    return Editor(application, open_block=open_block or "")


GONE_MESSAGE = ("此部分已在您打开页面之后被修改，您操作的环节或场景已不存在（可能已被他人删除）。"
                "您这次的操作没有执行。")


# ---- loading ----

class BlockGone(Exception):
    """The block is not (or no longer) in this application, and the page that asked is out of date."""

    def __init__(self, application: Application, dom_id: str, lost_values: dict | None = None):
        super().__init__(dom_id)
        self.application, self.dom_id, self.lost_values = application, dom_id, lost_values


def _posted_version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return -1


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
    abort(404)


def _offset(direction: str) -> int:
    if direction not in ("up", "down"):
        abort(404)
    return -1 if direction == "up" else 1


# ---- rendering ----

def _macro(name: str, *args) -> str:
    return str(get_template_attribute(MACROS, name)(*args))


def _section_context(application: Application) -> dict:
    """What the section page's template needs (as application.edit_section gives it)."""
    return editor_context(application, SECTION_BY_KEY[SECTION_KEY])


def _page(editor: Editor, status: int = 200, headers: dict | None = None):
    """The whole page, or for HTMX the whole section (with the section list out of band)."""
    html = render_page_or_block("applications/edit.html", "section", editor=editor,
                                **_section_context(editor.application))
    return html, status, headers or {}


def _fragment(template: str, editor: Editor, *, changed: bool, status: int = 200, headers: dict | None = None,
              **context):
    """One block. After a change also, out of band: the new version for every form, the counts, the section list."""
    application = editor.application
    html = render_template(template, editor=editor, application=application, editable=is_editable(application),
                           **context)
    if changed:
        html += _macro("out_of_band", editor)
        html += render_template("applications/_sidebar.html", oob=True, **_section_context(application))
    return html, status, headers or {}


def _link_fragment(editor: Editor, app_link: ApplicationLink):
    """A 环节 block after a change of its 场景 (the request came from somewhere inside it)."""
    return _fragment("applications/_link.html", editor, changed=True, app_link=app_link,
                     headers={"HX-Retarget": f"#link-{app_link.id}", "HX-Reswap": "outerHTML"})


def _notice_at(editor: Editor, dom_id: str, notice: Notice, status: int = 409):
    """A change not made. HTMX: the notice goes into the block's message area and nothing else on the page changes
    (text typed but not yet saved in other blocks stays). Without JavaScript: the page, the notice at the block."""
    if is_htmx():
        body = _macro("notice_box", notice, editor.application)
        return body, status, {"HX-Retarget": f"#{dom_id}-msg", "HX-Reswap": "innerHTML"}
    editor.notices[dom_id] = notice
    return _page(editor, status)


@bp.errorhandler(BlockGone)
def block_gone(exc: BlockGone):
    notice = Notice("conflict", GONE_MESSAGE, reload=True)
    if exc.lost_values and is_htmx():
        notice.text += "您填写的内容仍在页面上，请先复制保存，再载入最新内容。"
    editor = Editor(exc.application)
    if is_htmx():
        return _notice_at(editor, exc.dom_id, notice)
    editor.alert, editor.lost_values = notice, exc.lost_values
    return _page(editor, 409)


def _not_editable(application: Application, suffix: str = "") -> Notice | None:
    if is_editable(application, SECTION_KEY):
        return None
    return Notice("error", f"申报书当前状态为“{application.status.label}”，不能修改。{suffix}")


def _claim(application: Application, version: int, *, typed: bool = True) -> Notice | None:
    """Claim the section version for a change; a Notice if the page is out of date (someone changed the section
    since). None: the caller makes the change and commits. `typed`: the request carried text the user typed (its
    form is shown again with it); else it was a button (add, move, remove) and the notice says so."""
    try:
        claim_section(application, SECTION_KEY, version, current_user)
    except SaveConflict as exc:          # claim_section has rolled the session back
        text = str(exc)
        if not typed:
            who_and_when = text.split("。")[0]
            text = (f"{who_and_when}。为避免覆盖他人的修改，您这次的操作没有执行。"
                    "如有正在填写但尚未保存的内容，请先复制，再点击“载入最新内容”后重试。")
        return Notice("conflict", text, reload=True)
    return None


def _done(application: Application, anchor: str, message: str = "", open_block: str = ""):
    """Without JavaScript: back to the block (post/redirect/get)."""
    if message:
        flash(message, "success")
    url = url_for("application.edit_section", application_id=application.id, key=SECTION_KEY,
                  **({"open": open_block} if open_block else {}))
    return redirect(f"{url}#{anchor}", code=303)


def _move_focus(dom_id: str, direction: str, item, siblings) -> str:
    """Keep keyboard focus on the moved block's button; at an end, on the other one."""
    index = siblings.index(item)
    at_end = index == 0 if direction == "up" else index == len(siblings) - 1
    other = "down" if direction == "up" else "up"
    return f"{dom_id}-{other if at_end else direction}"


# ---- 环节 ----

@bp.post("/<int:application_id>/links")
@reads_first
@applicant_only
def add_link_block(application_id):
    application = get_application_or_404(application_id)
    version = _posted_version()
    form = AddLinkForm(prefix="add-link")
    editor = Editor(application, posted_add_link=form, versions={"add-link": version})

    def again(notice=None, status=200):
        if notice:
            editor.notices["add-link"] = notice
        if is_htmx():
            return _macro("add_link_form", editor), status
        return _page(editor, status)

    begin_writes()                          # the editor was read without the lock; checks below on current data
    refusal = _not_editable(application)
    if refusal:
        return again(refusal, 409)
    if not form.validate():
        return again()
    refusal = _claim(application, version, typed=False)
    if refusal:
        return again(refusal, 409)
    try:
        app_link = add_link(application, form.link_id)
    except ImplementationError as exc:
        db.session.rollback()
        form.link.errors = [str(exc)]
        return again()
    finish_writes()
    if not is_htmx():
        return _done(application, f"link-{app_link.id}", f"已添加环节“{app_link.link.name}”，请继续添加其场景。")
    fresh = Editor(application, focus=f"add-scenario-{app_link.id}-scenario")
    return _page(fresh, headers={"HX-Retarget": "#implementation-editor", "HX-Reswap": "outerHTML"})


@bp.post("/<int:application_id>/links/<int:block_id>/remove")
@applicant_only
def remove_link_block(application_id, block_id):
    application = get_application_or_404(application_id)
    version = _posted_version()
    app_link = _find(application, ApplicationLink, block_id, version)
    dom_id = f"link-{block_id}"
    refusal = _not_editable(application) or _claim(application, version, typed=False)
    if refusal:
        return _notice_at(Editor(application, versions={dom_id: version}), dom_id, refusal)
    name = app_link.link.name
    remove_link(application, app_link)
    finish_writes()
    if not is_htmx():
        return _done(application, "links", f"已删除环节“{name}”及其场景。")
    return _page(Editor(application))


@bp.post("/<int:application_id>/links/<int:block_id>/move/<direction>")
@applicant_only
def move_link_block(application_id, block_id, direction):
    offset = _offset(direction)
    application = get_application_or_404(application_id)
    version = _posted_version()
    app_link = _find(application, ApplicationLink, block_id, version)
    dom_id = f"link-{block_id}"
    refusal = _not_editable(application) or _claim(application, version, typed=False)
    if refusal:
        return _notice_at(Editor(application, versions={dom_id: version}), dom_id, refusal)
    move_link(application, app_link, offset)
    finish_writes()
    if not is_htmx():
        return _done(application, dom_id)
    return _page(Editor(application, focus=_move_focus(dom_id, direction, app_link, application.links)))


# ---- 场景 ----

@bp.post("/<int:application_id>/links/<int:block_id>/scenarios")
@reads_first
@applicant_only
def add_scenario_block(application_id, block_id):
    application = get_application_or_404(application_id)
    version = _posted_version()
    app_link = _find(application, ApplicationLink, block_id, version)
    form_id = f"add-scenario-{block_id}"
    form = AddScenarioForm(prefix=form_id)
    editor = Editor(application, add_scenario_forms={app_link.id: form}, versions={form_id: version})

    def again(notice=None, status=200):
        if notice:
            editor.notices[form_id] = notice
        if is_htmx():
            return _macro("add_scenario_form", editor, app_link), status
        return _page(editor, status)

    begin_writes()                          # the editor was read without the lock; checks below on current data
    refusal = _not_editable(application)
    if refusal:
        return again(refusal, 409)
    if not form.validate():
        return again()
    refusal = _claim(application, version, typed=False)
    if refusal:
        return again(refusal, 409)
    own_name = form.own_name.data if form.scenario.data in ("", OWN) else None
    try:
        app_scenario = add_scenario(application, app_link, form.scenario_id, own_name)
    except ImplementationError as exc:
        db.session.rollback()
        (form.scenario if exc.field == "scenario" else form.own_name).errors = [str(exc)]
        return again()
    finish_writes()
    dom_id = f"scenario-{app_scenario.id}"
    if not is_htmx():
        return _done(application, dom_id, f"已添加场景“{app_scenario.name}”，请填写其内容。")
    focus = f"{dom_id}-description" if app_scenario.scenario_id else f"{dom_id}-name"
    return _link_fragment(Editor(application, focus=focus), app_link)


@bp.post("/<int:application_id>/scenarios/<int:block_id>")
@reads_first
@applicant_only
def save_scenario_block(application_id, block_id):
    application = get_application_or_404(application_id)
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
            return _fragment("applications/_scenario.html", editor, changed=False, status=status,
                             app_scenario=app_scenario, app_link=app_scenario.app_link)
        return _page(editor, status)

    begin_writes()                          # the editor was read without the lock; checks below on current data
    refusal = _not_editable(application, "您填写的内容仍在表单中。")
    if refusal:
        return again(refusal, 409)
    if form.errors:
        return again()
    refusal = _claim(application, version)
    if refusal:
        return again(refusal, 409)
    try:
        save_scenario(app_scenario, form.values())
    except ImplementationError as exc:
        db.session.rollback()
        form[exc.field].errors = [str(exc)]
        return again()
    finish_writes()
    saved_at = fmt(utcnow(), "%H:%M:%S")
    if not is_htmx():
        return _done(application, dom_id, f"场景“{app_scenario.name or '未命名'}”已保存（{saved_at}）。", dom_id)
    fresh = Editor(application, notices={dom_id: Notice("saved", f"已保存 {saved_at}")})
    return _fragment("applications/_scenario.html", fresh, changed=True, app_scenario=app_scenario,
                     app_link=app_scenario.app_link)


@bp.post("/<int:application_id>/scenarios/<int:block_id>/remove")
@applicant_only
def remove_scenario_block(application_id, block_id):
    application = get_application_or_404(application_id)
    version = _posted_version()
    app_scenario = _find(application, ApplicationScenario, block_id, version)
    dom_id = f"scenario-{block_id}"
    refusal = _not_editable(application) or _claim(application, version, typed=False)
    if refusal:
        return _notice_at(Editor(application, versions={dom_id: version}), dom_id, refusal)
    app_link = app_scenario.app_link
    name = app_scenario.name or "未命名"
    remove_scenario(app_scenario)
    finish_writes()
    if not is_htmx():
        return _done(application, f"link-{app_link.id}", f"已删除场景“{name}”。")
    return _link_fragment(Editor(application), app_link)


@bp.post("/<int:application_id>/scenarios/<int:block_id>/move/<direction>")
@applicant_only
def move_scenario_block(application_id, block_id, direction):
    offset = _offset(direction)
    application = get_application_or_404(application_id)
    version = _posted_version()
    app_scenario = _find(application, ApplicationScenario, block_id, version)
    dom_id = f"scenario-{block_id}"
    refusal = _not_editable(application) or _claim(application, version, typed=False)
    if refusal:
        return _notice_at(Editor(application, versions={dom_id: version}), dom_id, refusal)
    app_link = app_scenario.app_link
    move_scenario(app_scenario, offset)
    finish_writes()
    if not is_htmx():
        return _done(application, dom_id)
    focus = _move_focus(dom_id, direction, app_scenario, app_link.scenarios)
    return _link_fragment(Editor(application, focus=focus), app_link)
