"""三、智能制造实施内容: 环节 and 场景 blocks added, removed, reordered and saved, with and without JavaScript;
limits, uniqueness, access, the section version check and the completeness check."""
import re

import pytest

from webapp.core.extensions import db
from webapp.applications.implementation import SCENARIO_FIELDS, SECTION_KEY
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus, Attachment, Link, Scenario, SectionVersion,
)
from webapp.applications.completeness import report_for
from webapp.applications.sections import SECTION_BY_KEY

from tests.conftest import PASSWORD, text as html_text

HX = {"HX-Request": "true"}
LIMITS = {column: limit for column, _label, limit, _required in SCENARIO_FIELDS}
FILLED = {
    "name": "智能在线检测",
    "description": "在机加工线末端部署机器视觉检测站，对壳体关键尺寸和表面缺陷进行在线检测。",
    "pain_points": "人工抽检漏检率高，质量问题发现滞后。",
    "solution": "部署 3 套视觉检测系统（供应商：长沙某视觉科技有限公司），检测数据实时上传质量管理系统。",
    "safeguards": "成立质量数字化小组，制定在线检测作业标准。",
    "results": "检测效率提升 60%，漏检率由 2% 降至 0.2%。",
    "other": "",
}


# ---- helpers: everything through the HTTP endpoints, as a browser does ----

def text(response) -> str:
    """What a reader sees: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html_text(response)))


def start(client) -> int:
    response = client.post("/applications/start")
    assert response.status_code == 303
    return int(re.search(r"/applications/(\d+)/", response.location).group(1))


def section_url(application_id: int) -> str:
    return f"/applications/{application_id}/sections/{SECTION_KEY}"


def page_version(client, application_id: int) -> int:
    """The version the section page hands out (every form of the section carries it)."""
    html = client.get(section_url(application_id)).get_data(as_text=True)
    versions = set(re.findall(r'name="version" value="(-?\d+)"', html))
    assert len(versions) == 1, versions
    return int(versions.pop())


def link_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(Link.id).filter_by(name=name)).scalar_one()


def scenario_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(Scenario.id).filter_by(name=name)).scalar_one()


def blocks(app, application_id: int) -> list[tuple[str, int, list[tuple[str | None, int]]]]:
    """[(环节 name, position, [(场景 name, position), ...]), ...] in display order."""
    with app.app_context():
        application = db.session.get(Application, application_id)
        return [(l.link.name, l.position, [(s.name, s.position) for s in l.scenarios]) for l in application.links]


def link_block_id(app, application_id: int, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(ApplicationLink.id).join(Link).filter(
            ApplicationLink.application_id == application_id, Link.name == name)).scalar_one()


def scenario_block_id(app, application_id: int, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(ApplicationScenario.id).join(ApplicationLink).filter(
            ApplicationLink.application_id == application_id, ApplicationScenario.name == name)).scalar_one()


class Editor:
    """An applicant's client on one application, keeping the version its page carries (as the forms would)."""

    def __init__(self, app, client, application_id):
        self.app, self.client, self.id = app, client, application_id
        self.version = page_version(client, application_id)

    def post(self, path: str, data: dict | None = None, htmx: bool = False, version: int | None = None):
        data = dict(data or {})
        data.setdefault("version", str(self.version if version is None else version))
        response = self.client.post(f"/applications/{self.id}{path}", data=data, headers=HX if htmx else {})
        if response.status_code in (200, 303):
            found = re.findall(r'name="version" value="(\d+)" class="impl-version" hx-swap-oob', response.get_data(
                as_text=True))
            if found:
                self.version = int(found[0])
            elif response.status_code == 303 or (htmx and 'id="implementation-editor"' in response.get_data(
                    as_text=True)):
                self.version = stored_version(self.app, self.id)   # what the reloaded page would carry
        return response

    def add_link(self, name: str, **kw):
        return self.post("/links", {"add-link-link": str(link_id(self.app, name))}, **kw)

    def add_scenario(self, link_name: str, scenario: str | None = None, own: str | None = None, **kw):
        block = link_block_id(self.app, self.id, link_name)
        data = {f"add-scenario-{block}-scenario": str(scenario_id(self.app, scenario)) if scenario else "own",
                f"add-scenario-{block}-own_name": own or ""}
        return self.post(f"/links/{block}/scenarios", data, **kw)

    def save(self, scenario_name: str, values: dict, **kw):
        block = scenario_block_id(self.app, self.id, scenario_name)
        return self.post(f"/scenarios/{block}", {f"scenario-{block}-{k}": v for k, v in values.items()}, **kw)


