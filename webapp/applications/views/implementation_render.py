"""Rendering the 三、智能制造实施内容 editor's answers: the whole page or section, one block with its out-of-band
updates, a notice at a block, the redirect of a plain POST. Used by the implementation views (no routes here)."""
from flask import flash, get_template_attribute, redirect, render_template, url_for

from webapp.applications.editor import editor_context
from webapp.applications.implementation import SECTION_KEY
from webapp.applications.implementation_editor import Editor, Notice
from webapp.applications.sections import SECTION_BY_KEY
from webapp.applications.versions import NotEditable, SaveConflict, WriteRefused
from webapp.core.htmx import is_htmx, render_page_or_block
from webapp.models import Application, ApplicationLink
from webapp.status import is_editable

MACROS = "_macros/implementation.html"
GONE_MESSAGE = ("此部分已在您打开页面之后被修改，您操作的环节或场景已不存在（可能已被他人删除）。"
                "您这次的操作没有执行。")


def macro(name: str, *args) -> str:
    return str(get_template_attribute(MACROS, name)(*args))


def _section_context(editor: Editor) -> dict:
    """What the section page's template needs (as the editor's section page gives it), with this editor state."""
    return editor_context(editor.application, SECTION_BY_KEY[SECTION_KEY], editor=editor)


def page(editor: Editor, status: int = 200, headers: dict | None = None):
    """The whole page, or for HTMX the whole section (with the section list out of band)."""
    html = render_page_or_block("applications/edit.html", "section", **_section_context(editor))
    return html, status, headers or {}


def fragment(template: str, editor: Editor, *, changed: bool, status: int = 200, headers: dict | None = None,
             **context):
    """One block. After a change also, out of band: the new version for every form, the counts, the section list."""
    application = editor.application
    html = render_template(template, editor=editor, application=application, editable=is_editable(application, SECTION_KEY),
                           **context)
    if changed:
        html += macro("out_of_band", editor)
        html += render_template("applications/_sidebar.html", oob=True, **_section_context(editor))
    return html, status, headers or {}


def link_fragment(editor: Editor, app_link: ApplicationLink):
    """A 环节 block after a change of its 场景 (the request came from somewhere inside it)."""
    return fragment("applications/_link.html", editor, changed=True, app_link=app_link,
                    headers={"HX-Retarget": f"#link-{app_link.id}", "HX-Reswap": "outerHTML"})


def notice_at(editor: Editor, dom_id: str, notice: Notice, status: int = 409):
    """A change not made. HTMX: the notice goes into the block's message area and nothing else on the page changes
    (text typed but not yet saved in other blocks stays). Without JavaScript: the page, the notice at the block."""
    if is_htmx():
        body = macro("notice_box", notice, editor.application)
        return body, status, {"HX-Retarget": f"#{dom_id}-msg", "HX-Reswap": "innerHTML"}
    editor.notices[dom_id] = notice
    return page(editor, status)


def not_editable(application: Application, suffix: str = "") -> Notice | None:
    """A quick check before the write lock (section_write checks again on current data)."""
    return None if is_editable(application, SECTION_KEY) else Notice("error", str(NotEditable(application, suffix)))


def refusal_notice(refused: WriteRefused, *, typed: bool = True, suffix: str = "") -> Notice:
    """The notice for a write that section_write refused. `typed`: the request carried text the user typed (its form
    is shown again with it); else it was a button (add, move, remove) and the notice says so."""
    if not isinstance(refused, SaveConflict):
        return Notice("error", str(refused) + suffix)
    text = str(refused)
    if not typed:
        who_and_when = text.split("。")[0]
        text = (f"{who_and_when}。为避免覆盖他人的修改，您这次的操作没有执行。"
                "如有正在填写但尚未保存的内容，请先复制，再点击“载入最新内容”后重试。")
    return Notice("conflict", text, reload=True)


def done(application: Application, anchor: str, message: str = "", open_block: str = ""):
    """Without JavaScript: back to the block (post/redirect/get)."""
    if message:
        flash(message, "success")
    url = url_for("application.edit_section", application_id=application.id, key=SECTION_KEY,
                  **({"open": open_block} if open_block else {}))
    return redirect(f"{url}#{anchor}", code=303)


def move_focus(dom_id: str, direction: str, item, siblings) -> str:
    """Keep keyboard focus on the moved block's button; at an end, on the other one."""
    index = siblings.index(item)
    at_end = index == 0 if direction == "up" else index == len(siblings) - 1
    other = "down" if direction == "up" else "up"
    return f"{dom_id}-{other if at_end else direction}"
