"""Realistic applications built through the ORM: the demo command and the tests' factories use them.

    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南湘江智能装备股份有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign())

`make_complete_application` fills every field of 附件2 with plausible Chinese text of realistic length and
consistent numbers, so that the application passes the completeness and consistency rules:
- 近三年主要经济指标 for each of campaign.economic_years;
- 设备费 + 工业软件费 + 测试验证和项目咨询费 + 人员费用 = 企业近3年总投入 (标杆企业) or 车间近3年总投入 (标杆车间);
  近3年总投入 ≤ 总投入; 省产占比 ≤ 国产占比; 高级 + 中级 + 初级 + 其他 = 技术人员总数;
- `links` 环节 of the campaign's edition (生产作业 and the other production 环节 first), each with
  `scenarios_per_link` 场景: the guide's scenarios of that 环节 first, then own scenarios (scenario_id NULL);
- the seven items of every 场景 within the form's character limits (text_factor scales every text; the
  limits of 附件2 are never exceeded, so text_factor > 1 only lengthens the unlimited parts);
- list items of all three ListKind, the 14 indicators, the pledge, 二 to 七, and one or more proof files in
  each category of 八 (Attachment rows with plausible names; no file is written to disk).

Everything is deterministic: the same arguments give the same texts and numbers. The functions flush and
never commit. `add_solution_picture` and `make_png` add pictures to a 场景 for tests that need them.
"""
import hashlib
import io
import random
import struct
import zlib
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import lru_cache

import openpyxl
from flask import current_app
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from webapp.accounts.operations import register_enterprise
from webapp.accounts.codes import check_character
from webapp.core.files import write_atomically
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationType, Attachment, AttachmentCategory, Campaign,
    EconomicYear, Enterprise, EnterpriseNature, Link, ListItem, ListKind, User,
)
from webapp.core.timeutil import utcnow

PASSWORD = "Passw0rd!x"
# Production-side 环节 first (by guide number): a realistic choice for a manufacturer.
LINK_PREFERENCE = [8, 3, 7, 9, 10, 2, 1, 6, 12, 11, 14, 15, 5, 13, 4, 16]
SCENARIO_LIMITS = {"description": 150, "pain_points": 150, "solution": 300, "safeguards": 150, "results": 200,
                   "other": 150}
SCENARIO_TARGETS = {"description": 130, "pain_points": 115, "solution": 250, "safeguards": 120, "results": 150,
                    "other": 100}


# ---------------------------------------------------------------- enterprise

def make_enterprise(session, name: str = "湖南湘江智能装备股份有限公司", county_adcode: str = "430104") -> Enterprise:
    """A registered enterprise with its applicant account (password PASSWORD), through register_enterprise.

    `session` must be the app's db.session (register_enterprise works on it).
    """
    serial = 700000 + session.query(Enterprise).count()
    while True:
        body = f"91{county_adcode}{serial:09d}"
        code = body + check_character(body)
        if session.query(Enterprise).filter_by(credit_code=code).first() is None:
            break
        serial += 1
    with _shared_password_hash():
        user = register_enterprise(name=name, credit_code=code, county_adcode=county_adcode, contact_name="王晓燕",
                                   mobile="13787120002", password=PASSWORD)
    session.flush()
    return user.enterprise


@lru_cache(maxsize=4)
def _password_hash(method: str) -> str:
    return generate_password_hash(PASSWORD, method=method)


@contextmanager
def _shared_password_hash():
    """Every demo account has the same PASSWORD: hash it once per method (scrypt takes ~0.1 s of CPU) and give each
    account that hash, instead of hashing it again for every enterprise (the slowest step of `flask demo`)."""
    original = User.set_password

    def set_password(user: User, password: str) -> None:
        if password != PASSWORD:
            original(user, password)
            return
        user.password_hash = _password_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
        user.password_changed_at = utcnow()

    User.set_password = set_password
    try:
        yield
    finally:
        User.set_password = original


# ---------------------------------------------------------------- text

def compose(rng: random.Random, sentences: list[str], target: int, limit: int | None = None, **names) -> str:
    """Whole sentences (placeholders filled from `names`) until `target` characters, never over `limit`.

    The pool is used once round (no sentence twice) unless the target needs more than the whole pool.
    """
    pool = sentences[:]
    rng.shuffle(pool)
    text = ""
    for index in range(max(len(pool) * 4, 1)):
        sentence = pool[index % len(pool)].format(**names)
        enough = len(text) >= target or (index == len(pool) and len(text) >= 0.8 * target)
        if text and (enough or (limit and len(text) + len(sentence) > limit)):
            break
        text += sentence
    if limit and len(text) > limit:
        text = text[:limit - 1] + "。"
    return text


