"""已认定的企业（车间）N 年内不得重复申报: a campaign rule (RuleKey.RECENT_RECOGNITION, threshold N in years, block or
warn) checked with the other eligibility rules — so on the checklist from the start and at submission.

A recognition counts when it is recorded in this system (a certificate not revoked) or on an earlier year's list
imported from Excel. "N 年内" after a recognition in year R are the campaigns R+1 … R+N (N = 3: recognised in 2024,
applying again is refused for 2025–2027 and open from 2028).

Matching: by 统一社会信用代码. A 标杆企业 application is caught by a recognition as 标杆企业; a 标杆车间 application by
a recognition as 标杆车间 of the same workshop (name compared without spaces or width differences), so an enterprise
can bring another workshop forward, and a recognised workshop does not stop the enterprise applying as a whole.
"""
import unicodedata
from dataclasses import dataclass

from webapp.applications.rules import Problem
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationType, Campaign, Certificate, PriorRecognition, RuleKey, RuleMode,
)


@dataclass(frozen=True)
class PastRecognition:
    year: int
    app_type: ApplicationType
    workshop_name: str
    source: str                 # 本系统认定 / 往年名单


def same_workshop(a: str | None, b: str | None) -> bool:
    def key(text):
        return unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()
    return bool(key(a)) and key(a) == key(b)


def past_recognitions(credit_code: str, first_year: int, last_year: int) -> list[PastRecognition]:
    """The enterprise's recognitions in first_year … last_year, from both sources."""
    own = db.session.execute(db.select(Certificate.year, Certificate.app_type, Certificate.workshop_name).where(
        Certificate.credit_code == credit_code, Certificate.revoked_on.is_(None),
        Certificate.year.between(first_year, last_year))).all()
    prior = db.session.execute(db.select(PriorRecognition.year, PriorRecognition.app_type,
                                         PriorRecognition.workshop_name).where(
        PriorRecognition.credit_code == credit_code, PriorRecognition.year.between(first_year, last_year))).all()
    return ([PastRecognition(*row, "本系统认定") for row in own]
            + [PastRecognition(*row, "往年名单") for row in prior])


def blocking_recognition(application: Application, campaign: Campaign, years: int) -> PastRecognition | None:
    """The recognition that makes this application a repeat, if any."""
    if application.app_type is None:
        return None
    credit_code = application.enterprise.credit_code
    for past in past_recognitions(credit_code, campaign.year - years, campaign.year - 1):
        if past.app_type is not application.app_type:
            continue
        if past.app_type is ApplicationType.ENTERPRISE or same_workshop(past.workshop_name, application.workshop_name):
            return past
    return None


def repeat_problems(application: Application, campaign: Campaign) -> list[Problem]:
    rule = campaign.rule(RuleKey.RECENT_RECOGNITION, application.app_type)
    if rule is None or rule.mode is RuleMode.OFF or not rule.threshold:
        return []
    years = int(rule.threshold)
    past = blocking_recognition(application, campaign, years)
    if past is None:
        return []
    what = f"标杆车间（{past.workshop_name}）" if past.app_type is ApplicationType.WORKSHOP else "标杆企业"
    message = (f"本企业已于{past.year}年被认定为湖南省智能制造{what}（{past.source}），"
               f"按本批次规定，已认定的企业（车间）{years}年内不得重复申报。")
    return [Problem("cover", message, "app_type", kind="eligibility", blocking=rule.mode is RuleMode.BLOCK)]


def start_warnings(enterprise, campaign: Campaign) -> list[str]:
    """At the start of an application (its type is not chosen yet): the enterprise's recognitions that the rule
    will hold against it, as a notice."""
    rule = campaign.rule(RuleKey.RECENT_RECOGNITION, None)
    if rule is None or rule.mode is RuleMode.OFF or not rule.threshold:
        return []
    years = int(rule.threshold)
    found = past_recognitions(enterprise.credit_code, campaign.year - years, campaign.year - 1)
    verb = "不能" if rule.mode is RuleMode.BLOCK else "不宜"
    return [f"本企业已于{p.year}年被认定为湖南省智能制造"
            f"{'标杆车间（' + p.workshop_name + '）' if p.workshop_name else '标杆企业'}，{years}年内{verb}以同一"
            f"{'车间' if p.workshop_name else '类型'}重复申报。" for p in found]
