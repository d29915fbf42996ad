"""The demo reads like real companies: the industry fits the name, each enterprise has its own contact person,
own 场景 carry names a factory would write, some 场景 carry a diagram (shown in the Word file); and it includes
applications returned with comments, answered, stamped again and resubmitted, so the archive shows the rule."""
import io
import re

import docx

from webapp.applications.word import frozen_path
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import Application, AttachmentCategory
from webapp.ops.demo import create_demo_applications
from webapp.ops.demo_data import make_complete_application, make_enterprise
from webapp.ops.demo_diagrams import diagram
from webapp.ops.demo_trades import TRADES, trade_of


def test_the_industry_and_the_texts_follow_the_trade_in_the_name(app):
    with app.app_context():
        for number, trade in enumerate(TRADES):
            name = f"湖南测试{trade.word}有限公司"
            enterprise = make_enterprise(db.session, name=name, county_adcode="430104")
            a = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                          links=8, scenarios_per_link=3, stamped=False)
            assert trade_of(name) is trade
            assert (a.industry_division_code, a.industry_group_code) == (trade.division, trade.group), name
            assert trade.main in a.project_name
            texts = " ".join(filter(None, (a.profile, a.overview_company, a.overview_technology,
                                           a.overview_advantages, a.outcomes)))
            if trade.word != "智能装备":
                assert "液压" not in texts and "主机厂" not in texts, (name, texts)
            own = [s.name for link in a.links for s in link.scenarios if s.scenario_id is None]
            assert own and not any(re.search(r"第\d+项", n) for n in own), own


def test_each_enterprise_has_its_own_contact(app):
    with app.app_context():
        contacts = set()
        for number in range(6):
            enterprise = make_enterprise(db.session, name=f"湖南联系人{number}食品有限公司", county_adcode="430104")
            a = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(), stamped=False)
            assert a.contact_name == enterprise.users[0].display_name
            assert re.fullmatch(r"1[3-9]\d{9}", a.contact_mobile) and a.contact_email.endswith(".com.cn")
            contacts.add((a.contact_name, a.contact_mobile))
        assert len(contacts) == 6


def test_a_diagram_is_a_real_png():
    data = diagram(3)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data != diagram(4) and data == diagram(3)


def test_the_demo_has_resubmitted_applications_with_one_valid_scan_and_pictures(app):
    with app.app_context():
        result = create_demo_applications(8, seed=5, write_files=True)
        assert result.created == 8
        applications = db.session.execute(db.select(Application)).scalars().all()
        again = [a for a in applications if a.version == 2]
        assert again, "no application was returned and resubmitted"
        for a in again:
            scans = [s for s in a.attachments if s.category is AttachmentCategory.STAMPED_SCAN]
            assert [(s.document_version, s.superseded_at is not None) for s in scans] == [(1, True), (2, False)]
            comments = [c for c in a.review_comments if c.section]
            assert comments and all(c.reply for c in comments)
            assert next(c for c in reversed(a.status_changes) if c.action == "submit").comment   # 修改说明
        returned = [a for a in applications if a.status.value == "returned"]
        assert returned and all(any(c.section for c in a.review_comments) for a in returned)
        pictured = [a for a in applications if a.snapshots and any(
            p.category is AttachmentCategory.SOLUTION_PICTURE for p in a.attachments)]
        assert pictured
        document = docx.Document(io.BytesIO(frozen_path(pictured[0].snapshots[-1]).read_bytes()))
        assert len(document.inline_shapes) >= 1
