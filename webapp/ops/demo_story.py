"""Demo applications that went back and forth, as the archive must show them: returned by the unit with comments on
particular sections, answered where the comments are, edited, printed and stamped again (a new 盖章版 of 第2版 and its
scan; the scan of 第1版 is 已作废 and leaves the archives) and resubmitted with a 修改说明. Everything through the
real operations (review.decisions.decide, comments.reply_to, finalize, lifecycle.submit_application)."""
import random

from webapp.applications.comments import current_comments, reply_to
from webapp.applications.lifecycle import submit_application
from webapp.models import Application, User
from webapp.ops.demo_data import stamp
from webapp.review.decisions import decide

# section key → (the column the enterprise adds to, the unit's comment, the enterprise's reply, the added sentence)
SECTION_NOTES = {
    "outcomes": ("outcomes", "实施成效请补充关键工序数控化率、人均产值等指标改造前后的对比数据。",
                 "已在“四、智能制造实施成效”补充关键工序数控化率和人均产值改造前后的对比。",
                 "改造前关键工序数控化率为71%，改造后达到{cnc}%；人均产值由{before}万元提高到{after}万元。"),
    "plan": ("next_steps", "下一步工作计划请明确投资额、时间节点和预期目标。",
             "已补充下一步计划的投资额、完成时间和量化目标。",
             "计划于{year}年底前完成，预计新增投资{invest}万元，目标是关键设备联网率达到98%。"),
    "overview": ("overview_advantages", "行业优势请结合细分市场占有率说明，避免笼统表述。",
                 "已补充主要产品的国内市场占有率和行业排名。",
                 "主要产品国内市场占有率约{share}%，位居国内同行业前五。"),
}
RETURN_COMMENT = "请按分部分意见修改补充，并重新生成盖章版、签字盖章后上传扫描件，再重新提交。"
EXPLANATIONS = ["已按推荐单位意见逐条修改，补充了量化指标，并重新生成盖章版签字盖章。",
                "根据退回意见补充了成效对比数据和下一步计划，已重新盖章上传。"]


def return_with_comments(application: Application, reviewer: User, rng: random.Random,
                         section_comments: dict | None = None) -> None:
    """退回修改 with a general comment and comments on two sections (or on those given)."""
    if section_comments is None:
        sections = rng.sample(sorted(SECTION_NOTES), 2)
        section_comments = {key: SECTION_NOTES[key][1] for key in sections}
    decide(application, "return", reviewer, RETURN_COMMENT, section_comments)


def answer_edit_and_resubmit(session, application: Application, rng: random.Random, write_files: bool) -> None:
    """Answer every comment of the return, add what was asked for, stamp 第2版 again and resubmit."""
    user = application.enterprise.users[0]
    numbers = {"cnc": rng.randint(88, 95), "before": rng.randint(110, 140), "after": rng.randint(180, 230),
               "year": application.campaign.year + 1, "invest": rng.randint(3000, 9000), "share": rng.randint(8, 18)}
    for comment in current_comments(application):
        column, _text, reply, added = SECTION_NOTES[comment.section]
        reply_to(comment, reply, user)
        setattr(application, column, (getattr(application, column) or "") + "\n" + added.format(**numbers))
    session.flush()
    stamp(session, application, write_files)
    submit_application(application, user, explanation=rng.choice(EXPLANATIONS))
