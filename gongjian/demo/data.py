"""The Zhuzhou demo as plain lists, read by :mod:`gongjian.demo.loader`.

Everything the seed page (the Zhuzhou Daily of May 2023, ``seed/zhuzhou-daily-2023-05.txt``) names is exact: its
communities and the subdistricts they belong to, its units and their heads, its pairings and its
visits. The rest is plausible filler: the five districts and their subdistricts are real, most
community names are made up in the local style, and the coordinates are approximate (WGS-84).
Heads of units the seed does not name are left blank rather than invented.
"""

import datetime
from dataclasses import dataclass

from gongjian.accounts.models import Role
from gongjian.units.models import UnitKind

# --- Places -----------------------------------------------------------------------------------

# A subdistrict: (name, latitude, longitude, communities); a district: (name, latitude, longitude,
# subdistricts). Community names are unique across the city so that a name finds one community.
Subdistrict = tuple[str, str, str, list[str]]
District = tuple[str, str, str, list[Subdistrict]]

# fmt: off
DISTRICTS: list[District] = [
    ("荷塘区", "27.856000", "113.173000", [
        ("月塘街道", "27.864000", "113.166000", ["月塘社区", "泉水社区", "樟树坪社区", "新华社区", "荷花社区"]),
        ("茨菇塘街道", "27.850000", "113.159000", ["茨菇塘社区", "八一社区", "新塘社区", "大坪社区", "红港社区"]),
        ("宋家桥街道", "27.872000", "113.174000", ["月桂社区", "宋家桥社区", "东郊社区", "太子社区", "金钩山社区"]),
        ("金山街道", "27.856000", "113.185000", ["湘华社区", "金山社区", "文化园社区", "石宋社区", "星月社区"]),
        ("桂花街道", "27.844000", "113.177000", ["桂花社区", "新桂社区", "天鹅社区", "红旗社区"]),
        ("明照街道", "27.883000", "113.205000", ["明照社区", "花园社区", "龙凤社区"]),
        ("仙庾镇", "27.880000", "113.260000", ["仙庾社区", "东山社区"]),
    ]),
    ("芦淞区", "27.786000", "113.155000", [
        ("建设街道", "27.835000", "113.148000", ["建设社区", "人民社区", "向阳社区", "中心广场社区", "曙光社区"]),
        ("建宁街道", "27.827000", "113.160000", ["建宁社区", "车站社区", "铁东社区", "白石社区"]),
        ("贺家土街道", "27.812000", "113.162000", ["大塘冲社区", "贺家土社区", "南华社区", "钻石社区", "湘天社区"]),
        ("庆云街道", "27.820000", "113.145000", ["庆云社区", "曲尺社区", "新民社区", "沿江社区"]),
        ("枫溪街道", "27.800000", "113.175000", ["枫溪社区", "董家塅社区", "姚家坝社区", "南方社区"]),
        ("龙泉街道", "27.790000", "113.160000", ["龙泉社区", "龙泉新村社区", "杉塘社区", "古大桥社区"]),
        ("白关镇", "27.760000", "113.200000", ["白关社区", "丝茅冲社区"]),
    ]),
    ("石峰区", "27.871000", "113.118000", [
        ("田心街道", "27.885000", "113.125000", ["北岭社区", "田心社区", "东门社区", "高家坪社区", "南岭社区"]),
        ("响石岭街道", "27.870000", "113.138000", ["响石岭社区", "九郎山社区", "玉龙社区", "学林社区"]),
        ("清水塘街道", "27.900000", "113.100000", ["清水塘社区", "霞湾社区", "株冶社区"]),
        ("铜塘湾街道", "27.895000", "113.115000", ["铜塘湾社区", "湘氮社区", "清石社区"]),
        ("井龙街道", "27.875000", "113.112000", ["井龙社区", "洪塘社区", "金田社区"]),
        ("龙头铺街道", "27.930000", "113.140000", ["龙头铺社区", "长石社区"]),
        ("云田镇", "27.910000", "113.180000", ["云田社区", "云峰社区"]),
    ]),
    ("天元区", "27.826000", "113.083000", [
        ("嵩山路街道", "27.840000", "113.110000", ["小湖塘社区", "嵩山社区", "长江社区", "珠江社区", "黄河社区"]),
        ("泰山路街道", "27.825000", "113.115000", ["大岭社区", "天台社区", "泰山社区", "华山社区", "衡山社区"]),
        ("栗雨街道", "27.815000", "113.080000", ["栗雨社区", "湘芸社区", "黄山社区", "株洲大道社区"]),
        ("马家河街道", "27.790000", "113.050000", ["马家河社区", "新马社区", "滨江社区"]),
        ("群丰镇", "27.850000", "113.040000", ["群丰社区", "白马垅社区"]),
        ("雷打石镇", "27.750000", "113.030000", ["雷打石社区"]),
        ("三门镇", "27.900000", "113.040000", ["三门社区"]),
    ]),
    ("渌口区", "27.699000", "113.144000", [
        ("渌口镇", "27.700000", "113.145000", ["渌口社区", "伏波社区", "王十万社区"]),
        ("南洲镇", "27.670000", "113.120000", ["南洲社区"]),
        ("龙门镇", "27.640000", "113.240000", ["龙门社区"]),
        ("淦田镇", "27.600000", "113.080000", ["淦田社区"]),
        ("古岳峰镇", "27.700000", "113.240000", ["古岳峰社区"]),
        ("龙船镇", "27.640000", "113.160000", ["龙船社区"]),
    ]),
]
# fmt: on

