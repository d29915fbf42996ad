"""Races of PostgreSQL itself, under real parallelism: the unit's quota and 序号, the login failure counter and the
section version claim. SQLite admits one writer at a time (BEGIN IMMEDIATE for every POST), which hides them; on
PostgreSQL each thread below has its own connection and transaction, all released at once by a barrier, and each
test repeats its round enough times to catch the race that the check-then-write without a lock had.

Run with TEST_DATABASE_URL (see tests/dbsetup.py); `.ci/run` does.
"""
import threading

import pytest

from webapp.accounts.colleagues import add_colleague
from webapp.applications.lifecycle import prepare_submission, submit_application
from webapp.applications.versions import NotEditable, SaveConflict, section_write
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, AuditRecord, MemberAccess, SectionVersion, UnitQuota, User,
)
from webapp.review.decisions import decide
from webapp.review.report import ReviewError
from webapp.status import TransitionError

from tests.conftest import login
from tests.core.test_concurrency import run_together
from tests.dbsetup import postgres_url
from tests.factories import OPINION, make_application, make_enterprise, unit_reviewer

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    postgres_url() is None, reason="parallel writers race only on PostgreSQL (SQLite has one writer at a time); "
                                   "set TEST_DATABASE_URL as .ci/run does")]

ROUNDS = 12


def _submitted_pair(app, round_):
    """Two submitted applications of 长沙 and the unit's reviewer: ids."""
    with app.app_context():
        first = make_application(db.session, name=f"湖南竞争甲{round_}有限公司", status=S.SUBMITTED)
        second = make_application(db.session, name=f"湖南竞争乙{round_}有限公司", status=S.SUBMITTED)
        reviewer = unit_reviewer(db.session, first.unit)
        db.session.commit()
        return first.id, second.id, reviewer.id, first.unit_id


def _set_quota(app, unit_id, quota):
    with app.app_context():
        campaign = current_campaign()
        row = db.session.execute(db.select(UnitQuota).filter_by(
            campaign_id=campaign.id, unit_id=unit_id, app_type=ApplicationType.ENTERPRISE)).scalar_one_or_none()
        if row is None:
            row = UnitQuota(campaign_id=campaign.id, unit_id=unit_id, app_type=ApplicationType.ENTERPRISE, quota=0)
            db.session.add(row)
        row.quota = quota
        db.session.commit()


def _recommend(app, application_id, reviewer_id):
    """One 推荐 in its own app context (its own session, connection and transaction)."""
    with app.app_context():
        application = db.session.get(Application, application_id)
        reviewer = db.session.get(User, reviewer_id)
        try:
            decide(application, "recommend", reviewer, OPINION)
            db.session.commit()
            return True
        except ReviewError:
            db.session.rollback()
            return False


def _recommended(app, unit_id):
    with app.app_context():
        return list(db.session.execute(db.select(Application.recommend_order).where(
            Application.unit_id == unit_id, Application.status == S.RECOMMENDED)).scalars())


def test_the_last_place_of_the_quota_goes_to_one_application_only(app):
    for round_ in range(ROUNDS):
        first, second, reviewer, unit_id = _submitted_pair(app, round_)
        _set_quota(app, unit_id, round_ + 1)                # one place left
        results = run_together([lambda a=a: _recommend(app, a, reviewer) for a in (first, second)])
        orders = _recommended(app, unit_id)
        assert sorted(results) == [False, True], f"round {round_}: both recommendations passed the quota check"
        assert len(orders) == round_ + 1


def test_simultaneous_recommendations_get_distinct_order_numbers(app):
    for round_ in range(ROUNDS):
        first, second, reviewer, unit_id = _submitted_pair(app, round_)
        _set_quota(app, unit_id, 1000)
        assert run_together([lambda a=a: _recommend(app, a, reviewer) for a in (first, second)]) == [True, True]
        orders = _recommended(app, unit_id)
        assert sorted(orders) == list(range(1, len(orders) + 1)), f"round {round_}: 序号 {sorted(orders)}"