@pytest.fixture
def editor(app, login_as):
    client = login_as("applicant")
    return Editor(app, client, start(client))


def stored_scenario(app, block_id: int) -> dict:
    with app.app_context():
        s = db.session.get(ApplicationScenario, block_id)
        return {column: getattr(s, column) for column in LIMITS}


def stored_version(app, application_id: int) -> int:
    with app.app_context():
        return db.session.execute(db.select(SectionVersion.version).filter_by(
            application_id=application_id, section=SECTION_KEY)).scalar_one()


# ---- 环节 ----

def test_empty_section_shows_counts_and_the_add_form(editor):
    response = editor.client.get(section_url(editor.id))
    page = text(response)
    assert "已添加 0 个环节、0 个场景" in page
    assert "标杆企业至少 8 个环节、10 个场景" in page and "标杆车间至少 4 个环节、5 个场景" in page
    page = html_text(response)
    assert page.count("<option value=") == 17   # the placeholder and the 16 环节 of the edition
    assert '<optgroup label="生产全过程">' in page


def test_add_link_without_javascript(editor, app):
    response = editor.add_link("生产作业")
    assert response.status_code == 303
    block = link_block_id(app, editor.id, "生产作业")
    assert response.location.endswith(f"{section_url(editor.id)}#link-{block}")
    page = text(editor.client.get(response.location))
    assert "（一）环节1：生产作业" in page and "已添加 1 个环节、0 个场景" in page
    assert blocks(app, editor.id) == [("生产作业", 1, [])]


def test_add_link_with_htmx_returns_the_section(editor, app):
    response = editor.add_link("质量管控", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert response.headers["HX-Retarget"] == "#implementation-editor"
    assert 'id="implementation-editor"' in body and "环节1：质量管控" in body
    assert 'hx-sync="this:queue all"' in body      # one request of the section at a time
    assert 'id="section-nav"' in body and 'hx-swap-oob="true"' in body   # the section list is refreshed
    assert blocks(app, editor.id) == [("质量管控", 1, [])]


@pytest.mark.parametrize("htmx", [False, True])
def test_the_same_link_twice_is_refused(editor, app, htmx):
    editor.add_link("生产作业")
    response = editor.add_link("生产作业", htmx=htmx)
    assert response.status_code == 200
    assert "环节“生产作业”已经添加过，每个环节只能添加一次。" in text(response)
    assert 'aria-describedby="add-link-link-error"' in response.get_data(as_text=True)
    assert blocks(app, editor.id) == [("生产作业", 1, [])]


def test_unknown_link_is_refused(editor, app):
    response = editor.post("/links", {"add-link-link": "999999"})
    assert response.status_code == 200 and "请从列表中选择一个环节。" in text(response)
    response = editor.post("/links", {"add-link-link": ""}, htmx=True)
    assert response.status_code == 200 and "请从列表中选择一个环节。" in text(response)
    assert "<html" not in response.get_data(as_text=True)
    assert blocks(app, editor.id) == []


def test_added_link_is_no_longer_offered_and_shows_in_the_investment_section(editor, app):
    editor.add_link("生产作业")
    editor.add_link("仓储物流")
    page = editor.client.get(section_url(editor.id)).get_data(as_text=True)
    add_form = page[page.index('id="add-link"'):]
    assert "生产作业</option>" not in add_form and "仓储物流</option>" not in add_form
    investment = html_text(editor.client.get(f"/applications/{editor.id}/sections/investment"))
    assert re.search(r"<li>生产作业</li>\s*<li>仓储物流</li>", investment)


@pytest.mark.parametrize("htmx", [False, True])
def test_reorder_and_remove_links(editor, app, htmx):
    for name in ("产品设计", "工艺设计", "质量管控", "生产作业"):
        editor.add_link(name)
    quality = link_block_id(app, editor.id, "质量管控")
    response = editor.post(f"/links/{quality}/move/up", htmx=htmx)
    if htmx:
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in body
        assert re.search(rf'id="link-{quality}-up"[^>]*autofocus', body)   # focus stays on the moved block
    else:
        assert response.status_code == 303 and response.location.endswith(f"#link-{quality}")
    assert [n for n, _p, _s in blocks(app, editor.id)] == ["产品设计", "质量管控", "工艺设计", "生产作业"]
    editor.post(f"/links/{quality}/move/up", htmx=htmx)
    editor.post(f"/links/{quality}/move/up", htmx=htmx)     # already first: nothing changes
    assert [n for n, _p, _s in blocks(app, editor.id)] == ["质量管控", "产品设计", "工艺设计", "生产作业"]
    last = link_block_id(app, editor.id, "生产作业")
    editor.post(f"/links/{last}/move/down", htmx=htmx)      # already last
    response = editor.post(f"/links/{link_block_id(app, editor.id, '产品设计')}/remove", htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    assert blocks(app, editor.id) == [("质量管控", 1, []), ("工艺设计", 2, []), ("生产作业", 3, [])]
    page = text(editor.client.get(section_url(editor.id)))
    assert "（一）环节1：质量管控" in page and "（三）环节3：生产作业" in page


def test_removing_a_link_removes_its_scenarios_and_closes_up(editor, app):
    for name in ("产品设计", "质量管控", "生产作业"):
        editor.add_link(name)
    editor.add_scenario("质量管控", "智能在线检测")
    editor.add_scenario("质量管控", "质量精准追溯")
    editor.post(f"/links/{link_block_id(app, editor.id, '质量管控')}/remove")
    assert blocks(app, editor.id) == [("产品设计", 1, []), ("生产作业", 2, [])]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ApplicationScenario.id))).scalar_one() == 0
    editor.add_scenario("生产作业", "智能协同作业")
    editor.add_link("质量管控")                                # can be added again, its scenarios too
    assert editor.add_scenario("质量管控", "智能在线检测").status_code == 303