# Below the seed's communities: community -> [(estate, [(grid, [buildings])])]. The seed names
# 新苑小区 and 天心阁下小区 of 北岭社区 and the 棉纺厂 area of 大岭社区; the rest is filler.
Estate = tuple[str, list[tuple[str, list[str]]]]
ESTATES: dict[str, list[Estate]] = {
    "北岭社区": [
        ("新苑小区", [("北岭社区第一网格", ["1栋", "2栋", "3栋"]), ("北岭社区第二网格", ["4栋", "5栋", "6栋"])]),
        ("天心阁下小区", [("北岭社区第三网格", ["1栋", "2栋"]), ("北岭社区第四网格", ["3栋", "4栋"])]),
    ],
    "湘华社区": [
        ("湘华新村", [("湘华社区第一网格", ["1栋", "2栋"])]),
        ("供电宿舍小区", [("湘华社区第二网格", ["1栋"])]),
    ],
    "大岭社区": [("棉纺厂小区", [("大岭社区第一网格", ["1栋", "2栋", "3栋"]), ("大岭社区第二网格", [])])],
    "大塘冲社区": [("大塘冲小区", [("大塘冲社区第一网格", ["1栋", "2栋"])])],
    "小湖塘社区": [("小湖塘小区", [("小湖塘社区第一网格", ["1栋"])])],
    "月桂社区": [("月桂苑小区", [("月桂社区第一网格", ["1栋", "2栋"])])],
    "天台社区": [("天台山庄小区", [("天台社区第一网格", ["1栋"])])],
}

# --- Units ------------------------------------------------------------------------------------

# (name, short_name, kind, head_name, head_title). Short names are unique: the lists below refer
# to units by them.
UnitRow = tuple[str, str, str, str, str]
CITY = UnitKind.CITY_DEPARTMENT
CIVILIZED = UnitKind.CIVILIZED_UNIT
SOE = UnitKind.STATE_OWNED
CENTRAL = UnitKind.CENTRAL_IN_CITY
PEOPLE = UnitKind.PEOPLES_ORGANISATION