def paragraphs(rng: random.Random, sentences: list[str], target: int, per_paragraph: int = 3, **names) -> str:
    """Sentences grouped into paragraphs separated by line breaks (as typed into a text area)."""
    text = compose(rng, sentences, target, **names)
    parts = [p + "。" for p in text.split("。") if p]
    return "\n".join("".join(parts[i:i + per_paragraph]) for i in range(0, len(parts), per_paragraph))


EQUIPMENT = ["六轴工业机器人", "五轴联动加工中心", "AGV智能搬运车", "机器视觉检测系统", "在线光谱分析仪", "数控折弯机",
             "光纤激光切割机", "自动化立体仓库", "三坐标测量仪", "边缘计算网关", "智能拧紧设备", "协作机器人"]
SYSTEMS = ["MES制造执行系统", "ERP企业资源计划系统", "PLM产品生命周期管理系统", "WMS仓储管理系统", "APS高级计划排程系统",
           "QMS质量管理系统", "SCADA数据采集与监控系统", "EAM设备资产管理系统", "EMS能源管理系统", "SRM供应商关系管理系统"]
SUPPLIERS = ["树根互联股份有限公司", "华为技术有限公司", "西门子（中国）有限公司", "用友网络科技股份有限公司",
             "湖南科瑞特科技有限公司", "长沙智能制造研究总院有限公司", "博众精工科技股份有限公司", "中电工业互联网有限公司"]

SCENARIO_SENTENCES = {
    "description": [
        "围绕{scene}，在{area}部署{count}台{equip}，与{system}实时交互，形成覆盖{link}全过程的数字化作业单元。",
        "现场设置{stations}个智能工位，覆盖结构件、液压件等{kinds}类主要产品。",
        "通过工业以太网和5G专网采集设备状态、工艺参数和质量数据，实现{link}环节数据的自动流转。",
        "作业指令由系统自动下发到工位终端，执行结果实时回传，异常自动报警。",
    ],
    "pain_points": [
        "{link}环节长期依赖人工经验，{scene}效率低、一致性差。",
        "订单品种多、批量小，换型频繁，计划与现场执行脱节，在制品积压严重。",
        "关键数据靠纸质单据传递，追溯一批次问题平均需要{hours}小时。",
        "熟练工人招聘难、流失率高，人工成本逐年上升。",
        "质量问题发现滞后，返工和报废损失较大。",
    ],
    "solution": [
        "以{system}为核心，集成{equip}与{equip2}，搭建{scene}应用。",
        "通过OPC UA协议采集{count}台设备的实时数据，在边缘侧完成数据清洗和特征提取，再上传至工业互联网平台。",
        "基于历史数据训练工艺参数优化模型，对{link}关键工序进行闭环控制，参数偏离时自动调整并推送告警。",
        "作业指导书、工艺文件以三维可视化方式推送到工位终端，扫码即可调取。",
        "系统与ERP、WMS打通，实现计划、物料、质量数据的一体化管理。",
        "该方案由{supplier}提供软件平台并联合我公司信息化团队实施，关键设备由{supplier2}供货。",
        "上线后系统运行稳定，各项功能均达到设计要求。",
    ],
    "safeguards": [
        "成立由分管副总经理任组长的{link}数字化专班，明确各部门职责。",
        "制定《{scene}作业规范》等{docs}项企业标准和管理制度。",
        "组织操作、维护人员开展专项培训{trainings}期，累计培训{people}人次，考核合格后上岗。",
        "将系统应用指标纳入车间月度绩效考核。",
        "建立系统运维和持续改进机制，每季度评估一次应用效果。",
    ],
    "results": [
        "场景建成后，{link}环节生产效率提升{gain}%，产品一次交检合格率由{before}%提高到{after}%。",
        "操作人员由{staff_before}人减少至{staff_after}人，单班产能提升{capacity}%。",
        "质量问题追溯时间由{hours}小时缩短至{minutes}分钟，年减少质量损失约{loss}万元。",
        "设备综合效率（OEE）提升{oee}个百分点，年节约生产成本约{saving}万元。",
        "{link}环节年新增产值约{value}万元，投资回收期约{payback}年。",
    ],
    "other": [
        "该场景的建设经验已推广到公司其他{plants}个车间，带动整体产能提升{spread}%。",
        "相关解决方案已向产业链上下游{partners}家配套企业输出，带动配套企业同步开展数字化改造。",
        "形成的数据接口规范被纳入集团智能制造标准体系。",
        "该场景的数据接口已开放给集团内其他工厂复用。",
    ],
}

