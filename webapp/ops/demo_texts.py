"""The demo's words: sentence banks for every text of 附件2, and composing them to a realistic length within the
form's limits (deterministic for a given random generator). What is particular to a trade (products, customers,
workshops, processes) is a placeholder filled from demo_trades.Trade; own 场景 carry names a factory would write."""
import random

from webapp.models import ListKind


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


# Equipment every trade has; each trade adds its own (demo_trades.Trade.equipment).
EQUIPMENT = ["AGV智能搬运车", "机器视觉检测系统", "自动化立体仓库", "边缘计算网关", "协作机器人"]


SYSTEMS = ["MES制造执行系统", "ERP企业资源计划系统", "PLM产品生命周期管理系统", "WMS仓储管理系统", "APS高级计划排程系统",
           "QMS质量管理系统", "SCADA数据采集与监控系统", "EAM设备资产管理系统", "EMS能源管理系统", "SRM供应商关系管理系统"]


SUPPLIERS = ["树根互联股份有限公司", "华为技术有限公司", "西门子（中国）有限公司", "用友网络科技股份有限公司",
             "湖南科瑞特科技有限公司", "长沙智能制造研究总院有限公司", "博众精工科技股份有限公司", "中电工业互联网有限公司"]


SCENARIO_SENTENCES = {
    "description": [
        "围绕{scene}，在{area}部署{count}台{equip}，与{system}实时交互，形成覆盖{link}全过程的数字化作业单元。",
        "现场设置{stations}个智能工位，覆盖{parts}等{kinds}类主要物料和产品。",
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
        "{company}成立于2006年，是一家专业从事{sector}研发、制造和销售的国家高新技术企业。",
        "公司现有员工{employees}人，其中研发和技术人员{engineers}人。",
        "公司主营产品包括{products}，主要客户为{customers}。",
        "经过十余年发展，公司已形成年产{main}{output}{unit}的生产能力，产品销往全国并出口东南亚、中东等地区。",
        "{last_year}年公司实现主营业务收入{revenue}亿元，利润总额{profit}亿元，连续多年位居省内同行业前列。",
        "公司坚持“以数据驱动制造”的发展思路，近年来持续推进数字化车间和智能工厂建设。",
        "公司拥有两个生产基地，占地面积约26万平方米。",
        "公司产品通过了重点客户严格的供应商审核，先后获得多家客户“优秀供应商”称号。",
        "公司建有省级企业技术中心，累计拥有授权专利{patents}项，主持或参与制定国家和行业标准{standards}项。",
    ],
    "overview_company": [
        "{company}成立于2006年，注册资本3.2亿元，是国家高新技术企业和国家级专精特新“小巨人”企业。",
        "公司主营{products}，已形成研发、制造、检测和服务的完整产业链。",
        "{last_year}年实现主营业务收入{revenue}亿元，总资产{assets}亿元，{main}产品国内市场占有率约{share}%。",
        "公司现有员工{employees}人，其中本科及以上学历{graduates}人，高级职称{senior}人。",
        "公司先后获得湖南省智能制造示范企业、湖南省制造业单项冠军产品、湖南省质量信用AAA级企业等荣誉。",
        "公司通过了ISO 9001、ISO 14001和ISO 45001体系认证。",
        "近三年公司营业收入年均增长{growth}%，盈利能力和经营质量持续提升。",
        "公司下设三个事业部和一个研究院，拥有两个生产基地。",
        "公司客户覆盖{customers}，与多家行业龙头企业建立了长期合作关系。",
        "近年来公司产品出口到东南亚、中东、非洲等30多个国家和地区，海外收入占比逐年提高。",
        "公司先后引进{equip_list}等先进装备，关键工序数控化率超过85%。",
        "公司坚持质量第一，产品一次交检合格率稳定在99%以上。",
        "公司重视人才培养，与省内多所高校共建实习实训基地，每年引进应届毕业生百余人。",
    ],
    "overview_technology": [
        "公司建有省级企业技术中心和{lab}，研发团队{engineers}人。",
        "近三年研发投入占营业收入比重保持在{rd_ratio}%以上。",
        "公司累计拥有授权专利{patents}项，其中发明专利{inventions}项，软件著作权{copyrights}项。",
        "公司主持或参与制定国家标准{standards}项、行业标准{industry_standards}项。",
        "公司与中南大学、湖南大学共建联合实验室，在{core_process}方面形成核心技术。",
        "公司拥有一支{it_staff}人的信息化和自动化团队，能够独立完成产线集成、系统二次开发和数据分析。",
        "公司可为配套企业提供工艺诊断、产线改造和数字化系统部署等技术服务。",
        "研发中心配备{test_gear}等试验检测设备，能够完成产品全性能试验。",
        "公司建立了基于PLM的研发管理体系，实现了产品数据、工艺数据和变更流程的统一管理。",
        "近三年公司完成新产品开发{new_products}项，新产品产值贡献率超过30%。",
        "公司多名技术骨干入选湖南省“湖湘青年英才”和市级高层次人才。",
    ],
    "overview_advantages": [
        "公司在{sector}领域深耕十余年，与{customers}建立了长期稳定的合作关系。",
        "在智能制造方面，公司较早建成覆盖设计、生产、质量、物流的一体化数字平台，数据贯通程度处于行业前列。",
        "公司具备柔性化、多品种、小批量的快速交付能力，标准产品交付周期缩短到{days}天。",
        "依托省内产业集群，公司形成了本地化的供应链和服务网络，能够在24小时内响应客户需求。",
        "公司培养了一支懂工艺、懂数据的复合型人才队伍，为持续推进智能化改造提供了保障。",
        "公司产品性价比优势明显，在{main}细分市场具有较强竞争力。",
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
        "向下游客户开放产品质量档案和交付进度查询，提升了产业链协同效率。",
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
        "突破了{core_process}等短板工艺，关键装备国产化率显著提高。",
        "项目实施过程中形成企业标准{standards}项，申请发明专利{inventions}项。",
        "设备综合效率（OEE）由{oee_before}%提高到{oee_after}%。",
        "质量问题平均处理周期由{days_before}天缩短到{days_after}天，客户投诉率明显下降。",
    ],
    "influence": [
        "项目建成后，公司接待省内外企业参观交流{visits}批次，成为全省{sector}行业智能化改造的示范窗口。",
        "公司向{partners}家配套企业输出数字化解决方案，带动区域{sector}行业整体水平提升。",
        "项目经验在省级智能制造现场推进会上作典型发言，得到行业广泛关注。",
        "公司参与了湖南省{sector}行业智能制造标准的编制工作。",
        "项目被列入湖南省智能制造示范项目，相关案例入选省工业和信息化厅智能制造优秀案例集。",
    ],
    "advancement": [
        "与国内同行业企业相比，公司在设备联网率、数据贯通程度和质量追溯能力方面处于领先水平。",
        "公司{main}柔性生产线节拍达到国际先进企业同等水平，换型时间缩短至{minutes}分钟。",
        "基于数据的工艺参数自优化技术在行业内率先实现规模化应用。",
        "关键工序质量控制能力达到国际主流客户的供应商准入要求。",
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
        "下一步，公司计划投入{plan_invest}万元，推进{area2}数字化改造和全厂数字孪生系统建设。",
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
        # The trade's own technologies come first (demo_trades.Trade.key_techs); this one every trade has.
        "多源异构设备数据采集与边缘计算技术",
    ],
}