# The 88 units of 2022 (“88个市直部门”): city departments and people's organisations, plus the
# two the seed says already worked in 2022 (市城发集团, 国网株洲供电公司). All take part in 2023 too.
UNITS_SINCE_2022: list[UnitRow] = [
    # The city's Party organs
    ("中共株洲市纪律检查委员会", "市纪委监委", CITY, "", "书记"),
    ("中共株洲市委办公室", "市委办", CITY, "", "主任"),
    ("中共株洲市委组织部", "市委组织部", CITY, "", "部长"),
    ("中共株洲市委宣传部", "市委宣传部", CITY, "", "部长"),
    ("中共株洲市委统一战线工作部", "市委统战部", CITY, "", "部长"),
    ("中共株洲市委政法委员会", "市委政法委", CITY, "", "书记"),
    ("中共株洲市委政策研究室", "市委政研室", CITY, "", "主任"),
    ("中共株洲市委机构编制委员会办公室", "市委编办", CITY, "", "主任"),
    ("中共株洲市直属机关工作委员会", "市直机关工委", CITY, "", "书记"),
    ("中共株洲市委党校", "市委党校", CITY, "", "常务副校长"),
    ("中共株洲市委网络安全和信息化委员会办公室", "市委网信办", CITY, "", "主任"),
    ("中共株洲市委老干部局", "市委老干部局", CITY, "", "局长"),
    ("中共株洲市委巡察工作领导小组办公室", "市委巡察办", CITY, "", "主任"),
    ("中共株洲市委外事工作委员会办公室", "市委外办", CITY, "", "主任"),
    ("中共株洲市委台湾工作办公室", "市委台办", CITY, "", "主任"),
    ("株洲市人大常委会办公室", "市人大办", CITY, "", "秘书长"),
    ("政协株洲市委员会办公室", "市政协办", CITY, "", "秘书长"),
    # The city government
    ("株洲市人民政府办公室", "市政府办", CITY, "", "秘书长"),
    ("株洲市发展和改革委员会", "市发改委", CITY, "", "主任"),
    ("株洲市教育局", "市教育局", CITY, "", "局长"),
    ("株洲市科学技术局", "市科技局", CITY, "", "局长"),
    ("株洲市工业和信息化局", "市工信局", CITY, "", "局长"),
    ("株洲市公安局", "市公安局", CITY, "", "局长"),
    ("株洲市民政局", "市民政局", CITY, "", "局长"),
    ("株洲市司法局", "市司法局", CITY, "", "局长"),
    ("株洲市财政局", "市财政局", CITY, "", "局长"),
    ("株洲市人力资源和社会保障局", "市人社局", CITY, "", "局长"),
    ("株洲市自然资源和规划局", "市自然资源和规划局", CITY, "", "局长"),
    ("株洲市生态环境局", "市生态环境局", CITY, "", "局长"),
    ("株洲市住房和城乡建设局", "市住建局", CITY, "", "局长"),
    ("株洲市交通运输局", "市交通运输局", CITY, "", "局长"),
    ("株洲市水利局", "市水利局", CITY, "", "局长"),
    ("株洲市农业农村局", "市农业农村局", CITY, "", "局长"),
    ("株洲市商务局", "市商务局", CITY, "", "局长"),
    ("株洲市文化旅游广电体育局", "市文旅广体局", CITY, "", "局长"),
    ("株洲市卫生健康委员会", "市卫健委", CITY, "", "主任"),
    ("株洲市退役军人事务局", "市退役军人事务局", CITY, "", "局长"),
    ("株洲市应急管理局", "市应急管理局", CITY, "", "局长"),
    ("株洲市审计局", "市审计局", CITY, "", "局长"),
    ("株洲市人民政府国有资产监督管理委员会", "市国资委", CITY, "", "主任"),
    ("株洲市市场监督管理局", "市市场监管局", CITY, "", "局长"),
    ("株洲市统计局", "市统计局", CITY, "", "局长"),
    ("株洲市医疗保障局", "市医保局", CITY, "", "局长"),
    ("株洲市城市管理和综合执法局", "市城管执法局", CITY, "", "局长"),
    ("株洲市林业局", "市林业局", CITY, "", "局长"),
    ("株洲市行政审批服务局", "市行政审批局", CITY, "", "局长"),
    ("株洲市信访局", "市信访局", CITY, "", "局长"),
    ("株洲市地方金融监督管理局", "市金融局", CITY, "", "局长"),
    ("株洲市机关事务管理局", "市机关事务局", CITY, "", "局长"),
    ("株洲市人民政府研究室", "市政府研究室", CITY, "", "主任"),
    ("株洲市乡村振兴局", "市乡村振兴局", CITY, "", "局长"),
    ("株洲市人民防空办公室", "市人防办", CITY, "", "主任"),
    ("株洲市民族宗教事务局", "市民宗局", CITY, "", "局长"),
    ("株洲市中级人民法院", "市中级法院", CITY, "", "院长"),
    ("株洲市人民检察院", "市检察院", CITY, "", "检察长"),
    # Public institutions of the city
    ("株洲市住房公积金管理中心", "市住房公积金中心", CITY, "", "主任"),
    ("株洲市公共资源交易中心", "市公共资源交易中心", CITY, "", "主任"),
    ("株洲市供销合作社", "市供销社", CITY, "", "理事会主任"),
    ("株洲市档案馆", "市档案馆", CITY, "", "馆长"),
    ("株洲市地方志编纂室", "市志办", CITY, "", "主任"),
    ("株洲日报社", "株洲日报社", CITY, "", "社长"),
    ("株洲广播电视台", "株洲广播电视台", CITY, "", "台长"),
    ("株洲市公安局交通警察支队", "市交警支队", CITY, "", "支队长"),
    ("株洲市疾病预防控制中心", "市疾控中心", CITY, "", "主任"),
    ("株洲市社会保险服务中心", "市社保中心", CITY, "", "主任"),
    ("株洲市公路建设养护中心", "市公路中心", CITY, "", "主任"),
    ("株洲市重点建设项目事务中心", "市重点办", CITY, "", "主任"),
    ("株洲市住房保障服务中心", "市住房保障中心", CITY, "", "主任"),
    ("株洲市交通运输综合行政执法支队", "市交通执法支队", CITY, "", "支队长"),
    ("株洲市图书馆", "市图书馆", CITY, "", "馆长"),
    ("株洲市博物馆", "市博物馆", CITY, "", "馆长"),
    ("株洲市社会福利院", "市社会福利院", CITY, "", "院长"),
    ("株洲市农业科学研究所", "市农科所", CITY, "", "所长"),
    ("株洲市教育科学研究院", "市教科院", CITY, "", "院长"),
    ("株洲市投资促进事务中心", "市投促中心", CITY, "", "主任"),
    # People's organisations
    ("株洲市总工会", "市总工会", PEOPLE, "", "主席"),
    ("共青团株洲市委员会", "团市委", PEOPLE, "", "书记"),
    ("株洲市妇女联合会", "市妇联", PEOPLE, "", "主席"),
    ("株洲市科学技术协会", "市科协", PEOPLE, "谭智勇", "党组书记"),
    ("株洲市残疾人联合会", "市残联", PEOPLE, "李克武", "党组书记、理事长"),
    ("株洲市文学艺术界联合会", "市文联", PEOPLE, "", "主席"),
    ("株洲市工商业联合会", "市工商联", PEOPLE, "", "主席"),
    ("株洲市归国华侨联合会", "市侨联", PEOPLE, "", "主席"),
    ("株洲市红十字会", "市红十字会", PEOPLE, "", "会长"),
    ("株洲市社会科学界联合会", "市社科联", PEOPLE, "", "主席"),
    ("株洲市慈善总会", "市慈善总会", PEOPLE, "", "会长"),
    # Named by the seed as working in 2022 although not city departments
    ("株洲市城市发展集团有限公司", "市城发集团", SOE, "", "党委书记、董事长"),
    ("国网湖南省电力有限公司株洲供电分公司", "国网株洲供电公司", CENTRAL, "", "总经理"),
]