LONG_SENTENCES = {
    "profile": [
        "{company}成立于2006年，是一家专业从事工程机械关键零部件及整机研发、制造和销售的国家高新技术企业。",
        "公司总部位于长沙，现有员工{employees}人，其中研发和技术人员{engineers}人。",
        "公司主营产品包括液压油缸、回转支承、结构件和成套液压系统，广泛应用于挖掘机、起重机、混凝土机械等领域。",
        "经过十余年发展，公司已形成年产液压油缸{output}万支的生产能力，产品配套国内主要主机厂并出口东南亚、中东等地区。",
        "{last_year}年公司实现主营业务收入{revenue}亿元，利润总额{profit}亿元，连续多年位居省内同行业前列。",
        "公司坚持“以数据驱动制造”的发展思路，近年来持续推进数字化车间和智能工厂建设。",
        "公司拥有长沙岳麓、宁乡两个生产基地，占地面积约26万平方米。",
        "公司产品通过了主机厂严格的供应商审核，先后获得多家主机厂“优秀供应商”称号。",
        "公司建有省级企业技术中心，累计拥有授权专利{patents}项，主持或参与制定国家和行业标准{standards}项。",
    ],
    "overview_company": [
        "{company}成立于2006年，注册资本3.2亿元，是国家高新技术企业和国家级专精特新“小巨人”企业。",
        "公司主营工程机械液压油缸、回转支承和成套液压系统，已形成研发、铸造、机加工、装配和试验检测的完整产业链。",
        "{last_year}年实现主营业务收入{revenue}亿元，总资产{assets}亿元，液压油缸产品国内市场占有率约{share}%。",
        "公司现有员工{employees}人，其中本科及以上学历{graduates}人，高级职称{senior}人。",
        "公司先后获得湖南省智能制造示范企业、湖南省制造业单项冠军产品、湖南省质量信用AAA级企业等荣誉。",
        "公司通过了ISO 9001、IATF 16949、ISO 14001和ISO 45001体系认证，拥有武器装备质量管理体系资质。",
        "近三年公司营业收入年均增长{growth}%，盈利能力和经营质量持续提升。",
        "公司下设液压油缸、回转支承、液压系统三个事业部和一个研究院，拥有长沙岳麓、宁乡两个生产基地。",
        "公司产品覆盖挖掘机、起重机、混凝土机械、旋挖钻机等主机，配套客户包括国内排名前十的工程机械主机厂。",
        "近年来公司产品出口到东南亚、中东、非洲等30多个国家和地区，海外收入占比逐年提高。",
        "公司先后引进五轴加工中心、焊接机器人、自动化立体仓库等先进装备，关键工序数控化率超过85%。",
        "公司坚持质量第一，产品一次交检合格率稳定在99%以上。",
        "公司重视人才培养，与省内多所高校共建实习实训基地，每年引进应届毕业生百余人。",
    ],
    "overview_technology": [
        "公司建有省级企业技术中心和湖南省液压元件工程技术研究中心，研发团队{engineers}人。",
        "近三年研发投入占营业收入比重保持在{rd_ratio}%以上。",
        "公司累计拥有授权专利{patents}项，其中发明专利{inventions}项，软件著作权{copyrights}项。",
        "公司主持或参与制定国家标准{standards}项、行业标准{industry_standards}项。",
        "公司与中南大学、湖南大学共建联合实验室，在高压密封、精密加工和液压系统仿真方面形成核心技术。",
        "公司拥有一支{it_staff}人的信息化和自动化团队，能够独立完成产线集成、系统二次开发和数据分析。",
        "公司可为配套企业提供工艺诊断、产线改造和数字化系统部署等技术服务。",
        "研发中心配备液压综合试验台、疲劳试验台、三坐标测量仪等试验检测设备，能够完成产品全性能试验。",
        "公司建立了基于PLM的研发管理体系，实现了产品数据、工艺数据和变更流程的统一管理。",
        "近三年公司完成新产品开发{new_products}项，新产品产值贡献率超过30%。",
        "公司多名技术骨干入选湖南省“湖湘青年英才”和长沙市高层次人才。",
    ],
    "overview_advantages": [
        "公司在工程机械液压件领域深耕十余年，与国内主要主机厂建立了长期稳定的配套关系。",
        "在智能制造方面，公司较早建成覆盖设计、生产、质量、物流的一体化数字平台，数据贯通程度处于行业前列。",
        "公司具备柔性化、多品种、小批量的快速交付能力，标准产品交付周期缩短到{days}天。",
        "依托长沙工程机械产业集群，公司形成了本地化的供应链和服务网络，能够在24小时内响应客户需求。",
        "公司培养了一支懂工艺、懂数据的复合型人才队伍，为持续推进智能化改造提供了保障。",
        "公司产品性价比优势明显，在中大吨位挖掘机油缸细分市场具有较强竞争力。",
        "公司建立了覆盖全国的服务网点，可为客户提供安装指导、故障诊断和备件供应等全生命周期服务。",
        "公司数字化转型经验已形成体系化的方法论，具备向同行业企业输出的能力。",
    ],
    "integration": [
        "公司以工业互联网平台为底座，打通PLM、ERP、MES、WMS、QMS等{systems}套核心系统，形成统一的数据中台。",
        "产品设计数据通过PLM直接下发到工艺和生产环节，实现设计—工艺—制造数据一致。",
        "订单进入ERP后由APS自动排产，MES按工单驱动设备和物流，生产实绩实时回传ERP完成成本核算。",
        "质量数据贯穿来料、过程和成品检验，与设备参数关联，实现质量问题的快速定位和闭环改进。",
        "各场景之间通过统一的主数据和接口规范协同，减少了重复录入和信息孤岛。",
        "公司通过SRM平台与{suppliers}家核心供应商实现订单、库存和交付信息共享，带动供应商开展数字化改造。",
        "向下游主机厂开放产品质量档案和交付进度查询，提升了产业链协同效率。",
        "设备数据经边缘网关汇聚到平台，与工单、质量、能耗数据关联分析，为工艺优化和设备维护提供依据。",
        "公司建立了统一的数据标准和编码体系，覆盖物料、设备、工艺等{codes}类主数据。",
        "通过数据中台开展经营分析，管理层可实时查看订单、生产、质量和成本等关键指标。",
    ],
    "outcomes": [
        "通过智能制造项目实施，公司生产效率提升{productivity}%，研发周期缩短{rd_cycle}%。",
        "产品不良品率下降{defect}%，运营成本降低{cost}%，单位产值能耗下降{energy}%。",
        "关键设备数控化率达到{cnc}%，关键设备联网率达到{network}%。",
        "人均产值由{output_before}万元提高到{output_after}万元。",
        "库存周转率提升{inventory}%，订单准时交付率达到{on_time}%。",
        "突破了高压油缸缸筒精密珩磨和活塞杆激光熔覆等短板工艺，关键装备国产化率显著提高。",
        "项目实施过程中形成企业标准{standards}项，申请发明专利{inventions}项。",
        "设备综合效率（OEE）由{oee_before}%提高到{oee_after}%。",
        "质量问题平均处理周期由{days_before}天缩短到{days_after}天，客户投诉率明显下降。",
    ],
    "influence": [
        "项目建成后，公司接待省内外企业参观交流{visits}批次，成为长沙工程机械产业集群智能化改造的示范窗口。",
        "公司向{partners}家配套企业输出数字化解决方案，带动区域液压件行业整体水平提升。",
        "项目经验在省级智能制造现场推进会上作典型发言，得到行业广泛关注。",
        "公司参与了湖南省工程机械行业智能制造标准的编制工作。",
        "项目被列入湖南省智能制造示范项目，相关案例入选省工业和信息化厅智能制造优秀案例集。",
    ],
    "advancement": [
        "与国内同行业企业相比，公司在设备联网率、数据贯通程度和质量追溯能力方面处于领先水平。",
        "公司液压油缸柔性装配线节拍达到国际先进企业同等水平，换型时间缩短至{minutes}分钟。",
        "基于数据的工艺参数自优化技术在行业内率先实现规模化应用。",
        "关键工序质量控制能力达到国际主流主机厂的供应商准入要求。",
        "公司的设备联网率、数据采集频率等指标优于行业平均水平。",
    ],
    "demonstration": [
        "公司总结形成了“平台+场景+数据”的智能工厂建设模式，适用于多品种小批量的离散制造企业。",
        "提炼了柔性装配、在线检测、智能仓储等{solutions}个可复制的典型场景解决方案。",
        "形成的实施方法和数据接口规范可供中小配套企业分步骤、低成本推广应用。",
        "公司愿意通过现场观摩、技术培训等方式向行业企业开放建设经验。",
    ],
    "next_steps": [
        "目前仍存在部分老旧设备数据采集不全、跨系统数据质量有待提升等问题。",
        "下一步，公司计划投入{plan_invest}万元，建设铸造车间数字化改造和全厂数字孪生系统。",
        "推进人工智能在质量预测、设备预测性维护等场景的深度应用。",
        "完善供应链协同平台，将更多二级供应商纳入协同体系。",
        "力争在{target_year}年达到智能制造能力成熟度四级水平。",
        "加强数据安全防护体系建设，通过网络安全等级保护三级测评。",
    ],
    "lessons": [
        "智能制造是“一把手工程”，需要企业主要负责人亲自推动，业务部门与信息部门共同参与。",
        "项目初期曾过度追求设备自动化，忽视了数据标准和流程梳理，导致部分系统上线后使用率不高。",
        "后来公司坚持先梳理业务流程、统一主数据，再建设系统，少走了弯路。",
        "要注重培养既懂工艺又懂数据的复合型人才，并建立与数字化相适应的考核机制。",
        "分步实施、小步快跑，每个场景都要有可量化的目标和验收标准。",
    ],
}

