"""The state table: every (action, state, role) is decided by webapp/status.py alone, every applied transition is
recorded in the history and the audit trail, and the whole sequence is reachable from 草稿."""
import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus as S, AuditRecord, Role, StatusChange, User
from webapp.status import TRANSITIONS, TransitionError, apply_transition, check_transition

from tests.factories import make_complete_application, make_enterprise


@pytest.fixture
def subject(app):
    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南状态表测试有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign())
        users = {Role.APPLICANT: enterprise.users[0]}
        for role in (Role.RECOMMENDER, Role.ADMIN, Role.EXPERT, Role.SECURITY):
            user = User(login=f"state-{role.value}", role=role, display_name=role.label,
                        unit_id=application.unit_id if role is Role.RECOMMENDER else None)
            user.set_password("Passw0rd!x")
            db.session.add(user)
            users[role] = user
        db.session.commit()
        yield application, users


def test_every_action_is_allowed_exactly_from_its_sources_and_for_its_role(app, subject):
    application, users = subject
    for action, transition in TRANSITIONS.items():
        for status in S:
            application.status = status
            for role, user in users.items():
                allowed = status in transition.sources and role is transition.role
                try:
                    check_transition(application, action, user, "意见")
                except TransitionError:
                    assert not allowed, (action, status, role)
                else:
                    assert allowed, (action, status, role)


def test_a_comment_is_required_where_the_table_says_so(app, subject):
    application, users = subject
    for action, transition in TRANSITIONS.items():
        application.status = transition.sources[0]
        user = users[transition.role]
        if transition.comment_required:
            with pytest.raises(TransitionError, match="必须填写意见"):
                check_transition(application, action, user, "  ")
        else:
            check_transition(application, action, user, None)


# The province's selection, as the state table lays it out: each step from the previous state.
SELECTION = [
    ("submit", S.SUBMITTED), ("recommend", S.RECOMMENDED), ("request_correction", S.CORRECTION),
    ("submit_correction", S.CORRECTED), ("request_correction", S.CORRECTION), ("submit_correction", S.CORRECTED),
    ("pass_form_check", S.FORM_PASSED), ("reopen_form_check", S.RECOMMENDED), ("pass_form_check", S.FORM_PASSED),
    ("start_review", S.UNDER_REVIEW),
]


def test_the_selection_sequence_goes_through_the_table_and_the_audit_trail(app, subject):
    application, users = subject
    for action, target in SELECTION:
        change = apply_transition(application, action, users[TRANSITIONS[action].role], "意见")
        db.session.flush()          # each step is its own request in the application
        assert application.status is target and change.to_status is target
    db.session.commit()
    history = db.session.execute(db.select(StatusChange.action).filter_by(application_id=application.id)
                                 .order_by(StatusChange.id)).scalars().all()
    assert history == [action for action, _ in SELECTION]
    audited = db.session.execute(db.select(AuditRecord.action).where(AuditRecord.action.like("application.%"))
                                 .order_by(AuditRecord.id)).scalars().all()
    assert [a for a in audited if a != "application.start"] == [f"application.{a}" for a, _ in SELECTION]


@pytest.mark.parametrize("path, end", [
    (["fail_form_check"], S.FORM_FAILED),
    (["request_correction", "fail_form_check"], S.FORM_FAILED),                  # 补正 not answered in time
    (["fail_form_check", "reopen_form_check", "pass_form_check"], S.FORM_PASSED),
])
def test_other_ways_through_form_check(app, subject, path, end):
    application, users = subject
    for action in ["submit", "recommend", *path]:
        apply_transition(application, action, users[TRANSITIONS[action].role], "意见")
        db.session.flush()
    assert application.status is end


def test_an_enterprise_cannot_answer_a_correction_twice_nor_the_unit_decide_during_it(app, subject):
    application, users = subject
    application.status = S.CORRECTED
    db.session.commit()
    with pytest.raises(TransitionError, match="补正已提交"):
        apply_transition(application, "submit_correction", users[Role.APPLICANT])
    application.status = S.CORRECTION
    db.session.commit()
    for action in ("recommend", "reject", "return"):
        with pytest.raises(TransitionError):
            apply_transition(application, action, users[Role.RECOMMENDER], "x")
    assert db.session.get(Application, application.id).status is S.CORRECTION
