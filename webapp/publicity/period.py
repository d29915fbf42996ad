"""The 公示 period in working days (工作日), with China's public holidays and adjusted working days (调休) from the
`chinese_calendar` library, which the State Council's yearly notice updates. A year the library has no data for yet
(the notice comes out in the autumn before) is reported as such: the admin then sets the end date by hand.

Days are Beijing dates, whole days: a period "from 12月1日 to 12月5日" takes objections until the end of the 5th.
"""
from datetime import date, timedelta

import chinese_calendar

from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.models import Campaign, Publicity

DEFAULT_WORKING_DAYS = 5
MAX_SPAN_DAYS = 60          # no period of a few working days spans more than two months, even over 春节


class NoCalendarData(Exception):
    """The calendar library has no holiday data for this year yet."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year

    def __str__(self) -> str:
        return (f"日历库尚无 {self.year} 年的法定节假日和调休安排（国务院办公厅通知发布后随软件更新），"
                "无法自动计算工作日，请直接填写公示截止日期。")


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise NoCalendarData(day.year) from None


def first_working_day(on_or_after: date) -> date:
    day = on_or_after
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def end_of_period(start: date, working_days: int) -> date:
    """The last day of a period of `working_days` working days counted from `start` (included when it is one)."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)
        if (day - start).days > MAX_SPAN_DAYS:
            raise ValueError("period too long")


def working_days_between(start: date, end: date) -> int | None:
    """How many working days from `start` to `end` (both included); None where the calendar has no data."""
    try:
        return sum(is_working_day(start + timedelta(days=n)) for n in range((end - start).days + 1))
    except NoCalendarData:
        return None


def publicity_of(campaign: Campaign) -> Publicity | None:
    return db.session.execute(db.select(Publicity).filter_by(campaign_id=campaign.id)).scalar_one_or_none()


def is_running(publicity: Publicity | None, today: date | None = None) -> bool:
    """Objections are accepted: from the first day to the end of the last (Beijing time)."""
    today = today or local_today()
    return publicity is not None and publicity.starts_on <= today <= publicity.ends_on


def has_ended(publicity: Publicity | None, today: date | None = None) -> bool:
    return publicity is not None and (today or local_today()) > publicity.ends_on


def publicity_over(campaign: Campaign, today: date | None = None) -> bool:
    """True once the campaign's 公示 period's last day has passed (False when there is no 公示): 认定 waits for it."""
    return has_ended(publicity_of(campaign), today)