# The 23 units that joined in 2023 (“由仅有市直单位变成了市直单位、省以上文明单位共同出战”).
UNITS_FROM_2023: list[UnitRow] = [
    ("国家税务总局株洲市税务局", "市税务局", CENTRAL, "", "党委书记、局长"),
    ("株洲市气象局", "市气象局", CENTRAL, "", "局长"),
    ("株洲市消防救援支队", "市消防救援支队", CENTRAL, "", "支队长"),
    ("中国人民银行株洲市中心支行", "人行株洲市中心支行", CENTRAL, "", "行长"),
    ("中国银行保险监督管理委员会株洲监管分局", "株洲银保监分局", CENTRAL, "", "局长"),
    ("中国移动通信集团湖南有限公司株洲分公司", "株洲移动", CENTRAL, "", "总经理"),
    ("中国电信股份有限公司株洲分公司", "株洲电信", CENTRAL, "", "总经理"),
    ("中国联合网络通信有限公司株洲市分公司", "株洲联通", CENTRAL, "", "总经理"),
    ("中国邮政集团有限公司株洲市分公司", "株洲邮政", CENTRAL, "", "总经理"),
    ("湖南省烟草公司株洲市公司", "株洲市烟草公司", CIVILIZED, "", "经理"),
    ("中国工商银行股份有限公司株洲分行", "工行株洲分行", CIVILIZED, "", "行长"),
    ("中国建设银行股份有限公司株洲市分行", "建行株洲分行", CIVILIZED, "", "行长"),
    ("中国农业银行股份有限公司株洲分行", "农行株洲分行", CIVILIZED, "", "行长"),
    ("中国银行股份有限公司株洲市分行", "中行株洲分行", CIVILIZED, "", "行长"),
    ("株洲市中心医院", "市中心医院", CIVILIZED, "", "院长"),
    ("株洲市人民医院", "市人民医院", CIVILIZED, "", "院长"),
    ("湖南工业大学", "湖南工业大学", CIVILIZED, "", "党委书记"),
    ("湖南铁道职业技术学院", "湖南铁道职院", CIVILIZED, "", "党委书记"),
    ("株洲市第二中学", "株洲市二中", CIVILIZED, "", "校长"),
    ("中车株洲电力机车有限公司", "中车株机", SOE, "", "党委书记、董事长"),
    ("中国航发南方工业有限公司", "中国航发南方", SOE, "", "党委书记、董事长"),
    ("株洲硬质合金集团有限公司", "株硬集团", SOE, "", "党委书记、董事长"),
    ("株洲市交通发展集团有限公司", "市交发集团", SOE, "", "党委书记、董事长"),
]

