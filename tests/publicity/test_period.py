"""The 公示 period in working days: China's holidays and adjusted working days (调休) from the calendar library; a
year without data is reported, and the admin then sets the end date by hand."""
from datetime import date

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.publicity.views import admin as admin_views

from webapp.publicity.opening import PublicityError, PublicityValues, period_of
from webapp.publicity.period import (
    NoCalendarData, end_of_period, first_working_day, has_ended, is_running, is_working_day, working_days_between,
)
from webapp.models import Publicity


def test_five_working_days_across_national_day_and_an_adjusted_working_saturday():
    # 2026: 国庆 and 中秋 10月1日–7日 off; Saturday 10月10日 is worked (调休); Sunday 10月11日 is not.
    assert is_working_day(date(2026, 9, 30))
    assert not is_working_day(date(2026, 10, 1)) and not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 10))                          # a Saturday
    assert not is_working_day(date(2026, 10, 11))
    # 9/30 (1), 10/8 (2), 10/9 (3), Saturday 10/10 (4), 10/12 (5)
    assert end_of_period(date(2026, 9, 30), 5) == date(2026, 10, 12)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 5


def test_an_adjusted_working_sunday_counts_and_a_weekend_start_moves_to_monday():
    # 2025: Sunday 9月28日 is worked before 国庆; a 公示 opened on Saturday 9月27日 starts counting on the 28th.
    assert first_working_day(date(2025, 9, 27)) == date(2025, 9, 28)
    assert end_of_period(date(2025, 9, 27), 3) == date(2025, 9, 30)
    assert end_of_period(date(2026, 12, 4), 5) == date(2026, 12, 10)   # an ordinary week: Fri + Mon–Thu


def test_a_year_without_calendar_data_is_reported_and_the_end_date_is_set_by_hand():
    with pytest.raises(NoCalendarData) as missing:
        end_of_period(date(2031, 3, 2), 5)
    assert "2031" in str(missing.value) and "请直接填写公示截止日期" in str(missing.value)
    with pytest.raises(PublicityError, match="2031"):
        period_of(PublicityValues(starts_on=date(2031, 3, 2), contact_name="王", contact_phone="1",
                                  notice_text="x", working_days=5))
    end, days = period_of(PublicityValues(starts_on=date(2031, 3, 3), ends_on=date(2031, 3, 7), contact_name="王",
                                          contact_phone="1", notice_text="x"))
    assert (end, days) == (date(2031, 3, 7), None)                    # the days are not claimed
    with pytest.raises(PublicityError, match="不能早于"):
        period_of(PublicityValues(starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 2), contact_name="王",
                                  contact_phone="1", notice_text="x"))


def test_running_from_the_first_to_the_end_of_the_last_day():
    publicity = Publicity(starts_on=date(2026, 9, 30), ends_on=date(2026, 10, 12))
    assert not is_running(publicity, date(2026, 9, 29))
    assert is_running(publicity, date(2026, 9, 30)) and is_running(publicity, date(2026, 10, 12))
    assert not is_running(publicity, date(2026, 10, 13)) and has_ended(publicity, date(2026, 10, 13))
    assert not has_ended(publicity, date(2026, 10, 12)) and not has_ended(None)



def test_the_admin_is_told_before_opening_when_the_calendar_has_no_data(app, login_as, monkeypatch):
    client = login_as("admin")
    with app.app_context():
        url = f"/admin/selection/{current_campaign().id}/publicity"
    assert "的法定节假日和调休安排" not in client.get(url).get_data(as_text=True)
    monkeypatch.setattr(admin_views, "local_today", lambda: date(2031, 3, 2))
    page = client.get(url).get_data(as_text=True)
    assert "日历库尚无 2031 年的法定节假日和调休安排" in page and "请直接填写公示截止日期" in page
