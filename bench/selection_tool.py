"""What the selection benchmark does inside an instance (INSTANCE_PATH / DATABASE_URL from the environment), as
`python -m bench.selection_tool <command> ...`; each prints one JSON object.

    prepare EXPERTS PASSWORD   every submitted application of the current campaign on a reported list and past
                               形式审查 (set directly: this is set-up, not the product's path), EXPERTS experts in
                               all 14 prefectures with logins (PASSWORD, no first-login change), the default plan
                               with 5 experts per application
    score SAVERS               after the assignment: every sheet submitted with plausible scores (bulk inserts),
                               except one opened, unsubmitted assignment for each of SAVERS experts, which the load
                               test saves; prints those experts' logins and assignment ids and the sheet's sections
"""
import json
import random
import sys
from decimal import Decimal

from werkzeug.security import generate_password_hash

from webapp import create_app
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import local_today, utcnow
from webapp.models import (
    Application, ApplicationStatus as S, Assignment, AssignmentState as A, CriterionScore, Expert, Link,
    Prefecture, RecommendingUnit, ReportStatus, Role, ScoreCard, UnitReport, User,
)
from webapp.selection.plan import create_plan, get_plan

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"


def prepare(count: int, password: str) -> dict:
    campaign = current_campaign()
    admin = db.session.execute(db.select(User).filter_by(role=Role.ADMIN)).scalars().first()
    moved = db.session.execute(db.update(Application).where(
        Application.campaign_id == campaign.id, Application.status != S.DRAFT).values(status=S.FORM_PASSED)).rowcount
    for unit_id in db.session.execute(db.select(RecommendingUnit.id)).scalars():
        report = db.session.execute(db.select(UnitReport).filter_by(campaign_id=campaign.id, unit_id=unit_id)
                                    ).scalar_one_or_none() or UnitReport(campaign_id=campaign.id, unit_id=unit_id)
        report.status, report.reported_at, report.fill_date = ReportStatus.REPORTED, utcnow(), local_today()
        db.session.add(report)
    prefectures = db.session.execute(db.select(Prefecture.adcode)).scalars().all()
    links = list(dict.fromkeys(db.session.execute(db.select(Link.name).order_by(Link.no)).scalars()))
    hashed = generate_password_hash(password, method="scrypt")
    rng = random.Random(17)
    for n in range(count):
        name = f"{SURNAMES[n % len(SURNAMES)]}专家{n}"
        user = User(login=f"bench-expert-{n:03d}", role=Role.EXPERT, display_name=name, password_hash=hashed,
                    must_change_password=False)
        db.session.add(user)
        db.session.add(Expert(name=name, employer=f"压测研究院{n}", prefecture_adcode=prefectures[n % 14], title="教授",
                              fields=rng.sample(links, 3), user=user))
        if n % 100 == 99:
            db.session.flush()
    plan = get_plan(campaign) or create_plan(campaign, admin)
    plan.experts_per_application = 5
    db.session.commit()
    return {"campaign_id": campaign.id, "reviewable": moved, "experts": count}


def score(savers: int) -> dict:
    campaign = current_campaign()
    plan = get_plan(campaign)
    sheets = {sheet.app_type: sheet for sheet in plan.sheets}
    rows = db.session.execute(db.select(Assignment.id, Assignment.expert_id, Application.app_type, User.login)
                              .join(Application, Application.id == Assignment.application_id)
                              .join(Expert, Expert.id == Assignment.expert_id).join(User, User.id == Expert.user_id)
                              .where(Assignment.campaign_id == campaign.id, Assignment.state == A.ACTIVE)
                              .order_by(Assignment.expert_id, Assignment.id)).all()
    kept, seen = {}, set()
    for assignment_id, expert_id, app_type, login in rows:
        # The benchmark's own experts (their password is known), one open sheet each.
        if expert_id not in seen and login.startswith("bench-expert-") and len(kept) < savers:
            kept[assignment_id] = (expert_id, app_type)
        seen.add(expert_id)
    now, rng = utcnow(), random.Random(5)
    db.session.execute(db.update(Assignment).where(Assignment.campaign_id == campaign.id).values(opened_at=now))
    cards, scores = [], []
    for assignment_id, _expert_id, app_type, _login in rows:
        if assignment_id in kept:
            continue
        sheet, level = sheets[app_type], rng.uniform(0.55, 0.95)
        values = [(c.id, (c.max_score * Decimal(str(round(min(1, level + rng.uniform(-.1, .1)), 2))))
                   .quantize(Decimal("0.1"))) for c in sheet.scored]
        cards.append({"assignment_id": assignment_id, "opinion": "压测专家意见", "updated_at": now, "submitted_at": now,
                      "total": sum(v for _c, v in values), "vetoed": False})
        scores.append((values, [g.id for g in sheet.gates]))
    db.session.execute(db.insert(ScoreCard), cards)
    ids = dict(db.session.execute(db.select(ScoreCard.assignment_id, ScoreCard.id)).all())
    rows_out = []
    for card, (values, gates) in zip(cards, scores):
        card_id = ids[card["assignment_id"]]
        rows_out += [{"card_id": card_id, "criterion_id": c, "value": v, "comment": "评语"} for c, v in values]
        rows_out += [{"card_id": card_id, "criterion_id": g, "gate_passed": True} for g in gates]
    for start in range(0, len(rows_out), 5000):
        db.session.execute(db.insert(CriterionScore), rows_out[start:start + 5000])
    db.session.commit()
    logins = dict(db.session.execute(db.select(Expert.id, User.login).join(User, User.id == Expert.user_id)).all())
    return {"cards": len(cards), "criterion_scores": len(rows_out),
            "savers": [{"login": logins[e], "assignment_id": a,
                        "sections": [[f"c{c.id}", float(c.max_score)] for c in sheets[t].scored]}
                       for a, (e, t) in kept.items()]}


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        command, *args = sys.argv[1:]
        if command == "prepare":
            print(json.dumps(prepare(int(args[0]), args[1])))
        elif command == "score":
            print(json.dumps(score(int(args[0]))))
        else:
            raise SystemExit(f"unknown command {command}")