LIST_SENTENCES = {
    ListKind.FUNCTION: [
        "研发设计：基于三维模型的协同设计与仿真验证，设计数据直接驱动工艺和制造",
        "生产制造：APS高级排程与MES协同，实现多品种小批量订单的快速排产和精准派工",
        "质量管控：关键工序在线检测与质量数据全流程追溯",
        "仓储物流：自动化立体仓库与AGV配送，实现物料按工单精准配送",
        "经营管理：业财一体化，实时掌握订单、成本和利润情况",
        "设备管理：设备状态在线监测和故障预测性维护",
    ],
    ListKind.KEY_PROBLEM: [
        "多品种小批量订单计划难、换型慢、交期难以保证的问题",
        "质量问题追溯依赖纸质记录、追溯周期长的问题",
        "关键设备突发故障导致停线、维护成本高的问题",
        "物料配送不及时、线边库存积压的问题",
        "各业务系统数据不一致、信息孤岛的问题",
    ],
    ListKind.KEY_TECHNOLOGY: [
        "高压油缸缸筒精密珩磨在线测量与补偿技术",
        "活塞杆激光熔覆再制造工艺及其成套装备",
        "基于机器视觉的焊缝缺陷自动识别技术",
        "多源异构设备数据采集与边缘计算技术",
        "液压系统数字孪生建模与仿真优化技术",
    ],
}


