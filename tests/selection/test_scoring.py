"""The score sheet's rules (range, decimals, gate items, comments, one submission) and the aggregation, spread,
分歧 flag and ranking."""
from decimal import Decimal

import pytest

from webapp.core.extensions import db
from webapp.models import Aggregation, ApplicationType, Role
from webapp.selection.form_check import pass_form_check
from webapp.selection.ranking import TIE_RULE, aggregate, ranking, results, spread
from webapp.selection.scoring import (
    OPINION, IncompleteSheet, Posted, ScoringError, reopen_card, save_sections, section_key, submit_card,
)

from tests.selection.builders import assign, expert, plan_for, recommended, report, scored, staff

D = Decimal


# ---- aggregation -----------------------------------------------------------------------------------------------

def test_mean_of_the_totals():
    assert aggregate([D(80), D(70), D("75.5")], Aggregation.MEAN) == D("75.17")
    assert aggregate([], Aggregation.MEAN) is None


def test_trimmed_mean_drops_the_highest_and_lowest_only_from_five_experts():
    five = [D(90), D(60), D(75), D(78), D(72)]
    assert aggregate(five, Aggregation.TRIMMED) == D(75)                  # (75 + 78 + 72) / 3
    assert aggregate(five, Aggregation.MEAN) == D(75)                     # (375) / 5 — same here by chance
    six = [D(95), D(60), D(75), D(78), D(72), D(70)]
    assert aggregate(six, Aggregation.TRIMMED) == D("73.75")              # (75 + 78 + 72 + 70) / 4
    assert aggregate(six, Aggregation.MEAN) == D("75")
    four = [D(95), D(60), D(75), D(78)]
    assert aggregate(four, Aggregation.TRIMMED) == D("77") == aggregate(four, Aggregation.MEAN)


def test_spread_and_the_disagreement_flag(app):
    with app.app_context():
        plan = plan_for(disagreement_threshold=D(20), aggregation=Aggregation.MEAN)
        apart = in_review("湖南分歧装备有限公司")
        close = in_review("湖南一致装备有限公司")
        experts = [expert(f"评分专家{n}", "株洲市") for n in range(3)]
        for entry, values in zip(experts, ([38, 28, 14, 14], [20, 15, 8, 7], [30, 25, 12, 12])):
            scored(assign(apart, entry), values)
        for entry, values in zip(experts, ([30, 22, 11, 11], [31, 22, 11, 11], [29, 23, 11, 11])):
            scored(assign(close, entry), values)
        by_id = {r.application_id: r for r in results(apart.campaign, plan)}
        assert by_id[apart.id].spread == D(44) and by_id[apart.id].disagreement
        assert by_id[close.id].spread == D(1) and not by_id[close.id].disagreement
        assert spread([]) is None


def in_review(name: str, app_type=ApplicationType.ENTERPRISE, city: str = "长沙市"):
    application = recommended(name, city, app_type)
    report(application)
    pass_form_check(application, staff(Role.ADMIN))
    application.status = application.status.__class__.UNDER_REVIEW     # as confirmed assignments do
    db.session.flush()
    return application


def test_ranking_per_type_with_the_stated_tie_rule_and_filters(app):
    with app.app_context():
        plan = plan_for(aggregation=Aggregation.MEAN)
        a = in_review("湖南同分甲有限公司")
        b = in_review("湖南同分乙有限公司", city="株洲市")
        c = in_review("湖南高分丙有限公司")
        w = in_review("湖南车间丁有限公司", ApplicationType.WORKSHOP)
        judge = expert("排名专家", "湘潭市")
        scored(assign(a, judge), [30, 25, 10, 10])       # 75, first criterion 30
        scored(assign(b, judge), [32, 23, 10, 10])       # 75, first criterion 32: ahead of a
        scored(assign(c, judge), [36, 26, 12, 12])       # 86
        scored(assign(w, judge), [20, 20, 10, 10])
        everything = results(a.campaign, plan)
        ranked = ranking(everything, ApplicationType.ENTERPRISE)
        assert [(r.name, r.rank) for r in ranked] == [("湖南高分丙有限公司", 1), ("湖南同分乙有限公司", 2),
                                                     ("湖南同分甲有限公司", 3)]
        assert [r.name for r in ranking(everything, ApplicationType.WORKSHOP)] == ["湖南车间丁有限公司"]
        zhuzhou = ranking(everything, ApplicationType.ENTERPRISE, prefecture="430200")
        assert [(r.name, r.rank) for r in zhuzhou] == [("湖南同分乙有限公司", 2)]     # the province-wide rank kept
        assert "第一项" in TIE_RULE


# ---- the sheet -------------------------------------------------------------------------------------------------

@pytest.fixture
def sheet_world(app):
    with app.app_context():
        plan = plan_for()
        application = in_review("湖南评分规则有限公司")
        entry = expert("规则专家", "株洲市")
        row = assign(application, entry)
        db.session.commit()
        yield row, plan.sheet_for(application.app_type), plan, entry.user


def first_scored(sheet):
    return sheet.scored[0]


