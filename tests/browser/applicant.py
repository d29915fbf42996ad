"""The applicant's part of a journey: fill every section of the 申报书, upload the 证明材料, download the Word file,
pass 提交前检查 and submit. Shared by the journey with JavaScript (HTMX) and the one without (plain POSTs)."""
import re
from pathlib import Path

import docx
import openpyxl
from playwright.sync_api import Page, expect

from webapp.ops.demo_files import make_png, minimal_pdf
from webapp.models import ListKind

from tests.browser import ui
from tests.browser.content import Enterprise


def fill_application(page: Page, e: Enterprise, shot, files: Path) -> None:
    """From 封面 to 七、智能制造经验总结, section by section, each saved before going on."""
    js = ui.js_on(page)
    many = 4 if js else 2          # list items per list

    expect(ui.section_heading(page)).to_have_text("封面")
    page.get_by_label("项目名称").fill(e.project_name)
    page.get_by_label("标杆企业").check()
    if js:
        ui.save_section(page)      # once with 保存: the section stays and says so
        expect(ui.section_state(page, "封面")).to_have_text("已完成")
    ui.save_and_continue(page, "企业基本信息")

    # 一（一）: name, code, county and contact come from the registration.
    expect(page.get_by_label("企业名称")).to_have_value(e.name)
    expect(page.get_by_label("组织机构代码")).to_have_value(e.code)
    expect(page.get_by_label("所在县市区")).to_have_value(e.county_adcode)
    page.get_by_label("民营").check()
    page.get_by_label("所属行业大类").select_option(label=e.division)
    if js:
        expect(page.get_by_label("所属行业中类").locator("option", has_text=e.group)).to_have_count(1)
    else:
        # One pass: the 中类 list follows the chosen 大类 without saving, and nothing typed is lost.
        with page.expect_navigation():
            page.get_by_role("button", name="更新中类列表").click()
        expect(page.locator("#section-form .flash--info")).to_contain_text("列表已按您的选择更新")
        expect(page.get_by_label("所属行业大类")).to_have_value(re.compile(r"^\d{2}$"))
    page.get_by_label("所属行业中类").select_option(label=e.group)
    ui.fill_fields(page, e.basic())
    shot(page, "basic-info")
    ui.save_and_continue(page, "近三年主要经济指标")

    years = page.locator("table.economics thead th").all_inner_texts()[1:]
    assert len(years) == 3, years
    for indicator, values in e.ECONOMICS.items():
        for year, value in zip(years, values):
            page.get_by_label(f"{year}{indicator}").fill(value)
    shot(page, "economics")
    ui.save_and_continue(page, "相关荣誉及安全环保情况")

    for honour in ("湖南省智能制造示范企业", "国家两化融合贯标通过评定企业", "国家智能制造能力成熟度通过评定企业"):
        page.get_by_label(honour).check()
    page.get_by_label("等级").select_option(label="3级")
    if js:
        page.get_by_label("其他", exact=True).check()
        page.get_by_label("其他（请注明）").fill("湖南省“上云上平台”标杆企业")
    page.get_by_label("否", exact=True).check()
    ui.save_and_continue(page, "智能制造相关技术人员")

    ui.fill_fields(page, e.STAFF)
    ui.save_and_continue(page, "企业简介")

    page.get_by_label("企业简介").fill(e.profile())
    if js:
        expect(page.locator('[data-counter-for="profile"]')).to_contain_text("/ 500")   # the live counter
    ui.save_and_continue(page, "智能制造情况（投入）")

    ui.fill_fields(page, e.INVESTMENT)
    shot(page, "investment")
    ui.save_and_continue(page, "智能制造实现功能")

    ui.fill_list(page, "智能制造实现功能", e.items(ListKind.FUNCTION, many))
    shot(page, "functions-list")
    ui.save_and_continue(page, "智能制造技术创新能力")

    page.get_by_label("智能制造技术支撑机构").fill("湖南省企业技术中心（省级）、湖南省流体机械工程技术研究中心（省级）")
    page.get_by_label("产学研主要合作单位及智能制造供应商名称").fill(
        "产学研合作单位：中南大学、湖南大学；智能制造供应商：树根互联股份有限公司、华为技术有限公司")
    ui.save_and_continue(page, "已取得智能制造技术成果")

    ui.fill_list(page, "解决的关键问题", e.items(ListKind.KEY_PROBLEM, many - 1))
    ui.fill_list(page, "突破的关键技术及短板装备", e.items(ListKind.KEY_TECHNOLOGY, many - 1))
    ui.save_and_continue(page, "智能制造实施效果")

    ui.fill_fields(page, e.EFFECTS)
    page.get_by_label("其他效果").fill("单位产值综合能耗下降12.6%，年减少二氧化碳排放约3800吨；客户投诉率下降41%。")
    shot(page, "effects")
    ui.save_and_continue(page, "真实性承诺")

    page.get_by_label("企业法定代表人").fill("刘建国")
    page.get_by_label("本单位已阅读并作出上述承诺").check()
    ui.save_and_continue(page, "企业情况概述")

    page.get_by_label("（一）企业概况").fill(e.long_text("overview_company", 520))
    page.get_by_label("（二）技术水平").fill(e.long_text("overview_technology", 350))
    page.get_by_label("（三）行业优势").fill(e.long_text("overview_advantages", 290))
    ui.save_and_continue(page, "智能制造实施内容")

    fill_implementation(page, e, shot, files)
    page.get_by_role("link", name="继续：协同集成情况 →").click()
    expect(ui.section_heading(page)).to_contain_text("协同集成情况")

    for label, key, target, next_title in (
            ("协同集成情况", "integration", 380, "智能制造实施成效"),
            ("智能制造实施成效", "outcomes", 230, "行业影响及示范作用")):
        page.get_by_label(label, exact=True).fill(e.long_text(key, target))
        ui.save_and_continue(page, next_title)
    page.get_by_label("（一）影响力").fill(e.long_text("influence", 165))
    page.get_by_label("（二）先进性").fill(e.long_text("advancement", 145))
    page.get_by_label("（三）示范推广").fill(e.long_text("demonstration", 130))
    ui.save_and_continue(page, "下一步工作计划")
    page.get_by_label("下一步工作计划", exact=True).fill(e.long_text("next_steps", 160))
    ui.save_and_continue(page, "智能制造经验总结")
    page.get_by_label("智能制造经验总结", exact=True).fill(e.long_text("lessons", 165))
    ui.save_and_continue(page, "相关证明材料")


