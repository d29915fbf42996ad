"""The blank 申报书 for offline drafting, compared paragraph by paragraph with the text of 附件2.

tests/data/fujian2.txt holds 附件2's text as the spec gives it (the official form saved as text): the lines from
"附件2" (left out: the attachment number of the notice, not part of the form) up to "附件3", with every table row
split at its tabs so that each paragraph or table cell is one line, empty ones dropped; then, after "# 脚注", the five
footnotes the text extraction put at the end of the notice, without their mark. It was extracted with a few lines of
Python (split at tab and line feed, strip, keep non-empty) and not edited by hand.

The comparison ignores white space (the form aligns with spaces, the Word file with tabs, cells and full-width
spaces) and how text is cut into cells and lines ("组织机/构代码" is one cell in the Word file): both sides are read
as one stream of text, and each line of the form must follow where the previous one ended. A missing 示例, 注 or
row, an extra paragraph or a changed word fails with the line of the form and the Word file's text at that point.
"""
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from tests.documents.word_form import Form
from webapp.documents.docx_builder import render_blank

SPEC = Path(__file__).resolve().parents[1] / "data" / "fujian2.txt"
YEARS = [2021, 2022, 2023]                     # the years 附件2 prints
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    return _SPACE.sub("", text)


def spec_parts() -> tuple[list[str], list[str]]:
    """The form's lines and its footnotes."""
    lines = [line for line in SPEC.read_text(encoding="utf-8").split("\n") if line.strip()]
    split = lines.index("# 脚注")
    return [line for line in lines[:split] if not line.startswith("#")], lines[split + 1:]


def body_texts(document) -> list[str]:
    """Every paragraph of the body in order; a table row by row, each cell once (a merged cell by its first part)."""
    texts = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            texts.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            for row in table.rows:
                for tc in row._tr.tc_lst:
                    texts.extend(Paragraph(p, table).text for p in tc.iter(qn("w:p")))
    return texts


def footnote_texts(data: bytes) -> list[str]:
    """The text of each footnote (not the separators), in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml")).findall(qn("w:footnote"))
    return ["".join(t.text or "" for t in note.iter(qn("w:t"))) for note in notes if note.get(qn("w:type")) is None]


def assert_follows(expected: list[str], actual_texts: list[str], what: str) -> None:
    """Each expected line continues the actual text where the previous one ended, and nothing is left over."""
    stream = "".join(normalised(text) for text in actual_texts)
    position = 0
    for number, line in enumerate(expected, start=1):
        wanted = normalised(line)
        found = stream[position:position + len(wanted)]
        assert found == wanted, (f"{what}, line {number} of the form: {line!r}\n"
                                 f"the Word file has here: {stream[position:position + len(wanted) + 30]!r}")
        position += len(wanted)
    assert position == len(stream), f"{what}: the Word file goes on after the form ends: {stream[position:][:80]!r}"


def test_the_blank_form_reads_as_fujian2_paragraph_by_paragraph():
    data = render_blank(YEARS)
    form_lines, footnotes = spec_parts()
    assert len(form_lines) > 150 and len(footnotes) == 5
    assert_follows(form_lines, body_texts(Document(io.BytesIO(data))), "body")
    assert_follows(footnotes, footnote_texts(data), "footnotes")


def test_the_comparison_notices_a_missing_example_or_note():
    form_lines, footnotes = spec_parts()
    texts = body_texts(Document(io.BytesIO(render_blank(YEARS))))
    example = next(text for text in texts if text.startswith("示例：编制发动机壳体"))
    for broken in ([text for text in texts if text != example], [*texts, "附：盖章申报书扫描件"]):
        try:
            assert_follows(form_lines, broken, "body")
        except AssertionError:
            continue
        raise AssertionError("a changed form passed the comparison")


def test_blank_form_has_its_skeletons_and_an_offline_footer():
    form = Form(render_blank(YEARS))
    assert form.cover("申 报 类 型：") == "□标杆企业　　□标杆车间"
    assert form.cover("申 报 日 期：") == "　　年　　月　　日"
    assert form.row_texts("近三年主要经济指标") == ["近三年主要经济指标", "2021年", "2022年", "2023年"]
    assert form.cell("智能制造车间名称") == ""          # offline drafters may be either type
    assert form.cell_paragraphs("智能制造实现功能") == ["在研发设计、生产制造、经营管理等方面实现的功能：", "1. ", "2. ", "……"]
    labels = [row[0].text for row in form.rows]
    links = form.rows[labels.index("实施智能制造涵盖的环节"):labels.index("智能制造实现功能")]
    assert [[cell.text for cell in row[1:]] for row in links] == [["1.", "2."], ["3.", "4."], ["5.", "6."],
                                                                  ["7.", "8."], ["……", ""]]
    texts = [p.text for p in form.body]
    start = texts.index("（一）环节1。如：生产作业")
    assert texts[start + 1:start + 4] == ["1．具体场景名称。如：人机协同作业", "2．具体场景描述（结合要素条件进行描述）（150字以内）",
                                          "示例：针对发动机壳体加工，搭建多台五轴机床+多台机器人组成柔性加工单元。"]
    assert len([text for text in texts if text.startswith("示例：")]) == 6
    assert form.footer().startswith("湖南省智能制造标杆申报书（空白表，供离线填写） · 第 ")


def test_blank_form_without_years_leaves_them_to_fill():
    form = Form(render_blank())
    assert form.row_texts("近三年主要经济指标")[1:] == ["　　年"] * 3
