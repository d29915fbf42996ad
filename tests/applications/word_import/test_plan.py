"""The preview's verdicts on single values and blocks: how typed values are read, what is noted, which blocks match
the guide and the form, and what a selection takes."""
import pytest
from werkzeug.datastructures import MultiDict

from webapp.applications.word_import import Selection, build_plan
from webapp.applications.word_import_fields import typed
from webapp.applications.word_import_links import Choices
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.documents.word_reader import ParsedDocument, ParsedLink, ParsedScenario
from webapp.forms.applications.basic import BasicInfoForm, StaffForm
from webapp.forms.applications.situation import InvestmentForm
from webapp.models import ApplicationType

from tests.applications.word_import.files import empty_application_like
from tests.factories import make_complete_application, make_enterprise


@pytest.fixture
def target(app):
    with app.app_context():
        original = make_complete_application(db.session, enterprise=make_enterprise(db.session),
                                             campaign=current_campaign())
        yield empty_application_like(original)


def form(cls):
    return cls(formdata=MultiDict(), meta={"csrf": False})


@pytest.mark.parametrize("written, values, problem, note", [
    ("1,234.5万元", ["1,234.5"], "", ""), ("1234.5 万", ["1234.5"], "", ""),
    ("1.2亿元", ["12000"], "", "“1.2亿元”按 12000 万元导入。"),
    ("12,000元", None, "“12,000元”的单位不对：此处的单位是万元。", ""),
    ("三百", ["三百"], "", ""),
])
def test_amounts_as_people_write_them(app, written, values, problem, note):
    with app.test_request_context():
        entry = typed(form(InvestmentForm).invest_total, written)
    assert (entry.values, entry.problem, entry.note) == (values, problem, note)


def test_counts_and_dates(app):
    with app.test_request_context():
        assert typed(form(StaffForm).staff_total, "186人").values == ["186"]
        founded = form(BasicInfoForm).founded_on
        assert typed(founded, "2006年4月18日").values == ["2006-04-18"]
        assert typed(founded, "2006.4.8").values == ["2006-04-08"]
        assert typed(founded, "2006年4月").note.startswith("日期请写作")


def test_industries_by_code_by_name_or_refused(app):
    with app.test_request_context():
        division = form(BasicInfoForm).industry_division_code
        assert typed(division, "35专用设备制造业").values == ["35"]
        assert typed(division, "专用设备制造业").values == ["35"]
        assert typed(division, "专用设备制造").note == "按最接近的“35专用设备制造业”导入，请核对。"
        assert "不是《国民经济行业分类》中的大类" in typed(division, "造船").problem


def parsed(**fields) -> ParsedDocument:
    return ParsedDocument(fields=dict(fields))


def test_the_cover_name_stands_in_and_a_foreign_credit_code_is_noted(target):
    plan = build_plan(target, parsed(**{"cover.company_name": "湖南封面智能装备有限公司", "basic.company_name": "",
                                        "basic.org_code": "91430104MA4L0DEM1F"}))
    rows = {row.key: row for _section, row in plan.rows()}
    assert rows["basic.company_name"].found == "湖南封面智能装备有限公司"
    assert rows["basic.company_name"].notes == ["取自封面的“申报单位”。"]
    assert "请确认这是本企业的申报书" in rows["basic.org_code"].notes[0]


def test_workshop_rows_of_a_workshop_file_ask_for_its_type_too(target):
    assert target.app_type is ApplicationType.ENTERPRISE
    plan = build_plan(target, parsed(**{"cover.app_type": "标杆车间", "investment.workshop_name": "装配车间"}))
    row = next(row for _s, row in plan.rows() if row.key == "investment.workshop_name")
    assert row.importable and "请同时导入封面的“申报类型”" in row.notes[0]


def scenario(title="", **values) -> ParsedScenario:
    return ParsedScenario(title=title, values={"name": "", **values})


def test_blocks_match_the_guide_merge_and_fall_back_to_own_scenarios(target):
    links = [ParsedLink("生产作业", scenarios=[scenario("人机协同制造", description="甲"),
                                            scenario("", name="全厂能源数字化管理", description="乙")]),
             ParsedLink("生产作业", scenarios=[scenario("自定义场景", name="第二块", description="丙")]),
             ParsedLink("", scenarios=[scenario(description="丁")])]
    plan = build_plan(target, ParsedDocument(links=links))
    first, again, unnamed = plan.links
    assert first.match.target.name == "生产作业" and first.match.exact
    assert first.scenarios[0].match.target.name == "人机协同制造" and first.scenarios[0].match.exact
    assert first.scenarios[1].match.target is None                       # nothing alike: an own scenario
    assert any("将合并到同一环节" in note for note in again.notes)
    assert again.scenarios[0].match.target is None
    assert unnamed.match.target is None and unnamed.row.state == "problem"
    assert all(row.state == "problem" for row in unnamed.scenarios[0].all_rows)
    chosen = build_plan(target, ParsedDocument(links=links), Choices(scenarios={(1, 1): "own"}))
    assert chosen.links[0].scenarios[0].match.target is None and chosen.links[0].scenarios[0].match.chosen


def test_a_selection_takes_rows_sections_and_blocks():
    selection = Selection({"section:basic", "link:2", "scenario:3.1", "staff.staff_total"})
    assert selection.takes("basic", "basic.address")
    assert selection.takes("implementation", "implementation.2.1.name")
    assert selection.takes("implementation", "implementation.3.1.pictures")
    assert not selection.takes("implementation", "implementation.3.2.name")
    assert selection.takes("staff", "staff.staff_total") and not selection.takes("staff", "staff.staff_other")
    assert Selection({"all"}).takes("lessons", "lessons.lessons")


def test_years_outside_the_campaign_and_unreadable_headings(target):
    plan = build_plan(target, parsed(**{"economics.2019.revenue": "100", "economics.#2.revenue": "200"}))
    rows = {row.key: row for _section, row in plan.rows()}
    assert rows["economics.2019.revenue"].state == "problem"
    assert "不在本批次的近三年（2021–2023）内" in rows["economics.2019.revenue"].problems[0]
    assert rows["economics.2019.revenue"].label == "2019年 主营业务收入（万元）"
    assert rows["economics.#2.revenue"].importable and rows["economics.#2.revenue"].label.startswith("2022年")
    assert rows["economics.#2.revenue"].notes == ["表头的年度无法识别，第2列按2022年导入，请核对。"]


def test_missing_parts_are_problems_of_the_whole_file(target):
    plan = build_plan(target, ParsedDocument(missing=["五、行业影响及示范作用"]))
    assert plan.problems == ["文件中没有“五、行业影响及示范作用”部分，其内容未导入。"]
