"""Valid, realistic form posts for every section of the 申报书 (as a browser sends them)."""
from webapp.forms.applications.situation import EFFECTS

LONG = "公司围绕智能制造持续投入，建成数字化车间和工业互联网平台，实现设计、生产、管理全流程数据贯通。"

SECTION_POSTS = {
    "cover": {"project_name": "湖南测试智能装备有限公司智能制造标杆企业建设项目", "app_type": "enterprise"},
    "basic": {
        "company_name": "湖南测试智能装备有限公司", "org_code": "91430100MA4L2BCD13", "founded_on": "2005-03-18",
        "nature": "private", "nature_other": "", "industry_division_code": "35", "industry_group_code": "351",
        "address": "湖南省长沙市岳麓区麓谷大道 100 号", "county_adcode": "430104",
        "legal_rep_name": "刘建国", "legal_rep_title": "董事长", "legal_rep_mobile": "13907310001",
        "legal_rep_email": "liujg@example.com", "contact_name": "张三", "contact_title": "信息化部部长",
        "contact_mobile": "13807310002", "contact_email": "zhangsan@example.com",
    },
    "economics": {
        **{f"years-{i}-{k}": v for i in range(3) for k, v in
           {"total_assets": "125,000.5", "debt_ratio": "45.2", "revenue": "86000", "taxes": "3200.15",
            "profit": "5100"}.items()},
        **{f"years-{i}-year": str(2021 + i) for i in range(3)},
    },
    "honours": {"honour_hunan_demo_enterprise": "y", "honour_maturity_certified": "y", "maturity_level": "3",
                "major_accident": "no"},
    "staff": {"staff_total": "120", "staff_senior": "20", "staff_intermediate": "40", "staff_junior": "30",
              "staff_other": "30"},
    "profile": {"profile": "湖南测试智能装备有限公司成立于2005年，主要从事工程机械关键零部件的研发、制造和销售。" * 3},
    "investment": {"invest_total": "30000", "invest_3y": "18000", "cost_equipment": "10000", "cost_software": "4000",
                   "cost_testing": "1500", "cost_personnel": "2500", "domestic_share": "85", "provincial_share": "40"},
    "functions": {"functions-0": "研发设计：基于三维模型的协同设计与仿真", "functions-1": "生产制造：车间智能排产与精准派工"},
    "innovation": {"support_institutions": "省级企业技术中心、湖南省工程机械智能制造工程技术研究中心",
                   "partners": "中南大学、湖南大学；树根互联股份有限公司、西门子（中国）有限公司"},
    "achievements": {"key_problems-0": "多品种小批量订单排产效率低", "key_technologies-0": "焊接机器人离线编程与视觉纠偏"},
    "effects": {**{name: "25" for name, _label, _max in EFFECTS}, "eff_cnc_rate": "92.5", "eff_network_rate": "88",
                "eff_other": "单位产值综合能耗下降12%。"},
    "pledge": {"pledge_legal_rep": "刘建国", "pledge_agreed": "y"},
    "overview": {"overview_company": LONG * 4, "overview_technology": LONG * 3, "overview_advantages": LONG * 2},
    "integration": {"integration": LONG * 3},
    "outcomes": {"outcomes": LONG * 3},
    "influence": {"influence": LONG, "advancement": LONG, "demonstration": LONG},
    "plan": {"next_steps": LONG * 2},
    "lessons": {"lessons": LONG * 2},
}


def start_application(client) -> int:
    """POST /applications/start as the logged-in applicant; returns the application id."""
    response = client.post("/applications/start")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.location.split("/applications/")[1].split("/")[0])


def section_version(client, application_id: int, key: str) -> str:
    page = client.get(f"/applications/{application_id}/sections/{key}").get_data(as_text=True)
    marker = 'id="version" name="version" type="hidden" value="'
    return page.split(marker)[1].split('"')[0]


def save_section(client, application_id: int, key: str, data: dict | None = None, *, htmx: bool = False, **extra):
    """Post a section as the browser does, with the version the page carries."""
    payload = dict(SECTION_POSTS[key] if data is None else data)
    if "version" not in payload and "version" not in extra:
        payload["version"] = section_version(client, application_id, key)
    payload.update(extra)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/applications/{application_id}/sections/{key}", data=payload, headers=headers)
