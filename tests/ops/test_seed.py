"""Reference data: counts, the 14 units, idempotence."""
from webapp.core.extensions import db
from webapp.models import County, IndustryGroup, Link, RecommendingUnit, Scenario
from webapp.ops.seeding import load_reference

EXPECTED = {"方面": 3, "环节": 16, "场景": 45, "门类": 20, "行业大类": 97, "行业中类": 473, "市州": 14, "县市区": 122,
            "推荐单位": 14}


def test_seed_prints_counts_and_second_run_changes_nothing(runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0
    for name, number in EXPECTED.items():
        assert f"{name} {number}" in first.output
    second = runner.invoke(args=["seed"])
    assert "未作改动" in second.output


def test_load_is_idempotent(app):
    with app.app_context():
        counts = load_reference()
        assert counts.pop("changed") == 0
        assert counts == EXPECTED


def test_units_are_tied_to_their_prefectures(app):
    with app.app_context():
        units = db.session.execute(db.select(RecommendingUnit).order_by(RecommendingUnit.prefecture_adcode)).scalars().all()
        assert units[0].name == "长沙市工业和信息化局" and units[0].prefecture.name == "长沙市"
        assert units[-1].name == "湘西土家族苗族自治州工业和信息化局"
        assert units[-1].prefecture_adcode == "433100"


def test_scenarios_per_link_match_the_guide(app):
    expected = [3, 2, 3, 2, 3, 5, 3, 7, 2, 3, 2, 2, 2, 2, 2, 2]
    with app.app_context():
        links = db.session.execute(db.select(Link).order_by(Link.no)).scalars().all()
        assert [len(link.scenarios) for link in links] == expected
        assert links[7].name == "生产作业"
        scenario = db.session.execute(db.select(Scenario).filter_by(no=27)).scalar_one()
        assert scenario.name == "人机协同制造" and scenario.link.name == "生产作业"


def test_industry_and_county_examples(app):
    with app.app_context():
        group = db.session.get(IndustryGroup, "351")
        assert group.name == "采矿、冶金、建筑专用设备制造" and group.division.name == "专用设备制造业"
        assert db.session.get(County, "430582").name == "邵东市"


def test_a_changed_seed_value_is_updated(app):
    with app.app_context():
        db.session.execute(db.select(Link).filter_by(no=1)).scalar_one().name = "旧名称"
        db.session.commit()
        assert load_reference()["changed"] == 1
        assert db.session.execute(db.select(Link).filter_by(no=1)).scalar_one().name == "产品设计"
