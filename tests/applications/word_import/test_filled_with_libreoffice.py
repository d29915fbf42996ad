"""The blank form filled in the way people fill it (here by LibreOffice from a script, standing in for Word): extra
blank paragraphs, a row added to a list table, a row added inside the 基本情况表, a 场景 name with a typo, a number
written "1,234.5万元", a number in words, a text over its limit, an example paragraph written over. Each is shown as it
should be in the preview."""
import io
import zipfile

import pytest

from webapp.applications.word_import import build_plan
from webapp.campaigns.lookup import current_campaign
from webapp.documents.docx_builder import render_blank
from webapp.documents.word_reader import read_docx

from tests.applications.word_import.files import empty_application_like, import_all
from tests.applications.word_import.libreoffice import fill, to_doc
from tests.applications.word_import.pages import start, uploaded
from tests.factories import make_complete_application, make_enterprise, make_png
from webapp.core.extensions import db

PROFILE = "公司主营液压件和回转支承产品。" * 40          # 600 characters: over the 500 of 企业简介
EDITS = [
    {"cell": "企业名称", "text": "湖南星沙测试智能装备有限公司"},
    {"cell": "单位地址", "text": "湖南省长沙市岳麓区测试路1号"},
    {"row_after": "单位地址", "texts": ["备注", "（自行加的一行）"]},
    {"cell": "姓名", "text": "李建国", "nth": 0},
    {"cell": "手机", "text": "139 0731 0001", "nth": 0},
    {"cell": "姓名", "text": "王晓燕", "nth": 1},
    {"replace": "□民营", "text": "☑民营"},
    {"cell": "总资产（万元）", "text": "1,234.5万元"},
    {"cell": "负债率（%）", "text": "五十"},
    {"cell": "总　　数", "text": "12人"},
    {"merge_after": "上缴税金（万元）"},
    {"cell": "上缴税金（万元）", "text": "88.5"},
    {"cell": "上缴税金（万元）", "offset": 2, "text": "99.25"},
    {"cell": "企业简介", "text": PROFILE},
    {"row_after": "7.", "texts": ["", "9.质量管控", "10.计划调度"]},
    {"replace": "（一）环节1。如：生产作业", "text": "（一）环节1：质量管控"},
    {"append": "1．具体场景名称", "text": "：智能在线检侧"},
    {"append": "2．具体场景描述", "text": "：通过工业以太网采集设备数据。"},
    {"set": "示例：解决复杂壳体", "text": "质检依赖人工，漏检率高。"},
    {"blank_after": "（一）企业概况", "count": 3},
    {"paragraphs_after": "（一）企业概况", "texts": ["公司成立于2008年。", "", "主营液压件。"]},
    {"blank_after": "四、智能制造实施成效", "count": 2},
]


PICTURE = make_png(64, 48, seed=9)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """The blank form of 2024 (economic years 2021–2023) as LibreOffice saved it after the edits (and a picture put
    into the 技术方案); made once."""
    work = tmp_path_factory.mktemp("libreoffice")
    (work / "方案图.png").write_bytes(PICTURE)
    edits = EDITS + [{"append": "4．采用的技术方案", "text": "：MES与视觉检测集成，如下图。"},
                     {"picture_after": "4．采用的技术方案", "path": str(work / "方案图.png")}]
    return fill(render_blank([2021, 2022, 2023]), edits, work)


@pytest.fixture
def plan(app, filled):
    with app.app_context():
        original = make_complete_application(db.session, enterprise=make_enterprise(db.session),
                                             campaign=current_campaign())
        target = empty_application_like(original)
        yield build_plan(target, read_docx(filled))


def rows(plan) -> dict:
    return {row.key: row for _section, row in plan.rows()}


def test_the_file_is_one_libreoffice_wrote(filled):
    application = zipfile.ZipFile(io.BytesIO(filled)).read("docProps/app.xml").decode()
    assert "LibreOffice" in application


def test_a_number_with_its_unit_and_separators_is_read_and_shown_as_written(plan):
    row = rows(plan)["economics.2021.total_assets"]
    assert (row.state, row.found, row.value, row.written) == ("new", "1234.5", "1234.5", "1,234.5万元")


def test_a_number_that_cannot_be_read_is_a_problem_with_the_forms_message(plan):
    row = rows(plan)["economics.2021.debt_ratio"]
    assert row.state == "problem" and row.found == "五十" and not row.importable
    assert "请输入数字" in row.problems[0]