def test_parallel_wrong_passwords_check_no_more_than_the_threshold(app, accounts):
    threshold = app.config["LOCKOUT_THRESHOLD"]
    app.config["LOGIN_CAPTCHA_AFTER"] = 1000        # only the lockout counter limits the guesses here
    for round_ in range(4):
        code = accounts.enterprise(name=f"湖南锁定测试{round_}有限公司")
        clients = [app.test_client() for _ in range(2 * threshold)]
        run_together([lambda c=c, n=n: login(c, code, f"wrong-{n}") for n, c in enumerate(clients)])
        with app.app_context():
            checked = db.session.execute(db.select(AuditRecord.id).where(
                AuditRecord.action == "auth.login", AuditRecord.actor_login == code,
                AuditRecord.detail.contains('"password"'))).all()
        assert len(checked) == threshold, f"round {round_}: {len(checked)} passwords checked before the lock"


def test_the_first_save_of_a_section_is_claimed_once(app):
    """A section without a version row yet (as in applications made before a section existed): concurrent first
    saves must give one winner and conflicts, never a duplicate-key error."""
    for round_ in range(ROUNDS):
        with app.app_context():
            application = make_application(db.session, name=f"湖南版本测试{round_}有限公司")
            db.session.execute(db.delete(SectionVersion).where(SectionVersion.application_id == application.id))
            db.session.commit()
            application_id, user_id = application.id, application.enterprise.users[0].id

        def save(marker):
            with app.test_request_context("/", method="POST"):
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                try:
                    with section_write(application, "profile", user, 0):
                        application.profile = f"第{marker}位保存者的企业简介。"
                    return True
                except SaveConflict:
                    return False

        results = run_together([lambda n=n: save(n) for n in range(4)])
        assert sorted(results) == [False, False, False, True], f"round {round_}: {results}"
        with app.app_context():
            row = db.session.execute(db.select(SectionVersion).filter_by(
                application_id=application_id, section="profile")).scalar_one()
            assert row.version == 1


def test_a_save_racing_a_submission_never_changes_the_submitted_application(app):
    """section_write checks the state on the application row it locks: a save that started before a submission
    either commits before it (and is in the snapshot) or is refused."""
    for round_ in range(ROUNDS):
        with app.app_context():
            application = make_application(db.session, name=f"湖南提交竞争{round_}有限公司")
            db.session.commit()
            application_id, user_id = application.id, application.enterprise.users[0].id
        barrier = threading.Barrier(2)

        def save():
            with app.test_request_context("/", method="POST"):
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                version = next(v.version for v in application.section_versions if v.section == "profile") \
                    if any(v.section == "profile" for v in application.section_versions) else 0
                barrier.wait()
                try:
                    with section_write(application, "profile", user, version):
                        application.profile = "提交竞争中保存的企业简介。"
                    return "saved"
                except (NotEditable, SaveConflict):
                    return "refused"

        def submit():
            with app.test_request_context("/", method="POST"):
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                prepared = prepare_submission(application)      # the slow part (the Word file) before the race
                db.session.rollback()
                barrier.wait()
                try:
                    submit_application(application, user, prepared)
                except TransitionError:         # the save came first: its edit voided the 盖章版
                    db.session.rollback()
                    return "refused"
                db.session.commit()
                return "submitted"

        outcome = run_together([save, submit])
        assert outcome in (["saved", "refused"], ["refused", "submitted"]), f"round {round_}: {outcome}"
        with app.app_context():
            application = db.session.get(Application, application_id)
            if outcome[1] == "submitted":
                assert application.status is S.SUBMITTED
                assert application.snapshots[-1].data["profile"] == application.profile, f"round {round_}"
            else:
                assert application.status is S.DRAFT and not application.snapshots
                assert application.profile == "提交竞争中保存的企业简介。"



def _add_colleague(app, admin_id, name):
    with app.app_context():
        admin = db.session.get(User, admin_id)
        user, _password = add_colleague(admin, name=name, mobile="13900000008", access=MemberAccess.ALL)
        db.session.commit()
        return user.login


def test_colleagues_added_at_the_same_moment_get_distinct_logins(app):
    for round_ in range(ROUNDS // 2):
        with app.app_context():
            admin = make_enterprise(db.session, name=f"湖南同事竞争{round_}有限公司").users[0]
            db.session.commit()
            admin_id = admin.id
        logins = run_together([lambda n=n: _add_colleague(app, admin_id, f"同事{n}") for n in range(3)])
        assert len(set(logins)) == 3, f"round {round_}: {logins}"
