"""Colleague accounts for tests: made through the same operation as the administrator's page, with a known
password and the first-login change already done."""
from webapp.accounts.colleagues import add_colleague
from webapp.core.extensions import db
from webapp.models import MemberAccess, User

from tests.conftest import PASSWORD, login


def make_colleague(app, admin_login: str, name: str = "张三", access: MemberAccess = MemberAccess.ALL,
                   sections: tuple[str, ...] = (), mobile: str = "13900000001") -> str:
    """A colleague of the enterprise whose administrator logs in as `admin_login`; returns the colleague's login."""
    with app.app_context():
        admin = db.session.execute(db.select(User).filter_by(login=admin_login)).scalar_one()
        user, _password = add_colleague(admin, name=name, mobile=mobile, access=access, sections=list(sections))
        user.set_password(PASSWORD)
        user.must_change_password = False
        db.session.commit()
        return user.login


def colleague_client(app, admin_login: str, **kwargs):
    """A test client logged in as a new colleague (its login on `client.login_name`)."""
    name = make_colleague(app, admin_login, **kwargs)
    client = app.test_client()
    response = login(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.login_name = name
    return client