# --- Campaigns and pairings -------------------------------------------------------------------

# (year, name, starts_on, ends_on, description)
CAMPAIGNS: list[tuple[int, str, datetime.date, datetime.date, str]] = [
    (
        2022,
        "社区联点共建",
        datetime.date(2022, 3, 1),
        datetime.date(2022, 12, 31),
        "88个市直部门以社区为“主战场”，将更多的人、财、物向社区倾斜，解决社区文明创建的诸多痛点难点。",
    ),
    (
        2023,
        "株事有礼·社区联点共建",
        datetime.date(2023, 4, 26),  # the day of the 部署会
        datetime.date(2023, 12, 31),
        "参与单位由88个增至111个，市直单位、省以上文明单位共同出战；全城全员全面全程推进创建。",
    ),
]

# The seed's pairings (unit short name, community). Every unit keeps its community in both years.
SEED_PAIRINGS: list[tuple[str, str]] = [
    ("市城发集团", "北岭社区"),
    ("国网株洲供电公司", "湘华社区"),
    ("市财政局", "大岭社区"),
    ("株洲日报社", "大塘冲社区"),
    ("市残联", "小湖塘社区"),
    ("市科协", "月桂社区"),
    ("市委宣传部", "天台社区"),
]

# --- Visits -----------------------------------------------------------------------------------

VISITED_UNITS_BY_2023_05_09 = 58  # “截至5月9日，已有近60家单位深入联点社区”
VISITED_UNITS_BY_2023_12_31 = 100
VISITED_UNITS_IN_2022 = 80


@dataclass(frozen=True)
class SeedVisit:
    """A visit the seed describes."""

    unit: str  # short name
    visited_on: datetime.date
    led_by_head: bool
    leader_name: str
    participants: str
    participant_count: int
    findings: str
    actions: str
    photo: bool = False