# ---- 场景 ----

def test_seeded_scenario_prefills_the_name(editor, app):
    editor.add_link("质量管控")
    response = editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    assert response.status_code == 303 and response.location.endswith(f"#scenario-{block}")
    page = editor.client.get(response.location).get_data(as_text=True)
    assert f'id="scenario-{block}-name"' in page and 'value="智能在线检测"' in page
    assert "部署智能检测装备，融合5G、机器视觉" in page        # the guide's description as help
    with app.app_context():
        assert db.session.get(ApplicationScenario, block).scenario_id == scenario_id(app, "智能在线检测")


def test_add_scenario_with_htmx_returns_the_link_block(editor, app):
    editor.add_link("质量管控")
    response = editor.add_scenario("质量管控", "质量精准追溯", htmx=True)
    body = response.get_data(as_text=True)
    block = link_block_id(app, editor.id, "质量管控")
    assert response.status_code == 200 and "<html" not in body
    assert response.headers["HX-Retarget"] == f"#link-{block}"
    assert body.lstrip().startswith(f'<article class="impl-link" id="link-{block}"')
    assert 'id="impl-summary"' in body and "已添加 1 个环节、1 个场景" in text(response)
    assert re.search(r'id="scenario-\d+-description"[^>]*autofocus', body) or \
        re.search(r'autofocus[^>]*id="scenario-\d+-description"', body)


def test_own_scenario_is_accepted(editor, app):
    editor.add_link("生产作业")
    response = editor.add_scenario("生产作业", own="发动机壳体柔性加工")
    assert response.status_code == 303
    with app.app_context():
        block = db.session.get(ApplicationScenario, scenario_block_id(app, editor.id, "发动机壳体柔性加工"))
        assert block.scenario_id is None
    assert "自定义场景" in text(editor.client.get(section_url(editor.id)))


def test_own_scenario_needs_a_name(editor, app):
    editor.add_link("生产作业")
    response = editor.add_scenario("生产作业", own="  ", htmx=True)
    assert response.status_code == 200 and "请填写自定义场景的名称。" in text(response)
    assert blocks(app, editor.id) == [("生产作业", 1, [])]