def fill_implementation(page: Page, e: Enterprise, shot, files: Path) -> None:
    """三: every 环节 with its 场景, each 场景 filled and saved on its own. With JavaScript also: a 场景 added by
    mistake and removed, a 环节 moved up, and a picture for a 技术方案."""
    js = ui.js_on(page)
    expect(page.locator("#impl-summary")).to_contain_text("已添加 0 个环节、0 个场景")
    for index, link in enumerate(e.links):
        ui.add_link(page, link.option, link.name)
        for scenario in link.scenarios:
            block = ui.add_scenario(page, link.name, guide=scenario.guide, own_name=scenario.own_name)
            ui.fill_scenario(page, block, scenario.texts)
        if js and index == 0:
            shot(page, "implementation-first-link", at=ui.link_block(page, link.name))
            _picture_and_mistake(page, link, files)
    summary = page.locator("#impl-summary")
    expect(summary).to_contain_text(f"已添加 {len(e.links)} 个环节、{e.scenario_count} 个场景")
    expect(summary).to_contain_text("已达到")
    if js:
        moved = e.links[4].name          # 生产作业 before 计划调度
        ui.submit_and_wait(page, page.get_by_role("button", name=re.compile(rf"环节5“{moved}”上移")),
                           swapped=page.locator("#implementation-editor"))
        expect(page.get_by_role("heading", name=f"（四）环节4：{moved}")).to_be_visible()
    expect(ui.section_state(page, "智能制造实施内容")).to_have_text("已完成")
    ui.go_to_section(page, "三、 智能制造实施内容")         # a fresh page: complete 场景 folded
    expect(page.locator("#impl-summary")).to_contain_text("已达到")
    shot(page, "implementation")


def _picture_and_mistake(page: Page, link, files: Path) -> None:
    """A picture for the first 场景's 技术方案 (a plain upload form), then a 场景 added and removed again."""
    scenario = link.scenarios[0]
    block = ui.scenario_block(ui.link_block(page, link.name), scenario.name)
    ui.open_scenario(block)
    picture = files / "协同设计平台架构图.png"
    picture.write_bytes(make_png(320, 180, seed=3))
    block.get_by_label(re.compile("配图")).set_input_files(str(picture))
    with page.expect_navigation() as navigation:
        block.get_by_role("button", name="上传配图").click()
    ui.check_status(navigation.value, "上传配图")
    expect(page.get_by_text("已上传 1 个文件：协同设计平台架构图.png")).to_be_visible()
    expect(block.get_by_role("img", name=picture.name)).to_be_visible()

    extra = ui.add_scenario(page, link.name, own_name="误添加的场景")
    extra.locator("summary", has_text="删除").click()
    ui.submit_and_wait(page, extra.get_by_role("button", name="确认删除"), swapped=ui.link_block(page, link.name))
    expect(ui.scenario_block(ui.link_block(page, link.name), "误添加的场景")).to_have_count(0)


def make_files(folder: Path, everything: bool) -> dict[str, list[Path]]:
    """Small real files for the categories of 八 (the server checks the content, not the name)."""
    def pdf(name):
        path = folder / name
        path.write_bytes(minimal_pdf(name))
        return path

    def xlsx(name, rows):
        path = folder / name
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
        return path

    def png(name, seed):
        path = folder / name
        path.write_bytes(make_png(240, 160, seed=seed))
        return path

    files = {"（一）": [pdf("营业执照（副本）.pdf")],
             "（二）": [pdf("2023年度财务审计报告.pdf"), pdf("智能制造专项审计报告.pdf")],
             "（三）": [xlsx("关键技术设备及软件清单.xlsx", [["名称", "品牌", "供应商", "国产/省产"],
                                                       ["六轴工业机器人", "埃斯顿", "南京埃斯顿", "国产"]])]}
    if everything:
        files |= {"（四）": [xlsx("主要技术人员情况表.xlsx", [["姓名", "职称"], ["王工", "高级工程师"]])],
                  "（五）": [png("智能装配线.png", 1), png("自动化立体仓库.png", 2)],
                  "（六）": [pdf("发明专利证书.pdf")],
                  "（七）": [pdf("智能制造能力成熟度评估报告.pdf")]}
    return files


