"""create-user and bootstrap (the demo set-up that `make run` performs)."""
from webapp.core.extensions import db
from webapp.models import Campaign, Role, User


def test_create_user_prints_one_time_password(runner, app):
    result = runner.invoke(args=["create-user", "--role", "admin", "--username", "boss"])
    assert result.exit_code == 0 and "一次性密码" in result.output
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login="boss")).scalar_one()
        assert user.role is Role.ADMIN and user.must_change_password


def test_create_recommender_needs_a_unit(runner):
    result = runner.invoke(args=["create-user", "--role", "recommender", "--username", "r1"])
    assert result.exit_code != 0 and "必须指定推荐单位" in result.output
    result = runner.invoke(args=["create-user", "--role", "recommender", "--username", "r1", "--unit", "不存在"])
    assert result.exit_code != 0 and "找不到" in result.output


def test_create_user_refuses_duplicate(runner):
    runner.invoke(args=["create-user", "--role", "admin", "--username", "boss"])
    result = runner.invoke(args=["create-user", "--role", "admin", "--username", "boss"])
    assert result.exit_code != 0 and "已存在" in result.output


def test_bootstrap_prints_passwords_once(runner, app):
    first = runner.invoke(args=["bootstrap"])
    assert first.exit_code == 0, first.output
    assert first.output.count("密码") >= 3
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 3
        assert db.session.execute(db.select(Campaign).filter_by(is_current=True)).scalar_one()
    second = runner.invoke(args=["bootstrap"])
    assert "沿用原密码" in second.output
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 3


def test_bootstrap_accounts_can_log_in(runner, app):
    output = runner.invoke(args=["bootstrap"]).output
    for line in output.splitlines():
        if "登录名" in line:
            parts = line.split()
            name, password = parts[parts.index("登录名") + 1], parts[parts.index("密码") + 1]
            client = app.test_client()
            assert client.post("/login", data={"login": name, "password": password}).status_code == 302
            assert client.get("/home").status_code == 200


def test_demo_creates_complete_applications_in_several_states(runner, app):
    from webapp.models import Application, ApplicationStatus, Snapshot
    result = runner.invoke(args=["demo", "--applications", "6", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "已创建 6 份演示申报书" in result.output
    with app.app_context():
        applications = db.session.execute(db.select(Application).join(Campaign).filter(
            Campaign.is_current)).scalars().all()
        assert len(applications) == 6
        assert len({a.unit_id for a in applications}) >= 2
        submitted = [a for a in applications if a.status is not ApplicationStatus.DRAFT]
        assert submitted and all(a.snapshots and a.snapshots[-1].docx_stored_name for a in submitted)
        assert db.session.execute(db.select(db.func.count()).select_from(Snapshot)).scalar_one() >= len(submitted)
    again = runner.invoke(args=["demo", "--applications", "2", "--if-empty"])
    assert "未创建" in again.output
