"""The application's clock can be set for a block (the demo builds last year's records with their own dates)."""
from datetime import datetime, timedelta

from webapp.core.timeutil import clock_set_to, from_local, local_today, utcnow


def test_the_clock_runs_on_from_the_moment_set_and_comes_back():
    before = utcnow()
    moment = from_local(datetime(2025, 10, 1, 23, 30))        # 国庆 night in Beijing: 15:30 UTC
    with clock_set_to(moment):
        inside = utcnow()
        assert moment <= inside < moment + timedelta(seconds=5)
        assert local_today().isoformat() == "2025-10-01"
        with clock_set_to(moment + timedelta(hours=1)):        # 00:30 the next day in Beijing
            assert local_today().isoformat() == "2025-10-02"
        assert local_today().isoformat() == "2025-10-01"
    assert abs(utcnow() - before) < timedelta(seconds=5)


def test_an_exception_inside_the_block_still_restores_the_clock():
    try:
        with clock_set_to(datetime(2020, 1, 1)):
            raise ValueError
    except ValueError:
        pass
    assert utcnow().year >= 2026
