"""What a user does on the pages, by visible labels: log in, fill a section and save it, add 环节 and 场景, upload.

Every helper works with JavaScript on (HTMX swaps) and off (plain POST and redirect): `page.js` tells them which
(set by `open_page`). With JavaScript on they wait for the swap itself, never for a fixed time.
"""
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# Anything on a section that says the save did not go through.
PROBLEMS = ".error-summary, .conflict, .flash--error, .field-errors, .impl-notice"


def open_page(context, path: str = "/", *, js: bool = True) -> Page:
    """A new page of `context` at `path`; `js` says whether the context runs JavaScript (java_script_enabled)."""
    page = context.new_page()
    page.js = js
    page.goto(path)
    return page


def js_on(page: Page) -> bool:
    return getattr(page, "js", True)


def problems_of(scope) -> str:
    return " | ".join(text.strip() for text in scope.locator(PROBLEMS).all_inner_texts())


class ServerFailed(AssertionError):
    """The server answered a user's action with a 5xx (its exception is in LiveServer.errors)."""


def check_status(response, what: str) -> None:
    if response is None or response.status >= 500:
        raise ServerFailed(f"the server failed ({response.status if response else 'no response'}) on {what}: "
                           f"{response.url if response else ''}")


def submit_and_wait(page: Page, button: Locator, *, swapped: Locator | None = None) -> None:
    """Click a submit button. Without JavaScript: wait for the page the POST leads to. With it: wait until
    `swapped` (the element HTMX replaces; default: the button's form) has left the page (swapped or navigated)."""
    what = button.inner_text().strip() or button.get_attribute("aria-label")
    if not js_on(page):
        with page.expect_navigation() as navigation:
            button.click()
        check_status(navigation.value, what)
        return
    target = swapped if swapped is not None else button.locator("xpath=ancestor::form[1]")
    target.evaluate("element => element.setAttribute('data-test-stale', '')")
    with page.expect_response(lambda response: response.request.method == "POST") as response:
        button.click()
    check_status(response.value, what)
    expect(page.locator("[data-test-stale]")).to_have_count(0)