SEED_VISITS: list[SeedVisit] = [
    # 2022: the units the seed credits with last year's results
    SeedVisit(
        unit="市城发集团",
        visited_on=datetime.date(2022, 4, 12),
        led_by_head=True,
        leader_name="",
        participants="市城发集团及下属城市更新公司班子成员、工程技术人员",
        participant_count=8,
        findings=(
            "北岭社区处于田心片区升级改造核心区域，是群众关注的焦点。新苑小区田心路沿线门店、天心阁下小区附近"
            "下水道经常淤堵，一到下雨天就往外冒污水；小区内路面、前坪破烂不堪。"
        ),
        actions="城市更新公司对两处下水管道进行勘察，制定改造方案。",
        photo=True,
    ),
    SeedVisit(
        unit="市城发集团",
        visited_on=datetime.date(2022, 6, 21),
        led_by_head=False,
        leader_name="",
        participants="城市更新公司项目组",
        participant_count=6,
        findings="下水管道改造施工进度及居民意见。",
        actions=(
            "投入20多万元对新苑小区田心路沿线、天心阁下小区的下水管道进行全面改造，新建一个小区化粪池，"
            "硬化小区内破烂不堪的路面、前坪。"
        ),
    ),
    SeedVisit(
        unit="市城发集团",
        visited_on=datetime.date(2022, 8, 18),
        led_by_head=False,
        leader_name="",
        participants="市城发集团职工志愿者",
        participant_count=35,
        findings="小区卫生死角较多，部分楼道杂物堆放。",
        actions="组织职工志愿者深入社区开展文明宣传、摸排整改、卫生大清扫。",
    ),
    SeedVisit(
        unit="国网株洲供电公司",
        visited_on=datetime.date(2022, 4, 20),
        led_by_head=True,
        leader_name="",
        participants="公司班子成员、运检部及供电服务中心人员",
        participant_count=10,
        findings="湘华社区多处315老式变压器老化，社区内有废旧电杆；城区主干道两旁电缆井盖板破损、通信线路牵挂杂乱。",
        actions="对城区23条主干道两旁的电缆井盖板全部进行排查，对21处区域通信线路牵挂问题彻底清理。",
    ),
    SeedVisit(
        unit="国网株洲供电公司",
        visited_on=datetime.date(2022, 7, 14),
        led_by_head=False,
        leader_name="",
        participants="供电服务中心施工人员",
        participant_count=12,
        findings="老式变压器更换及废旧电杆拆除施工。",
        actions="对湘华社区多处315老式变压器实施更换，对社区内废旧电杆全面拆除。",
    ),
    SeedVisit(
        unit="市财政局",
        visited_on=datetime.date(2022, 5, 10),
        led_by_head=True,
        leader_name="",
        participants="局班子成员、机关党员干部",
        participant_count=8,
        findings="大岭社区棉纺厂片区下水道堵塞，片区脏乱差。",
        actions="出资出力帮助社区改造棉纺厂片区下水道。",
    ),
    SeedVisit(
        unit="市财政局",
        visited_on=datetime.date(2022, 9, 6),
        led_by_head=False,
        leader_name="",
        participants="机关党员志愿者",
        participant_count=15,
        findings="棉纺厂片区下水道改造完工，片区环境明显改善。",
        actions="组织党员志愿者开展卫生清扫，巩固片区整治成果。",
    ),
    SeedVisit(
        unit="株洲日报社",
        visited_on=datetime.date(2022, 5, 17),
        led_by_head=True,
        leader_name="",
        participants="报社班子成员、全媒体记者",
        participant_count=6,
        findings="大塘冲社区缺少居民休闲活动场地。",
        actions="支持社区新建一处居民休闲小广场，用微小项目为文明创建增色。",
    ),
    SeedVisit(
        unit="株洲日报社",
        visited_on=datetime.date(2022, 10, 20),
        led_by_head=False,
        leader_name="",
        participants="报社干部职工",
        participant_count=10,
        findings="居民休闲小广场建成投入使用。",
        actions="在小广场设置公益广告和创文宣传栏。",
    ),
    # 2023: the first weeks of “株事有礼·社区联点共建”
    SeedVisit(
        unit="市残联",
        visited_on=datetime.date(2023, 4, 26),
        led_by_head=True,
        leader_name="李克武",
        participants="市残联党组书记、理事长李克武一行",
        participant_count=5,
        findings="4月26日下午联点共建工作部署会结束后，立即带队到联点社区报到，就创文相关工作与社区进行交流探讨。",
        actions="与社区对接联点共建工作，建立日常联络机制。",
    ),
    SeedVisit(
        unit="市科协",
        visited_on=datetime.date(2023, 5, 8),
        led_by_head=True,
        leader_name="谭智勇",
        participants="市科协党组书记谭智勇一行",
        participant_count=6,
        findings=(
            "上午走访调研，详细了解社区创文工作中的热点、难点问题：垃圾中转站臭气熏天、小区路面不平、下水盖板损坏、"
            "飞线充电、外来车辆乱停乱放、健身器材损坏、加油站附近存在交通安全隐患、自来水存在卫生安全隐患。"
        ),
        actions="市科协将与社区共商共建计划，全力协助社区开展文明创建工作。",
    ),
    SeedVisit(
        unit="市委宣传部",
        visited_on=datetime.date(2023, 5, 8),
        led_by_head=False,
        leader_name="张莉",
        participants="市委宣传部副部长、机关党委书记张莉一行",
        participant_count=5,
        findings="下午听取了解社区创文现状和难点、堵点。",
        actions="与社区共同商讨修改《2023年度市委宣传部天台社区共建工作实施方案》。",
    ),
]

# “市妇联、税务局、教育局、行政审批局、市委编办等单位更是多次对接” before 9 May 2023.
REPEAT_VISITORS_2023: list[str] = ["市妇联", "市税务局", "市教育局", "市行政审批局", "市委编办"]

