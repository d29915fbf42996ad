"""Journey 4: the province admin follows progress on the overview (tables and charts) and exports the province
summary (Excel) and the archive of all documents (ZIP)."""
import io
import re
from urllib.parse import urlsplit

import docx
import openpyxl
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402
from werkzeug.exceptions import HTTPException  # noqa: E402

from tests.browser import ui
from tests.browser.conftest import ADMIN_LOGIN, STAFF_PASSWORD  # noqa: E402
from tests.browser.documents import check_archive, sheet_title, summary_rows  # noqa: E402

pytestmark = pytest.mark.browser

# The province's exports: endpoints of the exports blueprint, told apart by what their URL ends with.
EXPORTS = {"summary": ".xlsx", "archive": ".zip"}


def test_journey4_admin_overview_and_exports(live_server, new_context, shot, tmp_path):
    story = live_server.story
    page = ui.open_page(new_context(), "/login")
    ui.login(page, ADMIN_LOGIN, live_server.passwords[ADMIN_LOGIN])
    ui.change_first_password(page, live_server.passwords[ADMIN_LOGIN], STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="省工业和信息化厅")).to_be_visible()
    shot(page, "admin-home")
    home_links = _links(page)

    page.get_by_role("link", name="全省概况与统计图").click()
    expect(page.get_by_role("heading", name="全省概况", exact=True)).to_be_visible()
    units = page.locator("table.adm-units")
    changsha = units.locator("tbody tr", has=page.get_by_role("rowheader", name="长沙市工业和信息化局"))
    expect(changsha).to_be_visible()
    if "journey3" in story:
        expect(page.locator(".stat", has_text="推荐单位已报送")).to_contain_text("1/14")
        expect(changsha.locator("td").last).to_contain_text("已报送")
    for chart in ("chart-units", "chart-types", "chart-industries", "chart-links", "chart-scenarios"):
        figure = page.locator(f"figure#{chart}")
        expect(figure).to_be_visible()
        if story:        # applications were submitted by the journeys before: every chart has bars
            expect(figure.locator("svg[role=img]")).to_be_visible()
    shot(page, "overview")
    shot(page, "overview-charts", at=page.get_by_role("heading", name="统计图"))
    overview_links = _links(page)

    # Filter to one unit (HTMX swaps the results and keeps the URL).
    page.get_by_label("推荐单位", exact=True).select_option(label="长沙市工业和信息化局")
    expect(page.locator(".adm-subtitle")).to_contain_text("当前筛选：长沙市工业和信息化局")
    expect(page).to_have_url(re.compile(r"unit=\d+"))
    shot(page, "overview-changsha")

    # The exports: links on the admin's pages that lead to the exports blueprint.
    endpoints = live_server.endpoints("exports.")
    assert endpoints, ("the province exports do not exist yet: no archives.* endpoint in the app "
                       "(expected the province summary .xlsx and the archive .zip)")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="申报批次").click()
    expect(page.get_by_role("heading", name="申报批次", exact=True)).to_be_visible()
    found = _export_links(live_server.app, home_links + overview_links + _links(page))
    missing = [kind for kind in EXPORTS if kind not in found]
    assert not missing, (f"no link to the province {' and '.join(missing)} on the admin's home page, overview or "
                         f"campaign list (archives endpoints: {', '.join(endpoints)})")

    page.goto(found["summary"][1])          # back to the page holding the link
    with page.expect_download() as info:
        page.locator(f'a[href="{found["summary"][0]}"]').first.click()
    summary = tmp_path / info.value.suggested_filename
    info.value.save_as(summary)
    _check_summary(summary, story)

    page.goto(found["archive"][1])
    shot(page, "exports", at=page.locator(f'a[href="{found["archive"][0]}"]').first.locator("xpath=ancestor::section[1]"))
    with page.expect_download() as info:
        page.locator(f'a[href="{found["archive"][0]}"]').first.click()
    archive = tmp_path / info.value.suggested_filename
    info.value.save_as(archive)
    assert archive.suffix == ".zip", archive.name
    _check_archive(archive, story)


def _links(page) -> list[tuple[str, str]]:
    """(href, page URL) of every link on the page."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [(href, page.url) for href in hrefs]


def _export_links(app, links) -> dict[str, tuple[str, str]]:
    """{"summary"|"archive": (href, page)} for links whose URL the app routes to an archives.* endpoint."""
    adapter = app.url_map.bind("localhost")
    found = {}
    for href, where in links:
        parts = urlsplit(href)
        if parts.netloc:
            continue
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except HTTPException:
            continue
        if not endpoint.startswith("exports."):
            continue
        for kind, ending in EXPORTS.items():
            if parts.path.endswith(ending) and not parts.query:
                found.setdefault(kind, (href, where))
    return found


def _check_summary(path, story) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert len(workbook.worksheets) == 15, workbook.sheetnames          # all units, then one sheet per unit
    changsha = next(sheet for sheet in workbook.worksheets if sheet.title.startswith("长沙"))
    assert "长沙市" in sheet_title(changsha)
    if "journey3" in story:
        assert [row[1] for row in summary_rows(changsha)] == story["journey3"]["order"]
        everything = " ".join(str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value)
        for name in story["journey3"]["order"]:
            assert name in everything, name


def _check_archive(path, story) -> None:
    contents = check_archive(path)
    assert any(name.endswith(".xlsx") for name in contents), list(contents)[:20]
    words = [name for name in contents if name.endswith(".docx")]
    if "journey3" in story:
        order = story["journey3"]["order"]
        for position, name in enumerate(order, start=1):
            folder = f"{position:02d}-{name}/"
            word = [n for n in words if folder in n]
            assert len(word) == 1, (folder, words)
            document = docx.Document(io.BytesIO(contents[word[0]]))
            assert any(name in p.text for p in document.paragraphs) or any(
                name in cell.text for table in document.tables for row in table.rows for cell in row.cells), word[0]
    if "journey2" in story:      # submitted in 株洲市, not decided: archived among 未推荐及其他
        assert any(story["journey2"]["name"] in n and "未推荐及其他" in n for n in words), words
