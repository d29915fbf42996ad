"""The demo's 专家库: eighteen experts from universities, institutes and companies in seven prefectures, with their
专业领域; one works for an applicant (本单位回避) and one declared a relation with another. Logins are issued as the
安全管理员 would (one-time passwords); the first one's is returned for the demo command to print."""
import random

from webapp.core.extensions import db
from webapp.models import Application, Expert, Prefecture, User
from webapp.selection.experts import ExpertValues, add_relation, issue_login, save_expert

# (name, employer, prefecture, title, 专业领域)
EXPERTS = [
    ("王建华", "中南大学机电工程学院", "长沙市", "教授", ["产品设计", "工艺设计", "生产作业"]),
    ("刘晓燕", "湖南大学机械与运载工程学院", "长沙市", "教授", ["质量管控", "设备管理", "生产作业"]),
    ("陈志强", "长沙智能制造研究总院有限公司", "长沙市", "正高级工程师", ["计划调度", "仓储物流", "工厂建设"]),
    ("李明辉", "湖南省工业和信息化研究院", "长沙市", "研究员", ["能源管理", "环保管控", "安全管控"]),
    ("周立新", "长沙理工大学", "长沙市", "教授", ["供应链计划", "供应链采购与交付", "供应链服务"]),
    ("赵卫东", "湖南工业大学", "株洲市", "教授", ["生产作业", "设备管理", "质量管控"]),
    ("孙丽华", "中车株洲电力机车研究所有限公司", "株洲市", "正高级工程师", ["产品设计", "工艺设计", "工厂建设"]),
    ("吴国平", "株洲荷塘硬质合金有限公司", "株洲市", "高级工程师", ["生产作业", "质量管控", "能源管理"]),
    ("郑海涛", "湘潭大学", "湘潭市", "教授", ["计划调度", "生产作业", "售后服务"]),
    ("黄志勇", "湖南科技大学", "湘潭市", "教授", ["设备管理", "安全管控", "工厂建设"]),
    ("何春梅", "湘潭电机股份有限公司", "湘潭市", "正高级工程师", ["产品设计", "质量管控", "营销管理"]),
    ("罗建国", "南华大学", "衡阳市", "教授", ["能源管理", "环保管控", "设备管理"]),
    ("谢文斌", "衡阳市工业技术研究院", "衡阳市", "高级工程师", ["仓储物流", "供应链服务", "计划调度"]),
    ("唐晓东", "湖南理工学院", "岳阳市", "教授", ["生产作业", "工艺设计", "质量管控"]),
    ("邓丽君", "岳阳市智能制造促进中心", "岳阳市", "高级工程师", ["营销管理", "售后服务", "供应链计划"]),
    ("彭志华", "湖南文理学院", "常德市", "教授", ["工厂建设", "生产作业", "仓储物流"]),
    ("曾德胜", "常德市工业设计研究院", "常德市", "正高级工程师", ["产品设计", "设备管理", "能源管理"]),
    ("蒋红英", "湘南学院", "郴州市", "教授", ["质量管控", "环保管控", "安全管控"]),
]


def make_experts(rng: random.Random, applications: list[Application], admin: User) -> tuple[list[Expert], str, str]:
    """The pool with logins; returns (experts, first login, its one-time password)."""
    prefectures = {p.name: p.adcode for p in db.session.execute(db.select(Prefecture)).scalars()}
    applicant_codes = {a.company_name: a.enterprise.credit_code for a in applications}
    experts, first = [], None
    for number, (name, employer, city, title, fields) in enumerate(EXPERTS, start=1):
        expert = save_expert(None, ExpertValues(
            name=name, employer=employer, employer_credit_code=applicant_codes.get(employer),
            prefecture_adcode=prefectures[city], title=title, fields=fields,
            phone=f"139{rng.randint(10000000, 99999999)}", email=f"expert{number:02d}@example.com"), admin)
        user, password = issue_login(expert, f"zj{number:02d}", None)
        first = first or (user.login, password)
        experts.append(expert)
    related = applications[4]
    add_relation(experts[5], related.enterprise.credit_code, "近三年与该企业有技术服务合同", admin,
                 enterprise_name=related.company_name)
    return experts, *first