# Units the demo has visit early in 2023 besides the seed's, so that their accounts have something to show.
EARLY_VISITORS_2023: list[str] = ["市城发集团", "国网株洲供电公司", "市财政局", "株洲日报社"]

# The pools other visits draw from: what a unit finds, what it agrees to do, who goes.
FINDINGS: list[str] = [
    "小区楼道杂物堆放，存在消防安全隐患",
    "背街小巷路面破损，雨天积水",
    "电动车飞线充电现象较多",
    "老旧小区无物业管理，环境卫生脏乱",
    "外来车辆乱停乱放，占用消防通道",
    "宣传栏、公益广告破旧，需要更新",
    "垃圾分类投放点设置不足，垃圾桶满溢",
    "健身器材老化损坏",
    "下水道堵塞，雨天污水外溢",
    "绿化带黄土裸露、杂草丛生",
    "占道经营、出店经营现象反弹",
    "楼道“牛皮癣”小广告较多",
    "化粪池满溢，异味扰民",
    "社区志愿服务队伍力量不足",
    "小区业委会尚未成立，物业选聘困难",
    "路灯损坏，夜间照明不足",
    "下水盖板、窨井盖破损缺失",
    "架空线路凌乱，存在安全隐患",
    "不文明养犬现象时有发生",
    "空中晾晒、高空抛物问题",
]

ACTIONS: list[str] = [
    "与社区共同制定年度共建工作实施方案",
    "组织在职党员进社区开展“文明实践微服务”",
    "出资修补小区破损路面",
    "组织志愿者开展卫生大清扫",
    "协调相关部门清理楼道杂物",
    "帮助社区更新公益广告、文化墙和宣传栏",
    "指导小区成立业主委员会、选聘物业公司",
    "捐赠一批健身器材",
    "协调安装电动车集中充电设施",
    "干部职工进网格、包楼栋，收集群众意见建议",
    "协调交警、城管部门整治车辆乱停乱放",
    "资助社区开展“幸福邻里节”活动",
    "组建单位志愿服务分队，结对社区志愿服务队",
    "协调疏通下水道、更换破损盖板",
    "参与“创文进社区”宣传，入户发放倡议书",
    "协助推进老旧小区改造",
]

PARTICIPANTS: list[tuple[str, int, int]] = [  # (who, fewest, most)
    ("单位班子成员、联点共建工作专班", 3, 8),
    ("机关党员干部", 5, 15),
    ("在职党员志愿者", 10, 30),
    ("联点共建联络员及业务科室负责人", 2, 5),
    ("干部职工", 8, 25),
]

# --- Demo accounts ----------------------------------------------------------------------------

DEMO_PASSWORD = "demo-pass-2023"  # noqa: S105 (public; its accounts exist only when DEMO_MODE is on)

# (username, display name, role, where: a unit's short name, a place's name, or "" for the city)
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("wenmingban", "市文明办管理员", Role.CITY_ADMIN, ""),
    ("chengfa", "市城发集团联络员", Role.UNIT_LIAISON, "市城发集团"),
    ("gongdian", "国网株洲供电公司联络员", Role.UNIT_LIAISON, "国网株洲供电公司"),
    ("beiling-staff", "北岭社区工作人员", Role.COMMUNITY_STAFF, "北岭社区"),
    ("beiling-grid", "丁元春", Role.GRID_WORKER, "北岭社区第一网格"),
    ("resident", "北岭社区居民", Role.RESIDENT, "新苑小区"),
]


def _days(text: str) -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(day) for day in text.split())


# China's public holidays and make-up working days within the two campaigns: visits fall on working days.
HOLIDAYS: frozenset[datetime.date] = _days(
    "2022-04-04 2022-04-05 2022-05-02 2022-05-03 2022-05-04 2022-06-03 2022-09-12 2022-10-03 "
    "2022-10-04 2022-10-05 2022-10-06 2022-10-07 2023-05-01 2023-05-02 2023-05-03 2023-06-22 "
    "2023-06-23 2023-09-29 2023-10-02 2023-10-03 2023-10-04 2023-10-05 2023-10-06"
)
MAKEUP_WORKDAYS: frozenset[datetime.date] = _days(
    "2022-04-02 2022-04-24 2022-05-07 2022-10-08 2022-10-09 2023-05-06 2023-06-25 2023-10-07 2023-10-08"
)
