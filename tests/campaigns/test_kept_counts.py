"""Kept 场景 counts of the overview (webapp.campaigns.kept_counts) equal a recount from the 场景 blocks after any
sequence of changes — blocks added and removed, a guide 场景 changed, states changed, applications deleted — and
after concurrent changes of several applications (no lost update); the overview's chart shows them."""
from hypothesis import HealthCheck, given, settings, strategies as st

from webapp.applications import implementation
from webapp.campaigns import kept_counts
from webapp.campaigns.lookup import current_campaign
from webapp.campaigns.overview import build_overview
from webapp.core.extensions import command_writes, db
from webapp.models import Application, ApplicationScenario, ApplicationStatus as S, Scenario

from tests.core.test_concurrency import run_together
from tests.factories import make_application

STATES = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.NOT_RECOMMENDED]


def assert_kept_equal_recount():
    campaign_id = current_campaign().id
    db.session.expire_all()
    assert kept_counts.kept(campaign_id) == {k: v for k, v in kept_counts.recount(campaign_id).items() if v}


def op_add_scenario(application, index):
    links = [link for link in application.links if implementation.available_scenarios(application, link)]
    if links:
        link = links[index % len(links)]
        choices = implementation.available_scenarios(application, link)
        implementation.add_scenario(application, link, choices[index % len(choices)].id)


def op_add_own(application, index):
    if application.links:
        implementation.add_scenario(application, application.links[index % len(application.links)], None, "自定义")


def op_remove_scenario(application, index):
    blocks = [s for link in application.links for s in link.scenarios]
    if blocks:
        implementation.remove_scenario(blocks[index % len(blocks)])


def op_remove_link(application, index):
    if application.links:
        implementation.remove_link(application, application.links[index % len(application.links)])


def op_same_scenario_twice(application, index):
    """A guide 场景 claimed by two blocks of one application (the checklist flags it; it counts once)."""
    blocks = [s for link in application.links for s in link.scenarios if s.scenario_id is not None]
    if len(blocks) > 1:
        blocks[index % len(blocks)].scenario_id = blocks[(index + 1) % len(blocks)].scenario_id


def op_state(application, index):
    application.status = STATES[index % len(STATES)]      # the counts follow any writer, not only the state table


def op_delete(application, _index):
    db.session.delete(application)


OPERATIONS = [op_add_scenario, op_add_own, op_remove_scenario, op_remove_link, op_same_scenario_twice, op_state,
              op_delete]
STEPS = st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 2), st.integers(0, 40)), min_size=1,
                 max_size=10)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_kept_counts_equal_a_recount_after_any_changes(app, steps):
    with app.app_context():
        made = [make_application(db.session, name=f"湖南计数样本{n}有限公司", links=2) for n in range(3)]
        made[1].status, made[2].status = S.SUBMITTED, S.RECOMMENDED
        db.session.commit()
        ids = [a.id for a in made]
        assert_kept_equal_recount()
        for operation, which, index in steps:
            application = db.session.get(Application, ids[which])
            if application is not None:
                operation(application, index)
                db.session.commit()
            assert_kept_equal_recount()


def test_concurrent_changes_lose_no_count(app):
    """Eight applications of one unit and state claim the same guide 场景 at the same moment."""
    with app.app_context():
        made = [make_application(db.session, name=f"湖南并发计数{n}有限公司", links=1) for n in range(8)]
        db.session.commit()
        ids = [a.id for a in made]
        target = db.session.execute(db.select(Scenario.id).where(
            Scenario.link_id == made[0].links[0].link_id, Scenario.edition_id == made[0].edition_id)
            .order_by(Scenario.no)).scalars().first()

    def claim(application_id):
        def job():
            with app.app_context(), command_writes():        # the write lock at BEGIN, as a POST takes it
                application = db.session.get(Application, application_id)
                for block in application.links[0].scenarios:
                    block.scenario_id = None
                db.session.flush()
                application.links[0].scenarios[0].scenario_id = target
                db.session.commit()
        return job

    run_together([claim(i) for i in ids])
    with app.app_context():
        assert_kept_equal_recount()
        overview = build_overview(current_campaign())
        bar = next(b for b in overview.by_scenario if b.title.startswith(f"场景{db.session.get(Scenario, target).no}“"))
        assert bar.value == 8


def test_the_overview_chart_reads_the_kept_counts(app):
    with app.app_context():
        application = make_application(db.session, links=1)
        db.session.commit()
        block = application.links[0].scenarios[0]
        campaign, scenario = current_campaign(), db.session.get(Scenario, block.scenario_id)
        before = next(b.value for b in build_overview(campaign).by_scenario if b.label.startswith(f"{scenario.no}."))
        # Only the kept row changes: the chart follows it, not a recount of the blocks.
        db.session.execute(db.update(kept_counts.ScenarioCount).where(
            kept_counts.ScenarioCount.scenario_id == scenario.id).values(applications=41))
        after = next(b.value for b in build_overview(campaign).by_scenario if b.label.startswith(f"{scenario.no}."))
        assert (before, after) == (1, 41)
        assert db.session.get(ApplicationScenario, block.id) is not None


def test_the_migration_counts_the_applications_already_there(app):
    """Upgrading a database with applications fills the kept counts from their blocks (0014_scenario_counts)."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0014_scenario_counts.py"
    spec = importlib.util.spec_from_file_location("scenario_counts_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.app_context():
        made = [make_application(db.session, name=f"湖南存量计数{n}有限公司", links=2) for n in range(3)]
        made[1].status = S.SUBMITTED
        implementation.add_scenario(made[2], made[2].links[0], None, "自定义")
        db.session.commit()
        expected = kept_counts.kept(current_campaign().id)
        assert expected
        db.session.execute(db.delete(kept_counts.ScenarioCount))
        db.session.execute(db.delete(kept_counts.ScenarioClaims))
        db.session.commit()
        with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            migration._count_existing()
        db.session.expire_all()
        assert kept_counts.kept(current_campaign().id) == expected
        assert_kept_equal_recount()


def test_recount_scenarios_repairs_counts_changed_behind_the_apps_back(app, runner):
    with app.app_context():
        made = [make_application(db.session, name=f"湖南修复计数{n}有限公司", links=2) for n in range(3)]
        implementation.add_scenario(made[1], made[1].links[0], None, "自定义")
        implementation.remove_link(made[2], made[2].links[0])
        implementation.remove_link(made[2], made[2].links[0])        # no block left
        db.session.commit()
        expected = kept_counts.kept(current_campaign().id)
        # SQL typed by hand: a bulk statement the watcher does not see.
        db.session.execute(db.update(Application).where(Application.id == made[0].id).values(status=S.SUBMITTED))
        db.session.execute(db.update(kept_counts.ScenarioCount).values(applications=99))
        db.session.commit()
    result = runner.invoke(args=["recount-scenarios"])
    assert result.exit_code == 0, result.output
    assert "已按 3 份申报书重新统计" in result.output
    with app.app_context():
        assert_kept_equal_recount()
        assert kept_counts.kept(current_campaign().id) != expected      # made[0] now counts as submitted
