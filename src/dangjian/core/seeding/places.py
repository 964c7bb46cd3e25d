"""Names of the demo county's units, modelled on 旌德县 (安徽省宣城市, 341825).

The ten townships are 旌德's real ones; villages, communities and companies are made up from local-sounding
syllables, so no real village or company is described by demo data.
"""

import random

COUNTY = "旌德县"
COUNTY_CODE = "341825"
ROOT_NAME = "中共旌德县委"

TOWNSHIPS = [
    "旌阳镇",
    "蔡家桥镇",
    "三溪镇",
    "庙首镇",
    "白地镇",
    "俞村镇",
    "兴隆镇",
    "版书镇",
    "孙村镇",
    "云乐镇",
]

# Syllables for made-up place names (皖南 style: 凫山, 玉川, 篁溪, 江坑 …).
PLACE_FIRST = list(
    "凫玉柏篁朱汪洪隐龙凤乔华云乐兴路新黄石金梓碧高桃仕樟枫竹梅桂霞泉岩观溪马象杨东西南北上下双古鹤仙蓉柳"
)
PLACE_SECOND = list("山川溪阳田坑岭塘桥源里坦冲庄湾坞口坪垅岗畈湖亭林坊圩")
COUNTY_SEAT_COMMUNITIES = ["城东社区", "城南社区", "城西社区", "城北社区", "文昌社区", "梓阳社区"]

# 县直机关工委's agency branches (the county's organs, mass organizations and courts).
AGENCIES = [
    "县委办公室",
    "县委组织部机关",
    "县委宣传部机关",
    # Small seeds keep only the first four; 县财政局 carries a deliberate case (a 支委会 of seven).
    "县财政局",
    "县委统战部机关",
    "县委政法委机关",
    "县纪委监委机关",
    "县人大常委会机关",
    "县政协机关",
    "县政府办公室",
    "县发展和改革委员会",
    "县人力资源和社会保障局",
    "县自然资源和规划局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县农业农村局",
    "县水利局",
    "县商务局",
    "县文化旅游体育局",
    "县市场监督管理局",
    "县统计局",
    "县审计局",
    "县民政局",
    "县司法局",
    "县应急管理局",
    "县林业局",
    "县医疗保障局",
    "县退役军人事务局",
    "县数据资源管理局",
    "县信访局",
    "县总工会机关",
    "团县委机关",
    "县妇联机关",
    "县人民检察院机关",
]
POLICE_UNITS = ["机关第一", "机关第二", "刑事侦查大队", "治安管理大队", "交通管理大队", "旌阳派出所"]
COURT_UNITS = ["审判业务第一", "审判业务第二", "执行局"]

COUNTY_SCHOOLS = ["县职业教育中心", "县实验小学", "县城关小学", "县城区幼儿园"]
HIGH_SCHOOL_UNITS = ["高一年级", "高二年级", "高三年级", "行政后勤"]
HOSPITAL_UNITS = ["内科", "外科", "医技", "行政后勤"]
HEALTH_UNITS = ["县中医院", "县疾病预防控制中心", "县妇幼保健计划生育服务中心", "县卫生健康委员会机关"]

SOE_GROUP_UNITS = ["集团机关", "城市建设投资公司", "文化旅游发展公司", "水务公司"]
SOE_BRANCHES = [
    "县供电公司",
    "县邮政分公司",
    "县烟草专卖局（分公司）",
    "县粮食储备有限公司",
    "县农村商业银行",
    "中国移动旌德分公司",
]

ENTERPRISE_WORDS = list("华瑞德鑫宏昌泰盛隆恒嘉元通达兴丰源康美荣旌凫锦诚信和天宇科益安")
INDUSTRIES = [
    "科技",
    "新材料",
    "机械制造",
    "电子",
    "食品",
    "茶业",
    "竹木制品",
    "农业开发",
    "建材",
    "纺织",
    "生物科技",
    "汽车零部件",
    "电气",
    "旅游开发",
    "灵芝生物",
    "中药材",
]
SOCIAL_ORGS = [
    "县律师行业",
    "县个体劳动者协会",
    "县慈善协会",
    "县养老服务中心",
    "县物业服务行业",
    "县红十字志愿服务协会",
    "县农民专业合作社联合会",
    "县书画家协会",
]

# Where members' ID numbers were issued: mostly 旌德, then the rest of 宣城, then elsewhere.
AREA_LOCAL = [COUNTY_CODE]
AREA_PREFECTURE = ["341802", "341821", "341823", "341824", "341881", "341882"]
AREA_ELSEWHERE = [
    "340104",
    "340102",
    "340202",
    "341003",
    "341004",
    "341022",
    "320106",
    "320583",
    "330106",
    "330521",
    "310115",
    "420106",
    "110105",
    "360102",
]

# 籍贯 as rosters write it, for each area code above.
AREA_NAMES = {
    "341825": "安徽旌德",
    "341802": "安徽宣城",
    "341821": "安徽郎溪",
    "341823": "安徽泾县",
    "341824": "安徽绩溪",
    "341881": "安徽宁国",
    "341882": "安徽广德",
    "340104": "安徽合肥",
    "340102": "安徽合肥",
    "340202": "安徽芜湖",
    "341003": "安徽黄山",
    "341004": "安徽黄山",
    "341022": "安徽休宁",
    "320106": "江苏南京",
    "320583": "江苏昆山",
    "330106": "浙江杭州",
    "330521": "浙江德清",
    "310115": "上海",
    "420106": "湖北武汉",
    "110105": "北京",
    "360102": "江西南昌",
}

ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五, 105 → 一百零五 (党小组 and 党支部 are numbered in words)."""
    if n <= 10:
        return ORDINALS[n - 1]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else ORDINALS[tens - 1]
        return head + "十" + (ORDINALS[ones - 1] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = ORDINALS[hundreds - 1] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + ORDINALS[rest - 1]
        tens, ones = divmod(rest, 10)
        return head + ORDINALS[tens - 1] + "十" + (ORDINALS[ones - 1] if ones else "")
    return str(n)


class PlaceNamer:
    """Made-up names that are unique within their scope (a township's villages, the county's companies)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def unique(self, make, used: set[str]) -> str:
        for _ in range(200):
            name = make()
            if name not in used:
                used.add(name)
                return name
        # Province-scale seeds exhaust the syllables; a number keeps the name unique.
        name = f"{make()}{len(used) + 1}"
        used.add(name)
        return name

    def place(self) -> str:
        return self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)

    def village(self, used: set[str]) -> str:
        return self.unique(lambda: self.place() + "村", used)

    def community(self, used: set[str]) -> str:
        return self.unique(lambda: self.place() + "社区", used)

    def township(self, used: set[str]) -> str:
        return self.unique(lambda: self.place() + self.rng.choice("镇镇镇乡"), used)

    def company(self, used: set[str]) -> str:
        def make() -> str:
            words = "".join(self.rng.sample(ENTERPRISE_WORDS, 2))
            return f"安徽{words}{self.rng.choice(INDUSTRIES)}有限公司"

        return self.unique(make, used)
