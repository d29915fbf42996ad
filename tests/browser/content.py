"""What the journeys type: two enterprises' 申报书, with consistent numbers and texts of realistic length.

The texts come from the demo data's sentence pools (webapp/ops/demo_texts.py), so they read like real applications and
keep every "N字以内" limit. The 环节 and 场景 are taken from the reference data (seeds/), by their visible names.
"""
import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from webapp.accounts.codes import check_character
from webapp.ops.demo_data import SCENARIO_LIMITS, SCENARIO_TARGETS, _numbers, _scenario_names
from webapp.ops.demo_texts import LIST_SENTENCES, LONG_SENTENCES, SCENARIO_SENTENCES, compose, paragraphs
from webapp.models import ListKind

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PASSWORD = "Qiye#2024mima"


def credit_code(county: str, serial: int) -> str:
    """A valid 统一社会信用代码 registered in `county` (the GB 32100-2015 check character computed)."""
    body = f"91{county}MA{serial:07d}"
    return body + check_character(body)


def _read(name: str) -> list[dict]:
    with open(SEEDS / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


LINKS = {int(row["link_no"]): row["link_name"] for row in _read("links.csv")}
SCENARIOS = {}
for _row in _read("scenarios.csv"):
    SCENARIOS.setdefault(int(_row["link_no"]), []).append((int(_row["scenario_no"]), _row["scenario_name"]))


@dataclass
class Scenario:
    """One 场景 block: a guide scenario (`guide` = its option label) or an own one (`own_name`)."""
    name: str                        # what 具体场景名称 says after saving
    texts: dict[str, str]            # column → text (description, pain_points, solution, safeguards, results, other)
    guide: str | None = None         # "（N）name" as the select shows it
    own_name: str | None = None


@dataclass
class Link:
    no: int
    name: str
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def option(self) -> str:
        return f"{self.no}. {self.name}"


@dataclass
class Enterprise:
    """One enterprise's registration and the whole content of its 申报书 (标杆企业)."""
    name: str
    code: str
    prefecture: str
    county: str                      # name, as the selects show it
    county_adcode: str
    contact: str
    mobile: str
    division: str                    # option labels of the 行业 selects
    group: str
    links: list[Link]
    factor: float                    # text length factor (the no-JS journey types less)
    seed: int
    password: str = PASSWORD

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.names = _numbers(self.rng, self.name, 2024)

    # ---- 一、基本情况表 ------------------------------------------------------------------------------------

    @property
    def project_name(self) -> str:
        return f"{self.name.removeprefix('湖南').removesuffix('有限公司')}智能制造标杆企业建设项目"

    def basic(self) -> dict:
        return {"单位地址": f"湖南省{self.prefecture}{self.county}智造大道 88 号", "成立时间": "2006-04-18",
                "法人代表/负责人 姓名": "刘建国", "法人代表/负责人 职务": "董事长",
                "法人代表/负责人 手机": "13907310001", "法人代表/负责人 E-mail": "liujianguo@example.com",
                "联系人 姓名": self.contact, "联系人 职务": "智能制造部部长", "联系人 手机": self.mobile,
                "联系人 E-mail": "contact@example.com"}

    ECONOMICS = {
        "总资产（万元）": ["185,000.5", "196320", "210450.75"],
        "负债率（%）": ["48.5", "46.2", "44.8"],
        "主营业务收入（万元）": ["86000", "95,300", "108000"],
        "上缴税金（万元）": ["3200.15", "3650", "4120.4"],
        "实现利润（万元）": ["-350.5", "4800", "6250"],       # a loss in the first year
    }
    STAFF = {"总数（人）": "186", "高级职称（人）": "32", "中级职称（人）": "64", "初级职称（人）": "50",
             "其他人员（人）": "40"}                              # 32 + 64 + 50 + 40 = 186
    INVESTMENT = {"企业实施智能制造的总投入（万元）": "32000", "企业近3年实施智能制造的总投入（万元）": "18600",
                  "设备费（万元）": "11200", "工业软件费（万元）": "4300", "测试验证和项目咨询费（万元）": "1350",
                  "人员费用（万元）": "1750",                      # 11200 + 4300 + 1350 + 1750 = 18600 ≤ 32000
                  "其中：国产智能制造软、硬件投资占比（%）": "82.5",
                  "其中：省产智能制造软、硬件投资占比（%）": "35"}  # 省产 ≤ 国产
    EFFECTS = {"关键设备数控化率（%）": "92.5", "关键设备联网率（%）": "95", "生产效率提升（%）": "32",
               "资源综合利用率提升（%）": "15", "研发周期缩短（%）": "28", "运营成本下降（%）": "18",
               "产品不良率下降（%）": "36", "优化人员比例（%）": "22", "设备综合利用率提升（%）": "21",
               "库存周转率提升（%）": "30", "订单准时交付率提升（%）": "12", "订单完成周期缩短（%）": "25",
               "物流成本占企业运营成本比重降低（%）": "9", "土地利用率提升（%）": "16"}

    def profile(self) -> str:
        return compose(self.rng, LONG_SENTENCES["profile"], int(360 * self.factor), 500, **self.names)

    def long_text(self, key: str, target: int) -> str:
        return paragraphs(self.rng, LONG_SENTENCES[key], max(60, int(target * self.factor)), **self.names)

    def items(self, kind: ListKind, count: int) -> list[str]:
        return [text + "。" for text in LIST_SENTENCES[kind][:count]]

    # ---- 三、智能制造实施内容 ------------------------------------------------------------------------------

    @property
    def scenario_count(self) -> int:
        return sum(len(link.scenarios) for link in self.links)


def scenario_texts(link_name: str, scene: str, seed: str, factor: float) -> dict[str, str]:
    rng = random.Random(seed)
    names = _scenario_names(rng, link_name, scene)
    return {key: compose(rng, SCENARIO_SENTENCES[key], max(30, int(SCENARIO_TARGETS[key] * factor)), limit, **names)
            for key, limit in SCENARIO_LIMITS.items()}


def make_links(plan: dict[int, int], factor: float, own: dict[int, str] | None = None) -> list[Link]:
    """`plan`: 环节 number → how many guide scenarios; `own`: 环节 number → the name of one own scenario more."""
    own = own or {}
    links = []
    for no, count in plan.items():
        link = Link(no, LINKS[no])
        for scenario_no, scene in SCENARIOS[no][:count]:
            link.scenarios.append(Scenario(name=scene, guide=f"（{scenario_no}）{scene}",
                                           texts=scenario_texts(link.name, scene, f"{no}-{scenario_no}", factor)))
        if no in own:
            link.scenarios.append(Scenario(name=own[no], own_name=own[no],
                                           texts=scenario_texts(link.name, own[no], f"{no}-own", factor)))
        links.append(link)
    return links


# Journey 1 (JavaScript on): 8 环节, 11 场景 (one of them an own scenario), full texts.
WITH_JS = Enterprise(
    name="湖南麓谷智能装备有限公司", code=credit_code("430104", 1), prefecture="长沙市", county="岳麓区",
    county_adcode="430104", contact="张晓明", mobile="13807310002",
    division="34通用设备制造业", group="344泵、阀门、压缩机及类似机械制造",
    links=make_links({1: 1, 2: 1, 3: 2, 7: 1, 8: 2, 9: 1, 10: 1, 12: 1}, 1.0, own={10: "液压泵站远程运维与预测性维护"}),
    factor=1.0, seed=1)

# Journey 2 (JavaScript off): 8 环节, 10 场景, shorter texts, in another prefecture.
WITHOUT_JS = Enterprise(
    name="湖南株洲电气装备有限公司", code=credit_code("430211", 2), prefecture="株洲市", county="天元区",
    county_adcode="430211", contact="李红", mobile="13907330003",
    division="38电气机械和器材制造业", group="382输配电及控制设备制造",
    links=make_links({2: 1, 3: 2, 6: 1, 7: 1, 8: 2, 9: 1, 10: 1, 11: 1}, 0.45),
    factor=0.45, seed=2)
