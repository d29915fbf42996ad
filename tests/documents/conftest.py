"""Fixtures of the document tests."""
import pytest

from webapp.campaigns.lookup import current_campaign


@pytest.fixture
def ctx(app):
    """The app context, yielding the current campaign (2024, economic years 2021–2023)."""
    with app.app_context():
        yield current_campaign()