def test_seeded_scenario_of_another_link_is_refused(editor, app):
    editor.add_link("生产作业")
    response = editor.add_scenario("生产作业", "智能在线检测")      # a 质量管控 scenario
    assert response.status_code == 200
    assert "典型场景“智能在线检测”不属于环节“生产作业”" in text(response)
    assert blocks(app, editor.id) == [("生产作业", 1, [])]


@pytest.mark.parametrize("htmx", [False, True])
def test_the_same_seeded_scenario_twice_is_refused(editor, app, htmx):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    response = editor.add_scenario("质量管控", "智能在线检测", htmx=htmx)
    assert response.status_code == 200
    assert "典型场景“智能在线检测”已经添加过，每个典型场景只能选择一次。" in text(response)
    assert blocks(app, editor.id) == [("质量管控", 1, [("智能在线检测", 1)])]


def test_chosen_scenario_is_no_longer_offered(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    page = editor.client.get(section_url(editor.id)).get_data(as_text=True)
    form = page[page.index('id="add-scenario-'):]
    assert "智能在线检测</option>" not in form and "质量精准追溯</option>" in form


@pytest.mark.parametrize("htmx", [False, True])
def test_reorder_and_remove_scenarios_keeps_positions_dense(editor, app, htmx):
    editor.add_link("质量管控")
    for name in ("智能在线检测", "质量精准追溯", "产品质量优化"):
        editor.add_scenario("质量管控", name)
    editor.add_scenario("质量管控", own="来料视觉检验")
    optimise = scenario_block_id(app, editor.id, "产品质量优化")
    response = editor.post(f"/scenarios/{optimise}/move/up", htmx=htmx)
    if htmx:
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in body
        assert response.headers["HX-Retarget"] == f"#link-{link_block_id(app, editor.id, '质量管控')}"
    else:
        assert response.status_code == 303 and response.location.endswith(f"#scenario-{optimise}")
    assert blocks(app, editor.id)[0][2] == [("智能在线检测", 1), ("产品质量优化", 2), ("质量精准追溯", 3), ("来料视觉检验", 4)]
    editor.post(f"/scenarios/{scenario_block_id(app, editor.id, '来料视觉检验')}/move/down", htmx=htmx)  # last
    response = editor.post(f"/scenarios/{scenario_block_id(app, editor.id, '智能在线检测')}/remove", htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    editor.post(f"/scenarios/{scenario_block_id(app, editor.id, '质量精准追溯')}/remove", htmx=htmx)
    assert blocks(app, editor.id)[0][2] == [("产品质量优化", 1), ("来料视觉检验", 2)]
    assert "已添加 1 个环节、2 个场景" in text(editor.client.get(section_url(editor.id)))


# ---- saving a 场景 block ----

def test_save_without_javascript_redirects_to_the_block(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    response = editor.save("智能在线检测", FILLED)
    assert response.status_code == 303 and response.location.endswith(f"#scenario-{block}")
    assert "已保存" in text(editor.client.get(response.location))
    assert stored_scenario(app, block) == {**FILLED, "other": None}


def test_save_with_htmx_returns_the_block_and_the_new_version(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    before = editor.version
    response = editor.save("智能在线检测", FILLED, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<article class="impl-scenario" id="scenario-{block}"')
    assert re.search(r"已保存 \d\d:\d\d:\d\d", body)
    assert f'value="{before + 1}" class="impl-version" hx-swap-oob="outerHTML:#implementation-editor .impl-version"' \
        in body
    assert 'id="section-nav"' in body
    assert stored_scenario(app, block)["results"] == FILLED["results"]


def test_consecutive_htmx_saves_of_several_blocks_do_not_conflict(editor, app):
    editor.add_link("质量管控")
    for name in ("智能在线检测", "质量精准追溯", "产品质量优化"):
        editor.add_scenario("质量管控", name)
    editor.add_link("生产作业")
    for name in ("智能在线检测", "质量精准追溯", "产品质量优化"):
        response = editor.save(name, {**FILLED, "name": name}, htmx=True)
        assert response.status_code == 200, text(response)
        assert "已保存" in text(response)
    editor.add_scenario("生产作业", "精益生产管理", htmx=True)
    assert editor.save("精益生产管理", {**FILLED, "name": "精益生产管理"}, htmx=True).status_code == 200


@pytest.mark.parametrize("column", list(LIMITS))
def test_each_item_keeps_its_limit(editor, app, column):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    limit = LIMITS[column]
    response = editor.save("智能在线检测", {**FILLED, column: "字" * (limit + 1)}, htmx=True)
    assert response.status_code == 200
    assert f"超出 1 字（不超过{limit}字，当前{limit + 1}字）" in text(response)
    html = response.get_data(as_text=True)
    assert re.search(rf'aria-describedby="[^"]*scenario-{block}-{column}-error"', html)
    assert f'<ul class="field-errors" id="scenario-{block}-{column}-error">' in html
    assert "maxlength" not in html and f'data-counter="{limit}"' in html        # never cut by the browser
    assert stored_scenario(app, block)[column] == ("智能在线检测" if column == "name" else None)
    response = editor.save("智能在线检测", {**FILLED, column: "  " + "字" * limit + " \n"})
    assert response.status_code == 303
    assert stored_scenario(app, block)[column] == "字" * limit


def test_line_breaks_count_once(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    value = "甲" * 100 + "\r\n" + "乙" * 49                   # 150 characters as the browser counts them
    assert editor.save("智能在线检测", {**FILLED, "description": value}).status_code == 303
    assert stored_scenario(app, block)["description"] == "甲" * 100 + "\n" + "乙" * 49


def test_complete_blocks_fold_up_and_a_saved_one_stays_open(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    editor.add_scenario("质量管控", "质量精准追溯")
    done = scenario_block_id(app, editor.id, "智能在线检测")
    todo = scenario_block_id(app, editor.id, "质量精准追溯")
    response = editor.save("智能在线检测", FILLED)
    assert f"?open=scenario-{done}#scenario-{done}" in response.location

    def is_open(html, block):
        return re.search(rf'id="scenario-{block}".*?<details class="impl-scenario__body" (open)?', html, re.S).group(1)

    html = editor.client.get(response.location).get_data(as_text=True)
    assert is_open(html, done) and is_open(html, todo)
    html = editor.client.get(section_url(editor.id)).get_data(as_text=True)
    assert not is_open(html, done) and is_open(html, todo)     # complete: folded; incomplete: open


def test_a_draft_may_leave_items_empty(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    assert editor.save("智能在线检测", {"name": "智能在线检测", "description": "只写了描述"}).status_code == 303
    assert stored_scenario(app, block)["pain_points"] is None


# ---- the version check ----

@pytest.mark.parametrize("htmx", [False, True])
def test_a_save_on_a_stale_version_is_refused_and_keeps_the_typed_values(app, login_as, htmx):
    first = login_as("applicant")
    application_id = start(first)
    alice = Editor(app, first, application_id)
    alice.add_link("质量管控")
    alice.add_scenario("质量管控", "智能在线检测")
    second = app.test_client()
    second.post("/login", data={"login": first.login_name, "password": PASSWORD})
    bob = Editor(app, second, application_id)                 # both have the page open at the same version
    block = scenario_block_id(app, application_id, "智能在线检测")

    assert alice.save("智能在线检测", FILLED, htmx=htmx).status_code in (200, 303)
    saved_version = stored_version(app, application_id)
    mine = {**FILLED, "description": "鲍勃写的描述，不应覆盖爱丽丝已保存的内容。"}
    response = bob.save("智能在线检测", mine, htmx=htmx)
    assert response.status_code == 409
    page = text(response)
    assert "为避免覆盖，您这次的内容没有保存" in page and "载入最新内容" in page
    assert mine["description"] in page                          # still in the form
    assert ("<html" in response.get_data(as_text=True)) is not htmx
    assert stored_scenario(app, block) == {**FILLED, "other": None}
    assert stored_version(app, application_id) == saved_version
    # the refused form keeps the old version: saving it again is refused again until the page is reloaded
    assert f'name="version" value="{bob.version}"' in response.get_data(as_text=True)
    assert bob.save("智能在线检测", mine, htmx=htmx).status_code == 409
    bob.version = page_version(second, application_id)
    assert bob.save("智能在线检测", mine, htmx=htmx).status_code in (200, 303)


@pytest.mark.parametrize("htmx", [False, True])
def test_structural_changes_on_a_stale_version_are_refused(app, login_as, htmx):
    client = login_as("applicant")
    editor = Editor(app, client, start(client))
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    stale = editor.version
    editor.add_link("生产作业")
    link = link_block_id(app, editor.id, "质量管控")
    scenario = scenario_block_id(app, editor.id, "智能在线检测")
    before = blocks(app, editor.id)
    for path, data in ((f"/links/{link}/move/down", {}), (f"/links/{link}/remove", {}),
                       (f"/scenarios/{scenario}/remove", {}), (f"/scenarios/{scenario}/move/down", {}),
                       ("/links", {"add-link-link": str(link_id(app, "仓储物流"))}),
                       (f"/links/{link}/scenarios", {f"add-scenario-{link}-scenario": "own",
                                                     f"add-scenario-{link}-own_name": "来料检验"})):
        response = editor.post(path, data, htmx=htmx, version=stale)
        assert response.status_code == 409, path
        assert "为避免覆盖" in text(response), path
        if htmx:
            assert "<html" not in response.get_data(as_text=True)
    assert blocks(app, editor.id) == before


def test_a_block_removed_by_someone_else(app, login_as):
    client = login_as("applicant")
    editor = Editor(app, client, start(client))
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    stale = editor.version
    editor.post(f"/scenarios/{block}/remove")
    data = {f"scenario-{block}-description": "仍在页面上的内容"}
    response = editor.post(f"/scenarios/{block}", data, htmx=True, version=stale)
    assert response.status_code == 409 and response.headers["HX-Retarget"] == f"#scenario-{block}-msg"
    assert "已不存在" in text(response)
    response = editor.post(f"/scenarios/{block}", data, version=stale)
    assert response.status_code == 409 and "仍在页面上的内容" in text(response)
    # from a page at the current version, a block that is not there is simply not found
    assert editor.post(f"/scenarios/{block}", data).status_code == 404


# ---- access ----

def test_another_enterprises_blocks_are_not_found(app, login_as):
    owner = Editor(app, (client := login_as("applicant")), start(client))
    owner.add_link("质量管控")
    owner.add_scenario("质量管控", "智能在线检测")
    link = link_block_id(app, owner.id, "质量管控")
    scenario = scenario_block_id(app, owner.id, "智能在线检测")
    other_client = login_as("applicant", county="430203")
    other = Editor(app, other_client, start(other_client))
    other.add_link("生产作业")
    before = blocks(app, owner.id)
    paths = [f"/links/{link}/remove", f"/links/{link}/move/up", f"/links/{link}/scenarios",
             f"/scenarios/{scenario}", f"/scenarios/{scenario}/remove", f"/scenarios/{scenario}/move/up"]
    for path in paths:
        # their blocks under my application, and their application itself
        assert other.post(path, {f"scenario-{scenario}-name": "x"}).status_code == 404, path
        response = other.client.post(f"/applications/{owner.id}{path}", data={"version": str(owner.version)})
        assert response.status_code == 404, path
    assert other.client.post(f"/applications/{owner.id}/links",
                             data={"version": "0", "add-link-link": str(link_id(app, "生产作业"))}).status_code == 404
    assert blocks(app, owner.id) == before


def test_other_roles_are_refused(app, login_as):
    owner = Editor(app, (client := login_as("applicant")), start(client))
    owner.add_link("质量管控")
    reviewer = login_as("recommender")
    link = link_block_id(app, owner.id, "质量管控")
    assert reviewer.post(f"/applications/{owner.id}/links/{link}/remove", data={"version": "1"}).status_code == 403


def test_editing_after_submission_is_refused(editor, app):
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    with app.app_context():   # submitting needs a complete application; the state is what matters here
        db.session.get(Application, editor.id).status = ApplicationStatus.SUBMITTED
        db.session.commit()
    for htmx in (False, True):
        response = editor.save("智能在线检测", FILLED, htmx=htmx)
        assert response.status_code == 409
        assert "申报书当前状态为“已提交”，不能修改。" in text(response) and FILLED["pain_points"] in text(response)
        link = link_block_id(app, editor.id, "质量管控")
        for path in (f"/links/{link}/remove", f"/links/{link}/move/down", f"/scenarios/{block}/remove"):
            assert editor.post(path, htmx=htmx).status_code == 409
        response = editor.add_link("生产作业", htmx=htmx)
        assert response.status_code == 409 and "不能修改" in text(response)
        assert editor.add_scenario("质量管控", own="来料检验", htmx=htmx).status_code == 409
    assert blocks(app, editor.id) == [("质量管控", 1, [("智能在线检测", 1)])]
    assert stored_scenario(app, block)["description"] is None


# ---- completeness ----

def test_implementation_problems_list_each_missing_item(editor, app):
    with app.app_context():
        application = db.session.get(Application, editor.id)
        report = report_for(SECTION_BY_KEY[SECTION_KEY], application, application.campaign)
        assert [p.message for p in report.problems] == ["请至少添加一个智能制造环节及其场景。"]
    editor.add_link("质量管控")
    editor.add_link("生产作业")
    editor.add_scenario("质量管控", "智能在线检测")
    editor.save("智能在线检测", {"name": "智能在线检测", "description": "描述", "results": "成果"})
    block = scenario_block_id(app, editor.id, "智能在线检测")
    production = link_block_id(app, editor.id, "生产作业")
    with app.app_context():
        application = db.session.get(Application, editor.id)
        report = report_for(SECTION_BY_KEY[SECTION_KEY], application, application.campaign)
        problems = [(p.message, p.anchor) for p in report.problems]
    assert problems == [
        ("环节1（质量管控）场景1：请填写“解决的痛点问题”。", f"scenario-{block}-pain_points"),
        ("环节1（质量管控）场景1：请填写“采用的技术方案”。", f"scenario-{block}-solution"),
        ("环节1（质量管控）场景1：请填写“保障要素”。", f"scenario-{block}-safeguards"),
        ("环节2（生产作业）：请至少添加一个场景。", f"link-{production}"),
    ]
    assert report.state == "未完成"
    page = editor.client.get(section_url(editor.id)).get_data(as_text=True)
    for _message, anchor in problems:           # the checklist's links land on the block or field
        assert f'id="{anchor}"' in page
    editor.save("智能在线检测", FILLED)
    editor.post(f"/links/{production}/remove")
    with app.app_context():
        application = db.session.get(Application, editor.id)
        report = report_for(SECTION_BY_KEY[SECTION_KEY], application, application.campaign)
        assert report.problems == [] and report.state == "已完成"


def test_counts_against_the_minimum_of_the_chosen_type(editor, app):
    response = editor.client.post(f"/applications/{editor.id}/sections/cover",
                                  data={"project_name": "标杆企业建设项目", "app_type": "enterprise", "version": "0"})
    assert response.status_code == 303
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    page = text(editor.client.get(section_url(editor.id)))
    assert "已添加 1 个环节、1 个场景；标杆企业要求至少 8 个环节、10 个场景（还差 7 个环节、9 个场景）。" in page


# ---- pictures of a 场景 ----

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_each_block_has_its_picture_upload_and_removing_the_block_removes_them(editor, app):
    import io

    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    block = scenario_block_id(app, editor.id, "智能在线检测")
    page = editor.client.get(section_url(editor.id)).get_data(as_text=True)
    upload_form = page[page.index('enctype="multipart/form-data"'):]
    upload_form = upload_form[:upload_form.index("</form>")]
    assert f'action="/applications/{editor.id}/attachments"' in upload_form
    assert 'name="category" value="solution_picture"' in upload_form
    assert f'name="app_scenario_id" value="{block}"' in upload_form
    assert f'name="next" value="{section_url(editor.id)}?open=scenario-{block}#scenario-{block}"' in upload_form
    assert 'accept="image/png,image/jpeg"' in upload_form

    response = editor.client.post(f"/applications/{editor.id}/attachments", data={
        "category": "solution_picture", "app_scenario_id": str(block), "next": f"{section_url(editor.id)}#scenario-{block}",
        "file": (io.BytesIO(PNG), "方案图.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    page = editor.client.get(section_url(editor.id)).get_data(as_text=True)
    assert 'alt="方案图.png"' in page
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Attachment.id))).scalar_one() == 1
    editor.post(f"/scenarios/{block}/remove")
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Attachment.id))).scalar_one() == 0