def test_a_text_over_its_limit_is_shown_in_full_and_not_imported(plan):
    row = rows(plan)["profile.profile"]
    assert row.state == "problem" and row.found == PROFILE and len(row.found) == 600
    assert row.problems == ["超出 100 字（不超过500字，当前600字），请删减后保存。"]


def test_a_scenario_name_with_a_typo_is_matched_to_the_nearest_guide_scenario(plan):
    link = plan.links[0]
    assert link.match.target.name == "质量管控" and link.match.exact
    scenario = link.scenarios[0]
    assert scenario.match.target.name == "智能在线检测" and scenario.match.percent == 83
    assert any("最接近的指引场景为“智能在线检测”（相似度 83%）" in note for note in scenario.notes)
    values = {row.key.rsplit(".", 1)[1]: row for row in scenario.rows}
    assert values["name"].found == "智能在线检侧" and values["name"].state == "new"
    assert values["pain_points"].found == "质检依赖人工，漏检率高。"        # written over its 示例
    assert values["solution"].found == "MES与视觉检测集成，如下图。"          # its 示例 left in place is no content
    pictures = scenario.pictures
    assert pictures.state == "new" and len(scenario.new_pictures) == 1
    assert scenario.new_pictures[0][0].content_type == "image/png"


def test_extra_blank_paragraphs_and_an_added_row_shift_nothing(plan):
    found = rows(plan)
    assert found["overview.overview_company"].found == "公司成立于2008年。\n主营液压件。"
    assert found["outcomes.outcomes"].state == "empty"
    assert found["basic.legal_rep_name"].found == "李建国" and found["basic.contact_name"].found == "王晓燕"
    assert found["basic.legal_rep_mobile"].found == "13907310001"       # normalised by the form's own validator
    assert found["basic.address"].found == "湖南省长沙市岳麓区测试路1号"
    assert found["staff.staff_total"].found == 12 and found["basic.nature"].found == "民营"


def test_a_merged_cell_shifts_nothing(plan, filled):
    """上缴税金's 2021 and 2022 cells merged into one (starting under 2021): 2023 stays 2023."""
    assert read_docx(filled).fields["economics.2021.taxes"] == "88.5"
    found = rows(plan)
    assert found["economics.2021.taxes"].found == "88.5" and "economics.2022.taxes" not in found
    assert found["economics.2023.taxes"].found == "99.25"


def test_a_row_added_to_the_list_of_links_is_reported(plan):
    assert plan.parsed.listed_links == ["质量管控", "计划调度"]
    assert any("“计划调度”在“三、智能制造实施内容”中没有内容" in p for p in plan.problems)
    assert not any("质量管控" in p for p in plan.problems)


def test_the_preview_page_shows_each_of_them(app, login_as, filled):
    client = login_as("applicant")
    application_id = start(client)
    _token, page = uploaded(client, application_id, filled, "填好的申报书.docx")
    for shown in ("1234.5", "文件中写作“1,234.5万元”", "五十", "请输入数字", PROFILE, "超出 100 字（不超过500字，当前600字）",
                  "（共 600 字，全文如上）", "智能在线检侧", "最接近的指引场景为“智能在线检测”（相似度 83%），请确认或更正",
                  "“计划调度”在“三、智能制造实施内容”中没有内容"):
        assert shown in page, shown


def test_an_old_doc_file_is_converted_and_read(app, login_as, filled, tmp_path):
    client = login_as("applicant")
    application_id = start(client)
    _token, page = uploaded(client, application_id, to_doc(filled, tmp_path), "旧版申报书.doc")
    assert "已由 .doc 转换" in page and "湖南星沙测试智能装备有限公司" in page and "智能在线检侧" in page


def test_importing_it_takes_what_can_be_read_with_its_picture(app, filled):
    with app.app_context():
        original = make_complete_application(db.session, enterprise=make_enterprise(db.session),
                                             campaign=current_campaign())
        target = empty_application_like(original)
        result = import_all(target, filled)
        db.session.expire_all()
        assert target.company_name == "湖南星沙测试智能装备有限公司" and target.legal_rep_mobile == "13907310001"
        assert target.profile is None                              # over its limit: never taken
        assert [(y.year, y.total_assets, y.debt_ratio) for y in target.economic_years][0] == (2021, 1234.5, None)
        assert [link.link.name for link in target.links] == ["质量管控"]
        block = target.links[0].scenarios[0]
        assert (block.scenario.name, block.name) == ("智能在线检测", "智能在线检侧")
        assert len(block.pictures) == 1 and block.pictures[0].content_type == "image/png"
        assert result.pictures == 1 and result.skipped == []
