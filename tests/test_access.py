"""Access control built from the URL map: a new endpoint is covered without anyone adding it here.

Every endpoint must declare who may reach it (`public`, or the roles of `roles_required`). Then each GET endpoint
is called as anonymous and as every role: the unauthenticated are sent to the login page, a wrong role gets 403.
"""
import pytest

from webapp.models import Role

ROLES = ["applicant", "recommender", "admin", "security", "auditor"]


def endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def fill(rule, ids):
    """Build a URL for the rule, filling each argument with the id of a real object where there is one."""
    values = {arg: ids.get(arg, 1) for arg in rule.arguments}
    return rule.build(values)[1]


def test_every_endpoint_declares_its_audience(app):
    unguarded = [rule.rule for rule, view in endpoints(app)
                 if not getattr(view, "public", False) and not getattr(view, "allowed_roles", None)]
    assert unguarded == []


def test_anonymous_is_sent_to_login(app, client):
    for rule, view in endpoints(app):
        if getattr(view, "public", False):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(fill(rule, {}), method=method)
            assert response.status_code == 302 and "/login" in response.location, (rule.rule, method)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_endpoints(app, login_as, role):
    client = login_as(role)
    for rule, view in endpoints(app):
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None or "GET" not in rule.methods:
            continue
        response = client.get(fill(rule, {}))
        if Role(role) in allowed:
            assert response.status_code in (200, 302, 404), (rule.rule, role, response.status_code)
        else:
            assert response.status_code == 403, (rule.rule, role, response.status_code)