def attachments_word_and_submit(page: Page, e: Enterprise, shot, files: Path) -> int:
    """八: upload the proof files; download the draft Word file and check it; 定稿: generate the 盖章版, download it
    and check that it is the file to stamp (version, fingerprint, no 草稿); upload the stamped scan; 提交前检查;
    submit. Returns the application's id."""
    expect(ui.section_heading(page)).to_contain_text("相关证明材料")
    for label, paths in make_files(files, everything=ui.js_on(page)).items():
        ui.upload(page, label, paths)
    shot(page, "attachments", at=ui.category_block(page, "（三）"))
    expect(ui.category_block(page, "盖章申报书扫描件")).to_contain_text("尚未生成盖章版")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载Word版（草稿）").click()
    download = info.value
    assert download.suggested_filename.endswith("（草稿）.docx"), download.suggested_filename
    assert e.name in download.suggested_filename
    word = files / "申报书.docx"
    download.save_as(word)
    check_word(word, e)
    assert "草稿 · 版本 1 ·" in footer_of(word)            # the number the page shows: 第 1 版
    expect(page.locator(".app-header__version")).to_have_text("第 1 版")

    final = stamp_and_scan(page, e, shot, files, version=1)
    page.get_by_role("link", name="提交前检查").first.click()
    expect(page.get_by_role("heading", name="提交前检查")).to_be_visible()
    expect(page.get_by_role("heading", name="检查通过")).to_be_visible()
    expect(page.locator(".checklist--ok")).to_contain_text(f"校验码 {final}")
    shot(page, "checklist-passed")
    page.get_by_role("button", name="确认提交申报书").click()
    expect(page.get_by_text("申报书已提交，等待推荐单位审核。")).to_be_visible()
    expect(page.locator(".av-facts .status")).to_have_text("已提交")
    expect(page.locator(".av-facts")).to_contain_text("第1版")
    shot(page, "submitted-view")
    application_id = int(re.search(r"/applications/(\d+)", page.url).group(1))

    page.get_by_role("link", name="首页").click()
    expect(page.locator(".card .status")).to_have_text("已提交")
    shot(page, "home-submitted")
    return application_id


def stamp_and_scan(page: Page, e: Enterprise, shot, files: Path, *, version: int) -> str:
    """定稿: generate the 盖章版 of `version`, download it, check it is the file to stamp, and upload its "scan" on the
    same page. Returns its fingerprint."""
    page.get_by_role("link", name="盖章版（定稿）").first.click()
    expect(page.get_by_role("heading", name="盖章版（定稿）")).to_be_visible()
    expect(page.locator(".final-steps")).to_contain_text("除盖章扫描件外，各部分均已完成")
    page.get_by_role("button", name=f"生成盖章版（第 {version} 版）").click()
    expect(page.get_by_text(f"已生成盖章版（第{version}版")).to_be_visible()
    fingerprint = page.locator(".final-facts code").inner_text().strip()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载盖章版 Word").click()
    stamped_word = files / f"盖章版-{version}.docx"
    info.value.save_as(stamped_word)
    footer = footer_of(stamped_word)
    assert "草稿" not in footer and f"版本 {version} ·" in footer and fingerprint in footer, footer
    shot(page, f"final-print-v{version}", full_page=True)
    scan = files / "盖章申报书扫描件.pdf"
    scan.write_bytes(minimal_pdf(f"{e.name} 盖章申报书 第{version}版 {fingerprint}"))
    block = ui.category_block(page, "盖章申报书扫描件")
    block.locator("input[type=file]").set_input_files(str(scan))
    with page.expect_navigation():
        block.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("已上传 1 个文件：盖章申报书扫描件.pdf")).to_be_visible()
    block = ui.category_block(page, "盖章申报书扫描件")
    expect(block).to_contain_text(f"盖章版第 {version} 版 · 校验码 {fingerprint}")
    expect(block.locator(".attachment__warning")).to_have_count(0)
    expect(page.locator(".final-step").last).to_contain_text("盖章扫描件已上传")
    return fingerprint


def footer_of(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for section in document.sections for p in section.footer.paragraphs)


def check_word(path: Path, e: Enterprise) -> None:
    """The downloaded 申报书 opens with python-docx and carries what was typed."""
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    everything = text + "\n" + cells
    assert e.name in everything
    assert e.project_name in everything
    for link in e.links:
        assert link.name in everything, link.name
        for scenario in link.scenarios:
            assert scenario.name in everything, scenario.name
    footers = "\n".join(p.text for section in document.sections for p in section.footer.paragraphs)
    assert "草稿" in footers + text, "a draft's Word file is marked 草稿"