def _numbers(rng: random.Random, company: str, year: int) -> dict:
    return {"company": company, "employees": rng.randint(1200, 2600), "engineers": rng.randint(180, 320),
            "graduates": rng.randint(500, 900), "senior": rng.randint(30, 60), "output": rng.randint(20, 60),
            "last_year": year - 1, "revenue": f"{rng.uniform(18, 40):.1f}", "profit": f"{rng.uniform(1, 4):.2f}",
            "assets": f"{rng.uniform(25, 60):.1f}", "share": rng.randint(8, 20), "growth": rng.randint(8, 20),
            "rd_ratio": f"{rng.uniform(3.5, 6):.1f}", "patents": rng.randint(150, 320),
            "inventions": rng.randint(20, 60),
            "copyrights": rng.randint(10, 40), "standards": rng.randint(2, 8), "industry_standards": rng.randint(3, 12),
            "it_staff": rng.randint(30, 80), "days": rng.randint(7, 15), "systems": rng.randint(8, 12),
            "suppliers": rng.randint(60, 150), "productivity": rng.randint(25, 40), "rd_cycle": rng.randint(20, 35),
            "defect": rng.randint(25, 45), "cost": rng.randint(12, 25), "energy": rng.randint(8, 18),
            "cnc": rng.randint(85, 95), "network": rng.randint(88, 98), "output_before": rng.randint(120, 160),
            "output_after": rng.randint(180, 240), "inventory": rng.randint(20, 40), "on_time": rng.randint(95, 99),
            "visits": rng.randint(50, 200), "partners": rng.randint(10, 40), "minutes": rng.randint(15, 40),
            "solutions": rng.randint(6, 12), "plan_invest": rng.randint(8000, 20000), "target_year": year + 2,
            "new_products": rng.randint(20, 60), "codes": rng.randint(12, 30), "oee_before": rng.randint(55, 65),
            "oee_after": rng.randint(75, 85), "days_before": rng.randint(7, 15), "days_after": rng.randint(2, 4)}