def login(page: Page, login_name: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("统一社会信用代码或用户名").fill(login_name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出。")).to_be_visible()


def change_first_password(page: Page, one_time: str, new: str) -> None:
    """The forced password change at a staff account's first login."""
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    page.get_by_label("当前密码").fill(one_time)
    page.get_by_label("新密码", exact=True).fill(new)
    page.get_by_label("确认新密码").fill(new)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()


# ---- sections of the 申报书 ----------------------------------------------------------------------------------

def section_heading(page: Page) -> Locator:
    return page.locator("h2#section")


def fill_fields(scope, values: dict[str, str]) -> None:
    for label, value in values.items():
        scope.get_by_label(label, exact=True).fill(value)


def save_section(page: Page) -> None:
    """保存, and check that the section says it is saved."""
    form = page.locator("#section-form")
    submit_and_wait(page, form.get_by_role("button", name="保存", exact=True), swapped=form)
    assert not problems_of(page.locator("#section-form")), problems_of(page.locator("#section-form"))
    if js_on(page):
        expect(page.locator("#section-form .saved-state")).to_contain_text("已保存")
    else:
        expect(page.locator(".flash--success")).to_contain_text("已保存")


def save_and_continue(page: Page, next_title: str) -> None:
    """保存并继续, then the next section opens (or the errors of this one are reported)."""
    form = page.locator("#section-form")
    if js_on(page):
        with page.expect_response(lambda response: response.request.method == "POST") as response:
            form.get_by_role("button", name="保存并继续").click()
        check_status(response.value, "保存并继续")
        problems = page.locator(f"#section-form :is({PROBLEMS})")
        expect(section_heading(page).filter(has_text=next_title).or_(problems.first)).to_be_visible()
        assert not problems.count(), problems_of(page.locator("#section-form"))
    else:
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="保存并继续").click()
        check_status(navigation.value, "保存并继续")
        assert not problems_of(page.locator("#section-form")), problems_of(page.locator("#section-form"))
    expect(section_heading(page)).to_contain_text(next_title)


def go_to_section(page: Page, heading: str) -> None:
    page.get_by_role("navigation", name="申报书各部分").get_by_role("link", name=re.compile(re.escape(heading))).click()
    expect(section_heading(page)).to_contain_text(heading)


def section_state(page: Page, heading: str) -> Locator:
    nav = page.get_by_role("navigation", name="申报书各部分")
    return nav.get_by_role("link", name=re.compile(re.escape(heading))).locator(".section-state")


def section_flag(page: Page, heading: str) -> Locator:
    """The 有意见 flag of a section in the section list."""
    nav = page.get_by_role("navigation", name="申报书各部分")
    return nav.get_by_role("link", name=re.compile(re.escape(heading))).locator(".section-flag")


def fill_list(page: Page, label: str, items: list[str]) -> None:
    """A numbered list: fill the first item, then ＋ 添加一项 and fill the next, as often as needed."""
    editor = page.locator("fieldset.list-editor", has=page.get_by_text(label, exact=True))
    for index, text in enumerate(items, start=1):
        if index > 1:
            submit_and_wait(page, editor.get_by_role("button", name="＋ 添加一项"),
                            swapped=page.locator("#section-form"))
            editor = page.locator("fieldset.list-editor", has=page.get_by_text(label, exact=True))
        page.get_by_label(f"{label} 第{index}项").fill(text)


# ---- 三、智能制造实施内容 ------------------------------------------------------------------------------------

def link_block(page: Page, name: str) -> Locator:
    return page.get_by_role("article", name=re.compile(rf"环节\d+：{re.escape(name)}$"))


def scenario_block(scope, name: str) -> Locator:
    return scope.get_by_role("article", name=re.compile(rf"场景\d+\s+{re.escape(name)}$"))


def add_link(page: Page, option: str, name: str) -> Locator:
    form = page.locator("#add-link")
    form.get_by_label("选择要添加的环节").select_option(label=option)
    submit_and_wait(page, form.get_by_role("button", name="＋ 添加环节"), swapped=page.locator("#add-link"))
    block = link_block(page, name)
    expect(block).to_be_visible()
    return block


def add_scenario(page: Page, link_name: str, *, guide: str | None = None, own_name: str | None = None) -> Locator:
    block = link_block(page, link_name)
    form = block.locator("form.impl-add--scenario")
    if not form.is_visible():
        block.locator("summary", has_text="＋ 添加场景").click()      # folded once the 环节 has a 场景
    form.get_by_label("选择典型场景").select_option(label=guide or "自定义场景（填写名称）")
    if own_name:
        form.get_by_label("自定义场景名称").fill(own_name)
    submit_and_wait(page, form.get_by_role("button", name="添加场景"), swapped=block)
    scenario = scenario_block(link_block(page, link_name), own_name or guide.split("）", 1)[1])
    expect(scenario).to_be_visible()
    return scenario


SCENARIO_LABELS = {"description": "具体场景描述", "pain_points": "解决的痛点问题", "solution": "采用的技术方案",
                   "safeguards": "保障要素", "results": "实施成果", "other": "其他"}


def open_scenario(block: Locator) -> None:
    """Unfold a 场景 block's form (complete blocks are folded when the page loads; a block just saved stays open)."""
    body = block.locator("details.impl-scenario__body")
    if body.get_attribute("open") is None:
        body.locator("summary", has_text="展开填写内容").click()
    expect(body).to_have_attribute("open", "")


def fill_scenario(page: Page, scenario: Locator, texts: dict[str, str], name: str | None = None) -> Locator:
    """Fill the items of one 场景 block and 保存本场景; returns the block (by its id, which stays)."""
    dom_id = scenario.get_attribute("id")
    block = page.locator(f"#{dom_id}")
    open_scenario(block)
    if name:
        block.get_by_label("具体场景名称").fill(name)
    for key, label in SCENARIO_LABELS.items():
        if key in texts:
            block.get_by_label(label, exact=True).fill(texts[key])
    submit_and_wait(page, block.get_by_role("button", name="保存本场景"), swapped=block)
    assert not problems_of(block), problems_of(block)
    if js_on(page):
        expect(block.locator(".impl-saved")).to_contain_text("已保存")
    else:
        expect(page.locator(".flash--success")).to_contain_text("已保存")
    expect(block.locator(".impl-state")).to_have_text("已填完")
    return block


# ---- 八、相关证明材料 ----------------------------------------------------------------------------------------

def category_block(page: Page, label_start: str) -> Locator:
    return page.locator(".attachment-category", has=page.get_by_role("heading", name=re.compile("^" + re.escape(label_start))))


def upload(page: Page, label_start: str, files: list[Path]) -> Locator:
    block = category_block(page, label_start)
    block.locator("input[type=file]").set_input_files([str(f) for f in files])
    submit_and_wait(page, block.get_by_role("button", name="上传", exact=True), swapped=block)
    block = category_block(page, label_start)
    assert not problems_of(block), problems_of(block)
    expect(block.locator(".attachment-category__count")).to_have_text(f"{len(files)} 个文件")
    for f in files:
        expect(block.get_by_role("link", name=f.name)).to_be_visible()
    return block


# ---- registration --------------------------------------------------------------------------------------------

def register(page: Page, enterprise) -> None:
    """企业注册 from the landing page; 所在县市区 follows 所在市州 (HTMX, or the 更新县市区列表 button)."""
    page.goto("/")
    page.get_by_role("link", name="企业注册").click()
    expect(page.get_by_role("heading", name="企业注册")).to_be_visible()
    page.get_by_label("企业名称").fill(enterprise.name)
    page.get_by_label("统一社会信用代码").fill(enterprise.code)
    county = page.get_by_label("所在县市区")
    if js_on(page):
        page.get_by_label("所在市州").select_option(label=enterprise.prefecture)
        expect(county.locator("option", has_text=enterprise.county)).to_have_count(1)     # swapped in by HTMX
    else:
        # The form keeps what was typed; passwords are not sent back, so they are typed after the refresh.
        page.get_by_label("所在市州").select_option(label=enterprise.prefecture)
        with page.expect_navigation():
            page.get_by_role("button", name="更新县市区列表").click()
        expect(page.get_by_label("企业名称")).to_have_value(enterprise.name)
    county.select_option(label=enterprise.county)
    page.get_by_label("联系人").fill(enterprise.contact)
    page.get_by_label("手机").fill(enterprise.mobile)
    page.get_by_label("密码", exact=True).fill(enterprise.password)
    page.get_by_label("确认密码").fill(enterprise.password)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功。您的推荐单位是")).to_contain_text(enterprise.prefecture)
    expect(page.get_by_role("heading", name=enterprise.name)).to_be_visible()
