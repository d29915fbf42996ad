"""What the load scenarios post: the enterprises' password, valid posts of every section (tests/form_data.py with the
campaign's years), the texts of a 场景 and PDF files of a given size. Shared by bench.locust_rush (the rush and the
soak, with Locust) and bench.ceilings (wrk)."""
from __future__ import annotations

import sys

from bench.common import REPO

PASSWORD = "Bench-Passw0rd!x"
SCENARIO_TEXTS = {
    "description": "在装配车间部署18台六轴工业机器人与AGV智能搬运车，与MES制造执行系统实时交互，形成覆盖生产作业全过程的数字化作业单元。",
    "pain_points": "订单品种多、批量小，换型频繁，计划与现场执行脱节，在制品积压严重；关键数据靠纸质单据传递，追溯一批次问题平均需要24小时。",
    "solution": ("以MES制造执行系统为核心，集成机器视觉检测系统与边缘计算网关，通过OPC UA协议采集设备实时数据，"
                 "在边缘侧完成数据清洗和特征提取，再上传至工业互联网平台；基于历史数据训练工艺参数优化模型，对关键工序进行闭环控制。"
                 "该方案由树根互联股份有限公司提供软件平台并联合我公司信息化团队实施。"),
    "safeguards": "成立由分管副总经理任组长的数字化专班，制定作业规范等6项企业标准，组织专项培训8期，累计培训320人次。",
    "results": "场景建成后生产效率提升32%，产品一次交检合格率由95.1%提高到99.2%，操作人员由12人减少至4人，年节约生产成本约860万元。",
    "other": "该场景的建设经验已推广到公司其他3个车间，带动整体产能提升9%。",
}


def pdf_of_size(size: int, text: str) -> bytes:
    """webapp.demo_data.minimal_pdf padded to `size` bytes after its %%EOF (still starts with %PDF-)."""
    from webapp.ops.demo_files import minimal_pdf

    pdf = minimal_pdf(text)
    return pdf + b"%" + b"0" * max(0, size - len(pdf) - 2) + b"\n"


def section_posts(economic_years: list[int]) -> dict:
    """tests/form_data.py's valid posts, the economic years set to the campaign's."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.form_data import SECTION_POSTS

    posts = {key: dict(value) for key, value in SECTION_POSTS.items()}
    for index, year in enumerate(economic_years):
        posts["economics"][f"years-{index}-year"] = str(year)
    return posts