def _scenario_names(rng: random.Random, link_name: str, scene: str) -> dict:
    return {"link": link_name, "scene": scene, "area": rng.choice(["装配车间", "机加工车间", "焊接车间", "涂装车间"]),
            "count": rng.randint(6, 40), "equip": rng.choice(EQUIPMENT), "equip2": rng.choice(EQUIPMENT),
            "system": rng.choice(SYSTEMS), "stations": rng.randint(8, 36), "kinds": rng.randint(3, 12),
            "hours": rng.randint(8, 48), "supplier": rng.choice(SUPPLIERS), "supplier2": rng.choice(SUPPLIERS),
            "docs": rng.randint(3, 9), "trainings": rng.randint(4, 12), "people": rng.randint(120, 600),
            "gain": rng.randint(18, 45), "before": f"{rng.uniform(93, 96):.1f}",
            "after": f"{rng.uniform(98, 99.8):.1f}",
            "staff_before": rng.randint(8, 16), "staff_after": rng.randint(2, 6), "capacity": rng.randint(15, 40),
            "minutes": rng.randint(5, 30), "loss": rng.randint(80, 600), "oee": rng.randint(8, 20),
            "saving": rng.randint(200, 1500), "plants": rng.randint(2, 5), "spread": rng.randint(5, 15),
            "partners": rng.randint(5, 30), "value": rng.randint(500, 3000), "payback": rng.randint(2, 5)}


# ---------------------------------------------------------------- application

def make_complete_application(session, *, enterprise: Enterprise, campaign: Campaign,
                              app_type: ApplicationType = ApplicationType.ENTERPRISE, links: int = 8,
                              scenarios_per_link: int = 2, text_factor: float = 1.0,
                              write_files: bool = False) -> Application:
    """A complete application of `enterprise` for `campaign` (status 草稿, version 0, 申报日期 unset); flushed."""
    rng = random.Random(f"{enterprise.credit_code}-{app_type.value}-{links}-{scenarios_per_link}-{text_factor}")
    names = _numbers(rng, enterprise.name, campaign.year)
    application = Application(campaign=campaign, enterprise=enterprise, unit_id=enterprise.unit_id,
                              edition_id=campaign.edition_id, app_type=app_type)
    _fill_basic(application, enterprise, rng)
    _fill_economy(application, campaign, rng)
    _fill_investment(application, app_type)
    _fill_texts(application, rng, names, text_factor)
    session.add(application)
    _add_lists(application, rng, text_factor)
    _add_links(session, application, campaign, links, scenarios_per_link, text_factor)
    session.flush()
    _add_proof_files(session, application, write_files)
    session.flush()
    return application


def _fill_basic(a: Application, enterprise: Enterprise, rng: random.Random) -> None:
    short = enterprise.name.replace("湖南", "").replace("股份有限公司", "").replace("有限公司", "")
    a.project_name = f"{short}工程机械液压件智能工厂建设项目"
    a.company_name, a.org_code, a.founded_on = enterprise.name, enterprise.credit_code, date(2006, 4, 18)
    a.nature, a.industry_division_code, a.industry_group_code = EnterpriseNature.PRIVATE, "35", "351"
    county = enterprise.county
    a.county_adcode = county.adcode
    a.address = f"湖南省{county.prefecture.name}{county.name}智造大道{rng.randint(100, 999)}号"
    a.legal_rep_name, a.legal_rep_title, a.legal_rep_mobile = "李建国", "董事长", "13907310001"
    a.legal_rep_email = "lijianguo@xiangjiang-im.com.cn"
    a.contact_name, a.contact_title, a.contact_mobile = "王晓燕", "智能制造部部长", "13787120002"
    a.contact_email = "wangxiaoyan@xiangjiang-im.com.cn"
    a.honour_national_pilot = a.honour_national_demo_factory = a.honour_hunan_demo_workshop = False
    a.honour_national_standard_project = a.honour_hunan_demo_enterprise = True
    a.honour_integration_certified = a.honour_maturity_certified = a.honour_other = True
    a.maturity_level, a.honour_other_text = 3, "湖南省“上云上平台”标杆企业"
    a.major_accident = False
    a.staff_senior, a.staff_intermediate, a.staff_junior, a.staff_other = 28, 64, 57, 37
    a.staff_total = 28 + 64 + 57 + 37
    a.domestic_share, a.provincial_share = Decimal("82.5"), Decimal("36.8")
    a.pledge_legal_rep, a.pledge_agreed = a.legal_rep_name, True
    effects = {"cnc_rate": "86.5", "network_rate": "92.3", "productivity": "32.6", "resource_use": "12.4",
               "rd_cycle": "28.5", "operating_cost": "18.2", "defect_rate": "35.7", "staff_optimised": "24",
               "equipment_use": "21.3", "inventory_turnover": "27.8", "on_time_delivery": "15.6",
               "order_cycle": "30.2", "logistics_cost": "8.4", "land_use": "16.5"}
    for key, value in effects.items():
        setattr(a, f"eff_{key}", Decimal(value))


