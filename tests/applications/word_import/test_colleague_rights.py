"""导入Word申报书 for an enterprise's colleagues: an import writes only the sections the colleague may edit, and a
colleague who may only view cannot import at all."""
import re

import pytest

from webapp.core.extensions import db
from webapp.models import Application, MemberAccess
from webapp.permissions import SECTION_DENIED

from tests.applications.word_import.files import word_file
from tests.applications.word_import.pages import import_rows, start, upload, uploaded
from tests.colleagues import colleague_client
from tests.conftest import text
from tests.factories import make_application


@pytest.fixture
def source(app):
    with app.app_context():
        original = make_application(db.session, name="湖南同事导入智能装备股份有限公司")
        db.session.commit()
        return word_file(original)


@pytest.fixture
def administrator(login_as):
    client = login_as("applicant")
    client.application_id = start(client)
    return client


def stored(application_id: int) -> Application:
    db.session.remove()
    return db.session.get(Application, application_id)


def test_a_colleague_limited_to_three_imports_only_three(app, administrator, source):
    colleague = colleague_client(app, administrator.login_name, access=MemberAccess.SECTIONS,
                                 sections=("implementation",))
    application_id = administrator.application_id
    token, page = uploaded(colleague, application_id, source)
    assert "您的账号没有编辑此部分的权限，此部分只能查看、不能导入" in page
    picks = set(re.findall(r'name="pick" value="([^"]+)"', page))
    assert "section:implementation" in picks and "section:cover" not in picks
    assert not any(key.startswith(("cover.", "basic.")) for key in picks)
    response = import_rows(colleague, application_id, token, page, [], action="all")
    assert response.status_code == 303
    with app.app_context():
        target = stored(application_id)
        assert target.links and not target.project_name and not target.profile


def test_a_ticked_section_outside_the_rights_is_reported_not_written(app, administrator, source):
    colleague = colleague_client(app, administrator.login_name, access=MemberAccess.SECTIONS,
                                 sections=("profile",))
    application_id = administrator.application_id
    token, page = uploaded(colleague, application_id, source)
    response = import_rows(colleague, application_id, token, page, ["section:cover", "section:profile"])
    assert SECTION_DENIED in text(colleague.get(response.location))
    with app.app_context():
        target = stored(application_id)
        assert target.profile and not target.project_name


def test_a_colleague_who_may_only_view_cannot_import(app, administrator, source):
    viewer = colleague_client(app, administrator.login_name, access=MemberAccess.VIEW)
    application_id = administrator.application_id
    assert upload(viewer, application_id, source).status_code == 403
    page = viewer.get(f"/applications/{application_id}/word-import")
    assert page.status_code == 200 and "上传并预览" not in text(page)
    token, preview = uploaded(administrator, application_id, source)
    assert import_rows(viewer, application_id, token, preview, [], action="all").status_code == 403
    with app.app_context():
        assert not stored(application_id).project_name