# The unit's 推荐意见 given with each 推荐 (the experts read it).
OPINIONS = ["该企业智能制造投入大、覆盖环节全，数据采集和系统集成水平在本市同行业领先，同意推荐。",
            "企业数字化车间建设成效明显，关键工序数控化率和设备联网率较高，具有示范推广价值，推荐申报。",
            "企业近三年持续投入智能化改造，质量和效率指标改善显著，经审核材料真实完整，同意推荐。"]

# Own 场景 (not in the guide), by 环节 number: the names a factory would give them.
OWN_SCENARIOS = {
    1: ["{main}参数化选型设计", "客户图纸在线评审与快速报价"],
    2: ["{main}工艺路线模板化编制", "工装夹具数字化管理"],
    3: ["来料检验数字化与供应商质量看板", "{main}出厂检验数据自动判定"],
    4: ["经销商在线订货与库存共享", "重点客户需求预测看板"],
    5: ["{main}备件需求预测与快速响应", "售后服务工单移动化处理"],
    6: ["车间5G专网覆盖与工业网络改造", "厂区视频监控与门禁一体化管理"],
    7: ["插单急单影响评估与交期承诺", "每日生产例会数字看板"],
    8: ["{main}首件检验与快速换型", "班组作业电子化报工"],
    9: ["成品扫码出库与装车核对", "线边仓看板拉动补料"],
    10: ["空压站群控与节能运行", "关键设备点检移动化"],
    11: ["高处与动火作业电子许可", "叉车防撞与人车分流预警"],
    12: ["车间分区电能计量与峰谷用电优化", "蒸汽与压缩空气用量监测"],
    13: ["废气排放在线监测与超标预警", "危险废物出入库台账电子化"],
    14: ["主要原材料安全库存动态测算", "月度产销协同计划会数字化"],
    15: ["采购到货预约与收货扫码", "物流承运商在线比价"],
    16: ["供应商质量绩效月度评价", "关键物料替代来源管理"],
}