def _fill_economy(a: Application, campaign: Campaign, rng: random.Random) -> None:
    assets, revenue = Decimal(rng.randint(250000, 320000)), Decimal(rng.randint(180000, 220000))
    for step, year in enumerate(campaign.economic_years):
        growth = Decimal(1) + Decimal(step) * Decimal("0.12")
        a.economic_years.append(EconomicYear(
            year=year, total_assets=(assets * growth).quantize(Decimal("0.01")),
            debt_ratio=Decimal("52.30") - step * Decimal("2.15"),
            revenue=(revenue * growth + Decimal("0.45")).quantize(Decimal("0.01")),
            taxes=(revenue * growth * Decimal("0.046")).quantize(Decimal("0.01")),
            profit=(revenue * growth * Decimal("0.065")).quantize(Decimal("0.01"))))


def _fill_investment(a: Application, app_type: ApplicationType) -> None:
    """The four costs add up to the 3-year total of the enterprise (标杆企业) or of the workshop (标杆车间)."""
    a.invest_total, a.invest_3y = Decimal("38650.00"), Decimal("21480.50")
    if app_type is ApplicationType.WORKSHOP:
        a.workshop_name = "液压油缸智能装配车间"
        a.workshop_invest_total, a.workshop_invest_3y = Decimal("9860.00"), Decimal("6420.80")
        costs = ("4120.50", "1260.30", "390.00", "650.00")
    else:
        costs = ("13200.30", "4310.20", "1270.00", "2700.00")
    a.cost_equipment, a.cost_software, a.cost_testing, a.cost_personnel = (Decimal(c) for c in costs)


def _fill_texts(a: Application, rng: random.Random, names: dict, factor: float) -> None:
    targets = {"overview_company": 520, "overview_technology": 350, "overview_advantages": 290, "integration": 380,
               "outcomes": 230, "influence": 165, "advancement": 145, "demonstration": 130, "next_steps": 160,
               "lessons": 165}
    for key, target in targets.items():
        setattr(a, key, paragraphs(rng, LONG_SENTENCES[key], int(target * factor), **names))
    a.profile = compose(rng, LONG_SENTENCES["profile"], int(360 * factor), 500, **names)
    a.support_institutions = "湖南省企业技术中心（省级）、湖南省液压元件工程技术研究中心（省级）、湘江智能制造创新中心（市级）"
    a.partners = ("产学研合作单位：中南大学、湖南大学、长沙理工大学；智能制造供应商：" + "、".join(SUPPLIERS[:6]))
    a.eff_other = "单位产值综合能耗下降12.6%，年减少二氧化碳排放约3800吨；客户投诉率下降41%。"


def _add_lists(a: Application, rng: random.Random, factor: float) -> None:
    for kind, sentences in LIST_SENTENCES.items():
        for position, text in enumerate(sentences[:max(2, round(len(sentences) * min(factor, 1.0)))], start=1):
            a.list_items.append(ListItem(kind=kind, position=position, text=text + "。"))


def _chosen_links(session, campaign: Campaign, count: int) -> list[Link]:
    # The edition's 环节 in order of preference, looked up once per session (the demo builds thousands in a row).
    cache = session.info.setdefault("demo_data.link_order", {})
    if campaign.edition_id not in cache:
        by_no = {link.no: link.id for link in session.query(Link).options(selectinload(Link.scenarios))
                 .filter_by(edition_id=campaign.edition_id)}
        cache[campaign.edition_id] = ([by_no[no] for no in LINK_PREFERENCE if no in by_no]
                                      + [by_no[no] for no in sorted(set(by_no) - set(LINK_PREFERENCE))])
    links = [session.get(Link, link_id) for link_id in cache[campaign.edition_id][:count]]
    return sorted(links, key=lambda link: link.no)


def _add_links(session, a: Application, campaign: Campaign, count: int, per_link: int, factor: float) -> None:
    for position, link in enumerate(_chosen_links(session, campaign, count), start=1):
        app_link = ApplicationLink(link=link, position=position)
        for index in range(per_link):
            guide = link.scenarios[index] if index < len(link.scenarios) else None
            app_link.scenarios.append(_scenario(link, guide, index, factor))
        a.links.append(app_link)


def _scenario(link: Link, guide, index: int, factor: float) -> ApplicationScenario:
    rng = random.Random(f"{link.no}-{index}-{factor}")
    scene = guide.name if guide else f"{link.name}数字化管理"
    names = _scenario_names(rng, link.name, scene)
    texts = {key: compose(rng, SCENARIO_SENTENCES[key], int(SCENARIO_TARGETS[key] * factor), limit, **names)
             for key, limit in SCENARIO_LIMITS.items()}
    name = f"{names['area']}{scene}" if guide else f"{link.name}全过程数字化管理（第{index + 1}项）"
    return ApplicationScenario(scenario=guide, position=index + 1, name=name[:100], **texts)


