# ruff: noqa: E501
"""The demo's case catalogue and the seed's problems, as plain data (read by ``cases.demo``).

Categories follow GB/T 30428's two classes, 部件 (facilities) and 事件 (events). Deadline hours
are (urgent, high, normal). ``PAIRED`` means "the community's paired unit" (联点共建单位)."""

from dataclasses import dataclass

PAIRED = "paired"
FACILITY = "facility"
EVENT = "event"


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name: str
    klass: str
    group: str
    unit: str  # a unit's short name, PAIRED, or "" (chosen when dispatching)
    hours: tuple[int, int, int]
    keywords: str = ""
    description: str = ""
    public: bool = True


# fmt: off
CATEGORIES: list[CategoryRow] = [
    # 部件: public facilities
    CategoryRow("drain-cover", "井盖缺失破损", FACILITY, "公用设施", "市城发集团", (2, 12, 48), "井盖,窨井,下水道盖,雨水箅子",
                "窨井盖、雨水箅子缺失、破损、移位，存在安全隐患。"),
    CategoryRow("sewer", "下水道堵塞外溢", FACILITY, "公用设施", PAIRED, (4, 24, 72), "下水道,污水,堵塞,外溢,化粪池",
                "下水管道、化粪池堵塞，污水外溢。"),
    CategoryRow("road-damage", "道路破损不平", FACILITY, "道路交通设施", "市城发集团", (8, 48, 168), "路面,坑洼,破损,不平",
                "路面坑洼、沉降、破损，人行道板松动。"),
    CategoryRow("garbage-station", "垃圾站（中转站）脏乱", FACILITY, "市容环境设施", "市城管执法局", (4, 24, 48),
                "垃圾站,中转站,臭味,渗滤液", "垃圾中转站、垃圾屋异味大、清运不及时、污水渗漏。"),
    CategoryRow("fitness", "健身器材损坏", FACILITY, "园林绿化设施", PAIRED, (24, 72, 168), "健身器材,健身路径,损坏",
                "小区、广场健身器材损坏，存在安全隐患。"),
    CategoryRow("street-lamp", "路灯不亮", FACILITY, "公用设施", "市城管执法局", (8, 48, 120), "路灯,照明,不亮"),
    CategoryRow("power-line", "电力线路隐患", FACILITY, "公用设施", "国网株洲供电公司", (2, 12, 48), "电线,电力,线缆,电箱",
                "架空线路下垂、电箱破损等用电安全隐患。"),
    CategoryRow("telecom-line", "通信线缆杂乱", FACILITY, "公用设施", "株洲电信", (24, 72, 168), "网线,光缆,飞线,线缆"),
    CategoryRow("water-supply", "供水水质与管网", FACILITY, "公用设施", "市住建局", (4, 24, 72), "自来水,水质,停水,漏水",
                "自来水浑浊、异味、停水、管网漏水。"),
    CategoryRow("greenery", "绿化损毁", FACILITY, "园林绿化设施", PAIRED, (24, 120, 240), "绿化,树木,草坪"),
    # 事件: events
    CategoryRow("flying-cable", "飞线充电", EVENT, "安全隐患", PAIRED, (2, 24, 48), "飞线充电,电动车,充电,私拉电线",
                "从楼上私拉电线为电动车充电，存在火灾隐患。"),
    CategoryRow("illegal-parking", "乱停乱放", EVENT, "交通秩序", "市交警支队", (2, 24, 72), "停车,乱停,占道,车辆"),
    CategoryRow("street-vending", "占道经营", EVENT, "市容环境", "市城管执法局", (4, 24, 72), "摆摊,占道,流动摊贩"),
    CategoryRow("exposed-garbage", "暴露垃圾", EVENT, "市容环境", PAIRED, (4, 24, 48), "垃圾,乱扔,堆放"),
    CategoryRow("traffic-hazard", "交通安全隐患", EVENT, "交通秩序", "市交警支队", (2, 12, 48), "交通,安全,隐患,路口,加油站",
                "路口、加油站等处的交通安全隐患。"),
    CategoryRow("neighbourhood", "邻里纠纷", EVENT, "社会治理", "", (24, 72, 168), "纠纷,噪音,邻里",
                "邻里之间的矛盾纠纷（不公开）。", public=False),
]
# fmt: on
