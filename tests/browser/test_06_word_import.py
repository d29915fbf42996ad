"""Journey 6: an enterprise that drafted its 申报书 offline in Word uploads the file, looks at the preview, imports two
sections and finds them in the form - with JavaScript on (a whole section ticked by its box) and off (plain POSTs)."""
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.applications.word_import.files import word_file  # noqa: E402
from tests.browser.ui import go_to_section, login, open_page, section_heading  # noqa: E402
from tests.factories import PASSWORD, make_application, make_enterprise  # noqa: E402
from webapp.core.extensions import db  # noqa: E402

pytestmark = pytest.mark.browser


def offline_file(live_server, tmp_path, js: bool):
    """A Word file drafted elsewhere (another application's file), and a new enterprise that will import it."""
    with live_server.app.app_context():
        drafted = make_application(db.session, name=f"湖南离线起草{'甲' if js else '乙'}智能装备有限公司")
        enterprise = make_enterprise(db.session, name=f"湖南导入旅程{'甲' if js else '乙'}智能装备有限公司")
        db.session.commit()
        path = tmp_path / "离线填写的申报书.docx"
        path.write_bytes(word_file(drafted))
        return path, enterprise.users[0].login, drafted.project_name, drafted.staff_total


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_journey6_word_import(live_server, new_context, shot, tmp_path, js):
    path, login_name, project_name, staff_total = offline_file(live_server, tmp_path, js)
    page = open_page(new_context(java_script_enabled=js), "/", js=js)
    login(page, login_name, PASSWORD)
    page.get_by_role("button", name="开始填写申报书").click()
    expect(section_heading(page)).to_have_text("封面")
    page.get_by_role("link", name="导入Word申报书").click()
    expect(page.get_by_role("heading", name="导入Word申报书")).to_be_visible()
    shot(page, "upload")

    page.get_by_label("Word文件").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name="预览：离线填写的申报书.docx")).to_be_visible()
    cover = page.locator("#wi-cover")
    staff = page.locator("#wi-staff")
    expect(cover.get_by_text(project_name)).to_be_visible()
    shot(page, "preview", at=page.locator("#wi-summary-title"))
    shot(page, "preview-links", at=page.locator("#wi-implementation"))

    cover.get_by_label("导入本部分全部可导入的内容").check()
    staff.get_by_label("导入本部分全部可导入的内容").check()
    if js:      # the script ticks the section's rows with its box
        expect(staff.locator('input[value="staff.staff_total"]')).to_be_checked()
    page.get_by_role("button", name="导入所勾选的内容").first.click()
    expect(page.get_by_role("heading", name="已从“离线填写的申报书.docx”导入 7 项")).to_be_visible()
    expect(page.get_by_text("从Word导入：7 项").first).to_be_visible()
    shot(page, "imported")

    page.get_by_role("link", name="返回填写").click()
    go_to_section(page, "封面")
    expect(page.get_by_label("项目名称")).to_have_value(project_name)
    go_to_section(page, "智能制造相关技术人员")
    expect(page.get_by_label("总数（人）")).to_have_value(str(staff_total))
    shot(page, "staff-in-the-form")
    go_to_section(page, "企业基本信息")
    expect(page.get_by_label("单位地址")).to_have_value("")          # not imported: not chosen
