"""The Word 申报书 as Word and WPS expect an official document: no default-template leftovers, the form's fonts,
footnotes and check marks, a cover that underlines every line, numbers printed as amounts."""
import io
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from lxml import etree

from tests.documents.word_form import GENERATED_AT, Form, build, render
from webapp.core.numbers import plain_decimal
from webapp.documents import docx_format, fonts
from webapp.documents.docx_builder import application_context, render_blank, render_docx
from webapp.models import ApplicationType
from webapp.ops.word_template.footnotes import FOOTNOTES

SYSTEM = "湖南省智能制造标杆申报系统"
MARKS = "☑□"
TOP = WD_CELL_VERTICAL_ALIGNMENT.TOP
FOOTNOTE_LABELS = ["所属行业", "智能制造车间名称", "其中：", "实施智能制造涵盖的环节", "智能制造实施效果"]


def part(form: Form, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(form.data)) as package:
        return etree.fromstring(package.read(name))


def names(form: Form) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(form.data)) as package:
        return set(package.namelist())


@pytest.fixture
def filled(ctx):
    application = build(ctx, ApplicationType.WORKSHOP, links=4, scenarios_per_link=1)
    application.version = 2
    return application, render(application)


def test_no_leftovers_of_the_default_template(filled):
    for form in (filled[1], Form(render_blank([2021, 2022, 2023]))):
        assert not {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml", "customXml/item1.xml"} & names(form)
        settings = part(form, "word/settings.xml")
        modes = [s.get(qn("w:val")) for s in settings.iter(qn("w:compatSetting"))
                 if s.get(qn("w:name")) == "compatibilityMode"]
        assert modes == ["15"]                                    # no "[兼容模式]" in Word
        assert settings.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
        assert settings.find(qn("w:savePreviewPicture")) is None
        lang = part(form, "word/styles.xml").find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
        assert lang.get(qn("w:eastAsia")) == "zh-CN"
        app = part(form, "docProps/app.xml")
        assert [element.text for element in app if element.tag.endswith("Application")] == [SYSTEM]
        with zipfile.ZipFile(io.BytesIO(form.data)) as package:
            xml = b"".join(package.read(name) for name in package.namelist() if name.endswith((".xml", ".rels")))
        assert b"Macintosh" not in xml and b"ja-JP" not in xml
        font_names = [font.get(qn("w:name")) for font in part(form, "word/fontTable.xml")]
        assert font_names == [font.name for font in fonts.ALL]           # no ＭＳ 明朝 and the like


def test_properties_describe_the_file(filled):
    application, form = filled
    props = form.doc.core_properties
    assert props.author == props.last_modified_by == SYSTEM
    assert props.created == props.modified == GENERATED_AT.replace(tzinfo=props.created.tzinfo)
    assert props.title == f"湖南省智能制造标杆申报书-{application.company_name}"
    assert props.subject == application.project_name
    assert props.revision == 2 and props.language == "zh-CN"
    assert "版本 2" in props.comments
    blank = Form(render_blank()).doc.core_properties
    assert blank.title == "湖南省智能制造标杆申报书（空白表）" and blank.subject == ""
    assert abs(blank.created.replace(tzinfo=None) - datetime.utcnow()) < timedelta(minutes=5)


def test_the_font_table_names_the_official_fonts_with_fallbacks(filled):
    form = filled[1]
    table = {font.get(qn("w:name")): font for font in part(form, "word/fontTable.xml")}
    for font in fonts.ALL:
        assert table[font.name].find(qn("w:altName")).get(qn("w:val")).split(",") == list(font.fallbacks)
    assert fonts.TABLE.fallbacks[-2:] == ("Noto Serif CJK SC", "AR PL UMing CN")      # Debian has them
    styles = {style.style_id: style for style in form.doc.styles}

    def east_asia(style_id):
        return styles[style_id].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert [east_asia(s) for s in ("Heading1", "Heading2", "Heading3", "Normal", "FormGuide", "FormCell")] == \
        ["黑体", "楷体_GB2312", "仿宋_GB2312", "仿宋_GB2312", "楷体_GB2312", "宋体"]
    title = form.body[0].runs[0]
    assert title.text == "湖南省智能制造标杆申报书" and title._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_every_check_mark_is_a_run_of_its_own_in_one_font(filled):
    form = filled[1]
    marks = [run for run in form.doc.element.body.iter(qn("w:r"))
             if any(mark in "".join(t.text or "" for t in run.iter(qn("w:t"))) for mark in MARKS)]
    assert len(marks) == 2 + 4 + 8 + 2          # cover type, 企业性质, 相关荣誉 (7 and 其他), 重大事故
    for run in marks:
        assert "".join(t.text for t in run.iter(qn("w:t"))) in MARKS
        run_fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert {run_fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {fonts.MARKS.name}
        assert run_fonts.get(qn("w:hint")) == "eastAsia"


def test_footnotes_are_where_the_form_puts_them(filled):
    form = filled[1]
    for number, label in enumerate(FOOTNOTE_LABELS, start=1):
        cell = form.label_cell(label)
        assert [ref.get(qn("w:id")) for ref in cell._tc.iter(qn("w:footnoteReference"))] == [str(number)], label
    references = [ref.get(qn("w:id")) for ref in form.doc.element.body.iter(qn("w:footnoteReference"))]
    assert references == ["1", "2", "3", "4", "5"]
    notes = [note for note in part(form, "word/footnotes.xml") if note.get(qn("w:type")) is None]
    assert ["".join(t.text for t in note.iter(qn("w:t"))).strip() for note in notes] == list(FOOTNOTES.values())
    footnote_properties = part(form, "word/settings.xml").find(qn("w:footnotePr"))
    assert [f.get(qn("w:id")) for f in footnote_properties.findall(qn("w:footnote"))] == ["-1", "0"]


def test_cover_values_are_underlined_to_the_end_of_their_last_line(ctx):
    application = build(ctx, links=1, scenarios_per_link=1)
    application.project_name = "基于工业互联网平台的高端液压装备全流程数字化、网络化、智能化改造与协同制造示范工厂建设项目"
    form = render(application)
    for row in form.cover_rows:
        label, value = row[0].text, row[1]
        assert row[0].vertical_alignment == value.vertical_alignment == TOP      # a long value wraps down
        if label == "申 报 类 型：":
            continue
        paragraph = value.paragraphs[0]
        assert all(run.underline for run in paragraph.runs), label
        assert paragraph.runs[-1]._r.find(qn("w:tab")) is not None
        assert [stop.alignment for stop in paragraph.paragraph_format.tab_stops] == [WD_TAB_ALIGNMENT.RIGHT]
    assert form.cover("项 目 名 称：") == application.project_name


def test_amounts_print_in_wanyuan_with_two_decimals_and_separators(ctx):
    application = build(ctx, links=1, scenarios_per_link=1)
    application.invest_total, application.invest_3y = Decimal("268671"), Decimal("300911.52")
    application.cost_equipment, application.domestic_share = Decimal("1234567.8"), Decimal("82.5")
    form = render(application)
    assert form.cell("企业实施智能制造的总投入（万元）") == "268,671.00"
    assert form.cell("企业近3年实施智能制造的总投入（万元）") == "300,911.52"
    assert form.cell("设备费（万元）") == "1,234,567.80"
    assert form.cell("其中：国产智能制造软、硬件投资占比") == "82.50%"
    assert [docx_format.amount(v) for v in ("", None, "-12.5", "0")] == ["", "", "-12.50", "0.00"]
    assert [docx_format.percent(v) for v in ("", "7", "99.99")] == ["", "7.00", "99.99"]


@pytest.mark.parametrize("email, size", [("li@hn.cn", None), ("wangxiaoyan@xiangjiang-im.com.cn", 9.0),
                                         ("wangxiaoyan.zhang@xiangjiang-equipment.com", 7.5)])
def test_a_long_email_address_is_printed_smaller_to_stay_on_one_line(ctx, email, size):
    application = build(ctx, links=1, scenarios_per_link=1)
    application.contact_email = email
    form = render(application)
    row, index = form._find("E-mail", nth=1)
    runs = [run for paragraph in row[index + 1].paragraphs for run in paragraph.runs if run.text]
    assert [run.text for run in runs] == [email]
    assert (runs[0].font.size.pt if runs[0].font.size else None) == size


def test_fits_estimates_the_printed_width():
    assert docx_format.fits("13800000000", 2.2, 10.5) and not docx_format.fits("13800000000", 2.0, 10.5)
    assert not docx_format.fits("1,234,567,890.00", 2.0, 10.5)
    assert docx_format.fits("智能制造", 1.6, 10.5) and not docx_format.fits("智能制造", 1.4, 10.5)


def test_guidance_after_a_heading_is_not_bold(filled):
    form = filled[1]
    index = form.heading_index("（三）关键技术设备、软件的清单及品牌、供应商")
    label, guidance = form.body[index].runs
    assert guidance.text.startswith("（包括名称") and guidance.bold is False and label.bold is None
    assert form.body[index].style.font.bold is True


def test_the_fingerprint_is_the_same_as_before_the_printing_changed(ctx):
    """Formatting lives in the template, so a stamped print made before this layout still matches its content."""
    application = build(ctx, links=1, scenarios_per_link=1)
    context = application_context(application, generated_at=GENERATED_AT, draft=True)
    assert context["invest"]["total"] == plain_decimal(application.invest_total)
    assert "pledge_date" not in context
    assert render_docx(context, lambda p: b"")
