"""Round trip: the Word file the system generates for an application, imported into an empty application, gives the
same stored values - every field, every 环节 and 场景 in their order, the pictures of the 技术方案 by content."""
from webapp.applications.snapshot import serialize
from webapp.applications.word import frozen_path
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus, ApplicationType
from webapp.ops.demo import create_demo_applications

from tests.applications.word_import.files import empty_application_like, import_all, word_file
from tests.factories import add_solution_picture, make_png

# What a Word file cannot carry: the pledge is signed by hand on the printed form (and agreed to in the system), the
# 申报日期 is set at submission, the proof files of 八 are uploaded separately.
NOT_IN_WORD = {"pledge_legal_rep", "pledge_agreed", "declared_on", "attachments"}


def comparable(application: Application) -> dict:
    return {key: value for key, value in serialize(application).items() if key not in NOT_IN_WORD}


def generated_file(application: Application) -> bytes:
    """The application's own Word file: the one frozen at its last submission, else the draft as downloaded."""
    snapshots = [s for s in application.snapshots if s.docx_stored_name]
    return frozen_path(snapshots[-1]).read_bytes() if snapshots else word_file(application)


def test_every_demo_application_round_trips_through_its_word_file(app, runner):
    result = runner.invoke(args=["demo"])                   # `flask demo`, as it is: 20 applications this year
    assert result.exit_code == 0, result.output
    with app.app_context():
        originals = db.session.execute(db.select(Application).filter_by(campaign_id=current_campaign().id)
                                       .order_by(Application.id)).scalars().all()
        assert {a.app_type for a in originals} == set(ApplicationType)
        assert len({a.status for a in originals}) >= 3
        assert any(a.snapshots for a in originals) and any(a.status is ApplicationStatus.DRAFT for a in originals)
        for number, original in enumerate(originals):
            data = generated_file(original)
            target = empty_application_like(original, name=f"湖南导入测试{number}号智能装备有限公司")
            result = import_all(target, data)
            assert result.skipped == [], (original.id, result.skipped)
            assert result.record is not None and result.record.items == result.items
            db.session.expire_all()
            assert comparable(target) == comparable(original), original.id
            assert [len(link["scenarios"]) for link in serialize(target)["links"]] == \
                [len(link.scenarios) for link in original.links]
        assert len(originals) == 20


def test_pictures_of_the_technical_solution_come_back_as_its_pictures(app):
    with app.app_context():
        create_demo_applications(1, seed=3, write_files=False)
        original = db.session.execute(db.select(Application)).scalar_one()
        scenario = original.links[1].scenarios[0]
        add_solution_picture(db.session, scenario, make_png(120, 60, seed=1), name="装配线示意图.png", write_file=True)
        add_solution_picture(db.session, scenario, make_png(90, 90, noise=True, seed=2), name="拓扑.png",
                             write_file=True)
        db.session.commit()
        target = empty_application_like(original)
        result = import_all(target, word_file(original))
        assert result.pictures == 2
        db.session.expire_all()
        assert comparable(target) == comparable(original)
        pictures = target.links[1].scenarios[0].pictures
        assert [p.sha256 for p in pictures] == [p.sha256 for p in scenario.pictures]
        assert {p.content_type for p in pictures} == {"image/png"}
        again = import_all(target, word_file(original))          # the same file again: nothing new to take
        assert again.items == 0 and again.record is None
        db.session.expire_all()
        assert len(target.links[1].scenarios[0].pictures) == 2
