"""The reader of a filled 申报书 (webapp.documents.word_reader): pure, bytes in and a ParsedDocument out. The form's
structure and labels decide, not positions; what Word, WPS and people do to a file does not throw it off."""
import re

import pytest

from webapp.documents.docx_builder import render_blank
from webapp.documents.word_reader import read_docx
from webapp.documents.word_reader.links import item_line, link_heading, scenario_heading
from webapp.documents.word_reader.blocks import Para
from webapp.documents.word_reader.marks import numbered_items, ticks

from tests.applications.word_import.files import in_document

BLANK = render_blank([2021, 2022, 2023])
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def cell_run(data: bytes, label_cell_text: str, value: str) -> bytes:
    """The blank form with `value` typed into the (empty) cell after the label cell."""
    pattern = rf"({re.escape(label_cell_text)}</w:t></w:r></w:p></w:tc><w:tc>.*?<w:p>.*?)(</w:p>)"
    return in_document(data, pattern, rf"\1<w:r><w:t>{value}</w:t></w:r>\2")


def test_the_blank_form_gives_no_values_no_blocks_and_no_problems():
    parsed = read_docx(BLANK)
    filled = {key: value for key, value in parsed.fields.items() if value not in ("", None, [])}
    assert filled == {}
    assert parsed.links == [] and parsed.problems == [] and parsed.missing == []
    assert parsed.years == [2021, 2022, 2023] and parsed.footer == ""


def test_a_value_typed_into_a_cell_is_found_by_its_label():
    parsed = read_docx(cell_run(BLANK, "单位地址", "湖南省长沙市岳麓区麓谷大道1号"))
    assert parsed.fields["basic.address"] == "湖南省长沙市岳麓区麓谷大道1号"


@pytest.mark.parametrize("text, ticked", [
    ("□国企　☑民营　□三资　□其他（请注明）", {"国企": False, "民营": True, "三资": False, "其他（请注明）": False}),
    ("□国企 √民营 □三资", {"国企": False, "民营": True, "三资": False, "其他（请注明）": False}),
    ("[√]国企　[ ]民营", {"国企": True, "民营": False, "三资": False, "其他（请注明）": False}),
    ("■ 三资", {"国企": False, "民营": False, "三资": True, "其他（请注明）": False}),
    ("□国企　□民营　□三资　□其他（请注明）", None),
])
def test_ticks_in_the_ways_people_tick(text, ticked):
    assert ticks(text, ["国企", "民营", "三资", "其他（请注明）"]) == ticked


def test_a_label_inside_a_longer_label_is_not_taken_for_it():
    text = "□国家智能制造试点示范企业　☑湖南省智能制造示范企业"
    found = ticks(text, ["国家智能制造试点示范企业", "湖南省智能制造示范企业"])
    assert found == {"国家智能制造试点示范企业": False, "湖南省智能制造示范企业": True}


def test_numbered_items_continue_over_unnumbered_lines_and_skip_placeholders():
    lines = ["1. 研发设计：协同设计。", "设计数据驱动制造。", "2．生产制造：APS排产。", "3. ", "……"]
    assert numbered_items(lines) == ["研发设计：协同设计。\n设计数据驱动制造。", "生产制造：APS排产。"]


@pytest.mark.parametrize("text, expected", [
    ("2．具体场景描述（结合要素条件进行描述）（150字以内）：通过5G采集数据。", ("description", "通过5G采集数据。")),
    ("2. 具体场景描述：通过5G采集数据。", ("description", "通过5G采集数据。")),
    ("具体场景描述（结合要素条件进行描述）（150字以内）", ("description", "")),
    ("1．具体场景名称。如：人机协同作业", ("name", "")),
    ("1．具体场景名称：人机协同装配", ("name", "人机协同装配")),
    ("7．其他：带动上下游。", ("other", "带动上下游。")),
    ("其他方面，公司还建设了数据中台。", None),
    ("示例：针对发动机壳体加工", None),
])
def test_item_labels_with_or_without_their_number_and_hints(text, expected):
    assert item_line(text) == expected


@pytest.mark.parametrize("text, level, name", [
    ("（一）环节1：生产作业", 2, "生产作业"), ("（三）生产作业", 2, "生产作业"), ("环节3：仓储配送", None, "仓储配送"),
    ("（一）环节1。如：生产作业", 2, ""), ("（一）提高效率", None, None), ("（五）协同集成情况", 2, None),
])
def test_link_headings(text, level, name):
    assert link_heading(Para(text, "heading 2" if level else "", level)) == name


def test_scenario_headings():
    assert scenario_heading("场景2：智能在线检测") == "智能在线检测"
    assert scenario_heading("场景 10 ： 自定义场景") == "自定义场景"
    assert scenario_heading("场景建设完成后，效率提升30%") is None


def test_tracked_changes_count_as_accepted():
    data = in_document(BLANK, r"(单位地址</w:t></w:r></w:p></w:tc><w:tc>.*?<w:p>.*?)(</w:p>)",
                       r'\1<w:ins w:id="1" w:author="张三"><w:r><w:t>长沙市新地址</w:t></w:r></w:ins>'
                       r'<w:del w:id="2" w:author="张三"><w:r><w:delText>旧地址</w:delText></w:r></w:del>\2')
    assert read_docx(data).fields["basic.address"] == "长沙市新地址"


def test_check_boxes_inserted_as_symbols_read_as_ticks():
    data = in_document(BLANK, r'<w:t xml:space="preserve">□</w:t>(</w:r><w:r><w:t xml:space="preserve">民营)',
                       r'<w:sym w:font="Wingdings 2" w:char="F052"/>\1')
    assert read_docx(data).fields["basic.nature"] == "民营"


def test_a_cell_inside_a_content_control_is_still_read():
    data = in_document(BLANK, r"(<w:tc>(?:(?!<w:tc>).)*?单位地址</w:t>.*?</w:tc>)(<w:tc>.*?)(</w:p></w:tc>)",
                       r'\1<w:sdt><w:sdtPr/><w:sdtContent>\2<w:r><w:t>控件中的地址</w:t></w:r>\3</w:sdtContent></w:sdt>')
    assert read_docx(data).fields["basic.address"] == "控件中的地址"


def test_a_part_missing_from_the_file_is_named():
    data = in_document(BLANK, "五、行业影响及示范作用", "附：补充说明")
    parsed = read_docx(data)
    assert parsed.missing == ["五、行业影响及示范作用"]
    assert "influence.influence" not in parsed.fields


def test_a_file_without_the_basic_table_is_said_so():
    data = in_document(BLANK, "企业名称", "单位名称")
    assert "一、基本情况表" in read_docx(data).missing