PROOF_FILES = {
    AttachmentCategory.LICENSE: ["营业执照（副本）.pdf"],
    AttachmentCategory.AUDIT: ["{y0}年度财务审计报告.pdf", "{y1}年度财务审计报告.pdf", "{y2}年度财务审计报告.pdf",
                               "智能制造专项审计报告.pdf"],
    AttachmentCategory.EQUIPMENT: ["关键技术设备及软件清单.xlsx"],
    AttachmentCategory.STAFF: ["主要技术人员情况表.xlsx", "技术人员资质证书.pdf"],
    AttachmentCategory.PHOTOS: ["液压油缸智能装配线.png", "自动化立体仓库.png"],
    AttachmentCategory.ACHIEVEMENTS: ["发明专利证书汇编.pdf", "软件著作权登记证书.pdf"],
    AttachmentCategory.OTHER: ["智能制造能力成熟度评估报告.pdf"],
    AttachmentCategory.STAMPED_SCAN: ["盖章申报书扫描件.pdf"],
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _add_proof_files(session, a: Application, write_files: bool) -> None:
    """One or more files per category of 八; with `write_files` real small files are stored (demo, exports)."""
    y0, y1, y2 = a.campaign.economic_years
    for category, names in PROOF_FILES.items():
        for name in names:
            name = name.format(y0=y0, y1=y1, y2=y2)
            data = proof_file_bytes(name, f"{a.company_name} {name}") if write_files else \
                f"{a.id}:{category.value}:{name}".encode()
            attachment = _attachment(a, category, name, data)
            session.add(attachment)
            if write_files:
                _store(attachment, data)


def proof_file_bytes(name: str, text: str) -> bytes:
    """A small valid file of the type its name says (PDF, PNG or XLSX), so uploads' type checks would accept it."""
    kind = name.rsplit(".", 1)[-1]
    if kind == "png":
        return make_png(160, 90, seed=len(text))
    if kind == "xlsx":
        workbook = openpyxl.Workbook()
        workbook.active.append(["名称", "说明"])
        workbook.active.append([name, text])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    return minimal_pdf(text)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose content stream carries `text` (as a hex string; no font needed to be valid)."""
    stream = f"BT /F1 12 Tf 72 720 Td <{text.encode('utf-16-be').hex()}> Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _store(attachment: Attachment, data: bytes) -> None:
    """Write a demo file into the upload folder atomically, but without the fsyncs of real uploads: demo data can be
    made again, and the fsyncs were a large part of the time `flask demo` takes."""
    from webapp.core.storage import attachment_path_for, discard_unless_committed

    path = attachment_path_for(attachment.stored_name)
    write_atomically(path, data, durable=False)
    discard_unless_committed(path)


def _attachment(a: Application, category: AttachmentCategory, name: str, data: bytes, scenario=None,
                salt: str = "") -> Attachment:
    digest = hashlib.sha256(data).hexdigest()
    stored = hashlib.sha256(f"{a.id}/{category.value}/{name}/{digest}/{salt}".encode()).hexdigest()[:32]
    return Attachment(application=a, category=category, app_scenario=scenario, original_name=name,
                      stored_name=stored, content_type=CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/pdf"),
                      size=len(data), sha256=digest)


# ---------------------------------------------------------------- pictures

def add_solution_picture(session, scenario: ApplicationScenario, data: bytes,
                         name: str = "技术方案示意图.png", write_file: bool = False) -> Attachment:
    """A SOLUTION_PICTURE of a 场景 (its 采用的技术方案); stored in the upload folder with `write_file`."""
    application = scenario.app_link.application
    picture = _attachment(application, AttachmentCategory.SOLUTION_PICTURE, name, data, scenario,
                          salt=f"{scenario.id}/{len(scenario.pictures)}")
    session.add(picture)
    session.flush()
    if write_file:
        _store(picture, data)
    return picture


def make_png(width: int, height: int, noise: bool = False, seed: int = 0) -> bytes:
    """A valid RGB PNG: a colour gradient (small file), or random noise (incompressible: about width × height × 3
    bytes). No pixel density is recorded, so Word takes it at 72 dpi."""
    rng = random.Random(seed)
    gradient = bytes(value for x in range(width) for value in (x * 255 // max(width - 1, 1), 96 + seed % 128, 160))
    rows = [b"\x00" + (rng.randbytes(width * 3) if noise else gradient) for _y in range(height)]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + chunk(b"IEND", b""))
