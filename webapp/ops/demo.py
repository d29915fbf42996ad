"""`flask demo --applications N`: realistic applications spread over units, counties, industries, types and states.

For demos, screenshots and benchmarks. Every application is complete and goes through the real operations
(submit_application freezes its Word file; the unit's decisions go through review.decisions.decide), so the data is what
the system itself would hold.
"""
import random
from collections import Counter
from dataclasses import dataclass, field

from webapp.applications.lifecycle import submit_application
from webapp.campaigns.lookup import current_campaign
from webapp.ops.demo_data import PASSWORD, make_complete_application, make_enterprise, stamp
from webapp.ops.demo_texts import OPINIONS
from webapp.ops.demo_people import add_demo_colleagues, bring_deadline_near, give_email, give_everyone_email
from webapp.ops.demo_story import answer_edit_and_resubmit, return_with_comments
from webapp.ops.demo_trades import TRADES
from webapp.core.extensions import db
from webapp.models import (
    ApplicationStatus, ApplicationType, County, Enterprise, EnterpriseNature, RecommendingUnit, Role, User,
)
from webapp.accounts.passwords import generate_one_time_password
from webapp.review.decisions import decide
from webapp.review.report import ReviewError

CITIES = ["湘江", "麓山", "橘洲", "星沙", "洞庭", "衡岳", "潇湘", "韶峰", "梅山", "武陵", "雪峰", "南岭", "资江", "沅水",
          "澧水", "舜皇", "紫鹊", "莽山", "桃源", "崀山"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司"]
# A returned application that came back: answered, edited, stamped again and resubmitted (then decided or not).
RESUBMITTED = "resubmitted"
# 0.15 draft, 0.30 submitted, 0.10 returned, 0.15 resubmitted, 0.22 recommended, 0.08 not recommended
STATES = [(ApplicationStatus.DRAFT, 15), (ApplicationStatus.SUBMITTED, 30), (ApplicationStatus.RETURNED, 10),
          (RESUBMITTED, 15), (ApplicationStatus.RECOMMENDED, 22), (ApplicationStatus.NOT_RECOMMENDED, 8)]
# The first is the team's (returned with a comment on 三, see demo_people).
FIRST_ROUND = [ApplicationStatus.RETURNED, RESUBMITTED, ApplicationStatus.RECOMMENDED, ApplicationStatus.SUBMITTED,
               ApplicationStatus.NOT_RECOMMENDED, ApplicationStatus.DRAFT]


TEAM_COUNTY = "430104"        # 岳麓区: the enterprise with colleagues is reviewed by 长沙市 (bootstrap's `changsha`)
TEAM_SECTION_COMMENT = "部分场景的“实施成果”缺少量化指标（改造前后对比），请补充。"


@dataclass
class DemoResult:
    created: int
    states: Counter
    team: list[User] = field(default_factory=list)     # the administrator and colleagues of the team enterprise
    deadline_moved: bool = False


def create_demo_applications(count: int, *, seed: int = 2024, write_files: bool = True,
                             keep_deadlines: bool = False) -> DemoResult:
    """Create `count` enterprises, each with a complete application of the current campaign, committed in batches.

    Every account gets an example.org e-mail address with e-mail on. The first enterprise is written by a team: its
    administrator and two colleagues (one limited to section 三); the unit has returned it with a comment on 三.
    Unless `keep_deadlines`, the enterprise deadline is brought to just under a week away (reminders are due)."""
    campaign = current_campaign()
    if campaign is None:
        raise RuntimeError("没有当前申报批次：请先运行 flask --app wsgi bootstrap。")
    give_everyone_email()
    deadline_moved = False if keep_deadlines else bring_deadline_near(campaign)
    rng = random.Random(seed)
    counties = db.session.execute(db.select(County).order_by(County.adcode)).scalars().all()
    weights = [4 if c.prefecture_adcode == "430100" else 1 for c in counties]
    taken = set(db.session.execute(db.select(Enterprise.name)).scalars())
    states, team = Counter(), []
    for index in range(count):
        county = rng.choices(counties, weights)[0]
        if index == 0:
            county = next(c for c in counties if c.adcode == TEAM_COUNTY)
        enterprise = make_enterprise(db.session, name=_unique_name(rng, county, taken), county_adcode=county.adcode)
        give_email(enterprise.users[0])
        if index == 0:
            team = [enterprise.users[0], *add_demo_colleagues(enterprise.users[0], PASSWORD)]
        workshop = rng.random() < 0.3
        # The industry and the texts follow the trade in the name (demo_trades); some 场景 carry a diagram.
        application = make_complete_application(
            db.session, enterprise=enterprise, campaign=campaign,
            app_type=ApplicationType.WORKSHOP if workshop else ApplicationType.ENTERPRISE,
            links=rng.randint(4, 6) if workshop else rng.randint(8, 11),
            scenarios_per_link=rng.randint(2, 3) if workshop else rng.randint(2, 3), write_files=write_files,
            stamped=False, pictures=rng.choice([0, 1, 2, 3]))
        application.nature = rng.choice(list(EnterpriseNature)[:3])
        stamp(db.session, application, write_files)
        # Every state at least once, even in a small demo (make run makes 8): then by the weights.
        target = FIRST_ROUND[index] if index < len(FIRST_ROUND) else \
            rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        states[_move_to(application, target, rng, write_files,
                        {"implementation": TEAM_SECTION_COMMENT} if index == 0 else None)] += 1
        if index % 20 == 19:
            db.session.commit()
    db.session.commit()
    return DemoResult(created=count, states=states, team=team, deadline_moved=deadline_moved)


def _unique_name(rng: random.Random, county: County, taken: set[str]) -> str:
    """湖南<place><trade><suffix>; the county's name is added (then a number) when the name is taken."""
    base = f"{rng.choice(CITIES)}{rng.choice(TRADES).word}"
    suffix = rng.choice(SUFFIXES)
    for candidate in (f"湖南{base}{suffix}", f"{county.name}{base}{suffix}",
                      *(f"{county.name}{base}{n}号{suffix}" for n in range(2, 10_000))):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise RuntimeError("no free enterprise name")


def _move_to(application, target, rng: random.Random, write_files: bool,
             section_comments: dict | None = None) -> ApplicationStatus:
    """Take the application through the real transitions towards `target`; quotas may stop a recommendation."""
    if target is ApplicationStatus.DRAFT:
        return target
    submit_application(application, application.enterprise.users[0])
    reviewer = _reviewer(application.unit_id)
    try:
        if target == RESUBMITTED:
            return_with_comments(application, reviewer, rng)
            answer_edit_and_resubmit(db.session, application, rng, write_files)
            if rng.random() < 0.5:
                decide(application, "recommend", reviewer)
        elif target is ApplicationStatus.RETURNED:
            return_with_comments(application, reviewer, rng, section_comments)
        elif target is ApplicationStatus.RECOMMENDED:
            decide(application, "recommend", reviewer, OPINIONS[application.id % len(OPINIONS)])
        elif target is ApplicationStatus.NOT_RECOMMENDED:
            decide(application, "reject", reviewer, "本年度名额有限，建议明年继续申报。")
    except ReviewError:
        pass   # quota reached: the application stays 已提交
    return application.status


def _reviewer(unit_id: int) -> User:
    """The unit's first recommender; a deactivated 演示审核员 account when the unit has none."""
    user = db.session.execute(db.select(User).filter_by(role=Role.RECOMMENDER, unit_id=unit_id)
                              .order_by(User.id)).scalars().first()
    if user is None:
        unit = db.session.get(RecommendingUnit, unit_id)
        user = User(login=f"demo-reviewer-{unit.prefecture_adcode}", role=Role.RECOMMENDER, unit=unit,
                    display_name=f"{unit.prefecture.name}演示审核员", active=False, demo=True)
        user.set_password(generate_one_time_password())
        db.session.add(user)
        db.session.flush()
    return user