def test_a_score_out_of_range_is_refused_with_a_clear_message_and_the_rest_is_saved(app, sheet_world):
    row, sheet, plan, user = sheet_world
    first, second = sheet.scored[0], sheet.scored[1]
    result = save_sections(row, sheet, user, {section_key(first): Posted("45", "太高"),
                                              section_key(second): Posted("25", "良好")})
    assert result.errors[section_key(first)] == "“场景建设水平”的评分须在0–40分之间，您填写的是45。"
    assert result.typed[section_key(first)].value == "45"                # kept as typed
    assert result.saved == [section_key(second)]
    assert row.card.score_for(first.id) is None and row.card.score_for(second.id).value == D(25)
    for bad, message in (("-1", "须在0–40分之间"), ("三十", "应为数字"), ("30.25", "最多保留一位小数"),
                         ("nan", "须在0–40分之间")):
        result = save_sections(row, sheet, user, {section_key(first): Posted(bad, "")})
        assert message in result.errors[section_key(first)], bad
    assert save_sections(row, sheet, user, {section_key(first): Posted("３０．５", "")}).errors == {}   # full-width
    assert row.card.score_for(first.id).value == D("30.5")


def test_a_gate_item_answered_no_makes_the_total_zero(app, sheet_world):
    row, sheet, plan, user = sheet_world
    values = {section_key(c): Posted(v, "好") for c, v in zip(sheet.scored, ["30", "22", "11", "11.5"])}
    values.update({section_key(g): Posted("yes", "") for g in sheet.gates})
    save_sections(row, sheet, user, values)
    assert row.card.total == D("74.5") and not row.card.vetoed
    gate = sheet.gates[1]
    save_sections(row, sheet, user, {section_key(gate): Posted("no", "")})
    assert row.card.total == D(0) and row.card.vetoed
    values[OPINION] = Posted("", "企业近三年发生过重大安全事故。")
    with pytest.raises(IncompleteSheet) as refused:
        submit_card(row, sheet, plan, user)
    assert f"请填写“{gate.name}”的评语（一票否决须说明理由）。" in refused.value.problems
    save_sections(row, sheet, user, {section_key(gate): Posted("no", "2022年发生过一次重大安全事故。"),
                                     OPINION: Posted("", "一票否决。")})
    card = submit_card(row, sheet, plan, user)
    assert card.total == D(0) and card.vetoed and card.submitted_at is not None


def test_submission_needs_every_score_every_comment_the_plan_asks_for_and_the_opinion(app, sheet_world):
    row, sheet, plan, user = sheet_world
    save_sections(row, sheet, user, {section_key(first_scored(sheet)): Posted("30", "")})
    with pytest.raises(IncompleteSheet) as refused:
        submit_card(row, sheet, plan, user)
    problems = refused.value.problems
    assert "请填写“场景建设水平”的评语。" in problems and "请为“实施成效”评分。" in problems
    assert "请填写专家意见。" in problems and f"请对一票否决项“{sheet.gates[0].name}”选择“是”或“否”。" in problems
    plan.comments_required = False
    values = {section_key(c): Posted("10", "") for c in sheet.scored}
    values.update({section_key(g): Posted("yes", "") for g in sheet.gates})
    values[OPINION] = Posted("", "总体较好。")
    save_sections(row, sheet, user, values)
    assert submit_card(row, sheet, plan, user).total == D(40)


def test_a_submitted_sheet_is_read_only_until_the_admin_reopens_it_with_a_reason(app, sheet_world):
    from webapp.models import AuditRecord
    row, sheet, plan, user = sheet_world
    plan.comments_required = False
    values = {section_key(c): Posted("10", "") for c in sheet.scored}
    values.update({section_key(g): Posted("yes", "") for g in sheet.gates})
    values[OPINION] = Posted("", "意见")
    save_sections(row, sheet, user, values)
    submit_card(row, sheet, plan, user)
    with pytest.raises(ScoringError, match="已提交"):
        save_sections(row, sheet, user, {section_key(first_scored(sheet)): Posted("39", "")})
    with pytest.raises(ScoringError, match="理由"):
        reopen_card(row.card, staff(Role.ADMIN), " ")
    reopen_card(row.card, staff(Role.ADMIN), "第一项分数与评语不一致，请核对。")
    assert row.card.submitted_at is None and row.card.reopen_reason == "第一项分数与评语不一致，请核对。"
    assert save_sections(row, sheet, user, {section_key(first_scored(sheet)): Posted("39", "")}).saved
    db.session.commit()             # audit records are written (and chained) by the commit of their change
    actions = db.session.execute(db.select(AuditRecord.action)).scalars().all()
    assert "score.submit" in actions and "score.reopen" in actions


def test_only_the_assigned_expert_scores(app, sheet_world):
    row, sheet, plan, user = sheet_world
    stranger = expert("旁观专家", "湘潭市").user
    with pytest.raises(ScoringError, match="不是分配给您"):
        save_sections(row, sheet, stranger, {section_key(first_scored(sheet)): Posted("30", "")})
    row.opened_at = None
    with pytest.raises(ScoringError, match="无利益冲突"):
        save_sections(row, sheet, user, {section_key(first_scored(sheet)): Posted("30", "")})
