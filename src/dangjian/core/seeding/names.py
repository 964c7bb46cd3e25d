"""Chinese personal names for the demo: surnames weighted like real frequencies, given names by generation.

Own lists rather than Faker: the output must not change when Faker's data changes, drawing is ~40× faster,
and the weights can lean towards the surnames common in southern Anhui (汪 程 胡 方 江 吕 洪 舒 俞 …).
"""

import random
from bisect import bisect

# (surname, weight): national frequency in ‰ of the 2020 census, raised for the 徽州/宣城 region.
SURNAMES: list[tuple[str, float]] = [
    ("王", 71.2),
    ("李", 70.0),
    ("张", 66.8),
    ("刘", 53.8),
    ("陈", 46.1),
    ("杨", 32.2),
    ("黄", 24.5),
    ("赵", 21.9),
    ("吴", 26.0),
    ("周", 19.1),
    ("徐", 17.2),
    ("孙", 15.3),
    ("马", 14.9),
    ("朱", 21.6),
    ("胡", 26.2),
    ("郭", 12.4),
    ("何", 11.8),
    ("林", 11.8),
    ("高", 11.4),
    ("罗", 11.4),
    ("郑", 10.2),
    ("梁", 9.7),
    ("谢", 8.4),
    ("宋", 7.8),
    ("唐", 7.6),
    ("许", 7.2),
    ("韩", 7.0),
    ("邓", 6.8),
    ("冯", 6.7),
    ("曹", 9.6),
    ("彭", 6.2),
    ("曾", 6.0),
    ("肖", 5.8),
    ("田", 5.5),
    ("董", 5.4),
    ("潘", 5.2),
    ("袁", 5.1),
    ("蔡", 4.8),
    ("蒋", 4.8),
    ("余", 6.5),
    ("于", 4.6),
    ("杜", 4.6),
    ("叶", 9.0),
    ("程", 13.0),
    ("魏", 4.2),
    ("苏", 4.1),
    ("吕", 12.3),
    ("丁", 4.0),
    ("任", 3.9),
    ("卢", 3.7),
    ("姚", 4.5),
    ("沈", 3.6),
    ("钟", 3.5),
    ("姜", 3.4),
    ("崔", 3.3),
    ("谭", 3.2),
    ("陆", 3.1),
    ("范", 3.0),
    ("汪", 18.0),
    ("廖", 3.0),
    ("石", 2.9),
    ("金", 2.8),
    ("贾", 2.8),
    ("夏", 2.7),
    ("付", 2.6),
    ("方", 7.8),
    ("邹", 2.5),
    ("熊", 2.5),
    ("白", 2.4),
    ("孟", 2.4),
    ("秦", 2.3),
    ("邱", 2.3),
    ("侯", 2.2),
    ("江", 8.8),
    ("尹", 2.1),
    ("薛", 2.0),
    ("闫", 2.0),
    ("段", 1.9),
    ("雷", 1.9),
    ("龙", 1.8),
    ("史", 1.8),
    ("陶", 1.7),
    ("贺", 1.7),
    ("毛", 1.6),
    ("郝", 1.6),
    ("顾", 1.6),
    ("龚", 1.6),
    ("邵", 1.5),
    ("万", 1.5),
    ("钱", 1.4),
    ("戴", 2.8),
    ("严", 1.4),
    ("孔", 1.3),
    ("向", 1.3),
    ("常", 1.2),
    ("汤", 1.8),
    ("康", 1.2),
    ("乔", 1.2),
    ("施", 1.1),
    ("洪", 4.4),
    ("章", 2.2),
    ("葛", 1.1),
    ("殷", 1.0),
    ("舒", 4.0),
    ("鲍", 3.0),
    ("詹", 3.0),
    ("俞", 4.0),
    ("凌", 1.5),
    ("查", 1.2),
    ("倪", 1.5),
    ("柯", 0.8),
    ("欧阳", 0.3),
    ("司马", 0.05),
    ("诸葛", 0.03),
]

# Given names change with the times: whole names typical of each generation, and characters to combine.
_MALE = {
    "old": (
        "建国 建华 国庆 国华 国强 卫东 卫国 志强 志明 德明 德华 金宝 金生 长生 水生 有才 永福 永康 振华 春生 "
        "树林 桂林 光明 家林 福林 学文 文华 明华 新民 跃进 和平 玉林 炳南 根生 旺生 正义 秋生 发财 兴旺 茂林",
        "建 国 志 德 金 长 永 振 春 树 家 福 学 文 明 新 玉 炳 根 正 秋 兴 茂 加 宗",
        "国 华 民 强 明 生 林 福 才 宝 山 忠 发 荣 贵 庆 义 喜 海 昌 祥 元 富 根 泉",
    ),
    "mid": (
        "勇军 海涛 志刚 建军 晓东 立新 红兵 文斌 春雷 永刚 建平 小军 国平 俊杰 卫华 鹏飞 海波 建伟 晓峰 "
        "文涛 建新 志勇 红军 永强 伟东 宏伟 军华 立军 东升 学军",
        "海 志 建 晓 立 红 文 春 永 小 国 俊 卫 鹏 宏 军 东 学 伟 忠 亚 云 成 长 明",
        "伟 勇 军 斌 涛 磊 强 峰 刚 杰 俊 波 辉 鹏 超 健 明 亮 海 兵 华 平 林 飞 东",
    ),
    "young": (
        "子豪 浩然 宇航 俊杰 子轩 一鸣 天宇 思远 文博 明哲 嘉豪 梓豪 家乐 志远 承泽 昊天 奕辰 宇轩 俊熙 "
        "皓轩 博文 晨阳 子墨 逸凡 泽宇 星辰 佳豪 一帆 浩宇 瑞阳",
        "子 浩 宇 俊 天 思 文 明 嘉 梓 家 志 承 昊 奕 皓 博 晨 逸 泽 星 佳 一 瑞 睿",
        "豪 然 航 杰 轩 鸣 宇 远 博 哲 乐 泽 天 辰 熙 文 阳 墨 凡 帆 鑫 凯 昊 晨 铭",
    ),
}
_FEMALE = {
    "old": (
        "秀英 桂英 秀兰 玉兰 桂兰 凤英 玉珍 秀珍 淑珍 金凤 翠英 春花 冬梅 月英 素芳 兰英 爱华 红英 美华 "
        "彩霞 菊香 荷花 玉梅 秀华 桂芳 金花 素珍 银花 凤兰 爱珍",
        "秀 桂 玉 凤 淑 金 翠 春 冬 月 素 兰 爱 红 美 彩 菊 荷 银 雪",
        "英 兰 珍 凤 花 梅 芳 华 霞 香 娥 琴 英 莲 芬 仙 娣 秀 珠 云",
    ),
    "mid": (
        "丽华 海燕 晓燕 小红 春燕 丽娟 秀梅 雪梅 晓红 美玲 玉洁 红梅 丽萍 晓丽 文静 艳红 晓梅 丽君 "
        "彩云 亚琴 建英 海霞 丽芳 慧敏 玉婷 小燕 晓琴 雪芳 红霞 美娟",
        "丽 海 晓 小 春 秀 雪 美 玉 红 文 艳 亚 建 慧 彩 雅 静 瑞 月",
        "丽 静 敏 燕 艳 娟 霞 芳 红 华 梅 玲 萍 琴 慧 丹 琳 莉 婷 君",
    ),
    "young": (
        "欣怡 梓涵 雨萱 诗涵 子涵 思琪 佳怡 可欣 婉婷 雨桐 一诺 梦瑶 心怡 语嫣 紫萱 晓雯 思雨 嘉怡 "
        "雨欣 静怡 诗雨 欣妍 若曦 佳琪 梦琪 雅琪 书瑶 芷若 沐阳 安琪",
        "欣 梓 雨 诗 子 思 佳 可 婉 一 梦 心 语 紫 晓 嘉 静 若 雅 书",
        "怡 涵 萱 琪 欣 婷 桐 诺 瑶 嫣 雯 雨 妍 曦 然 悦 颖 倩 璐 蕾",
    ),
}


def _pools(table: dict[str, tuple[str, str, str]]) -> dict[str, tuple[list[str], list[str], list[str]]]:
    return {
        era: (whole.split(), first.split(), second.split()) for era, (whole, first, second) in table.items()
    }


_POOLS = {"male": _pools(_MALE), "female": _pools(_FEMALE)}
# How often a generation got a one-character given name (王伟, 李静): rarer before the 1960s.
_SINGLE_SHARE = {"old": 0.08, "mid": 0.3, "young": 0.18}


def era_of(birth_year: int) -> str:
    if birth_year < 1966:
        return "old"
    if birth_year < 1990:
        return "mid"
    return "young"


class NameMaker:
    """Draws names from one seeded Random; cumulative weights are computed once."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        weights = [w for _, w in SURNAMES]
        self._cum = [sum(weights[: i + 1]) for i in range(len(weights))]

    def surname(self) -> str:
        return self._surnames[bisect(self._cum, self.rng.random() * self._cum[-1])]

    def name(self, gender: str, birth_year: int) -> str:
        era = era_of(birth_year)
        whole, first, second = _POOLS[gender][era]
        roll = self.rng.random()
        if roll < _SINGLE_SHARE[era]:
            given = self.rng.choice(second)
        elif roll < 0.55:
            given = self.rng.choice(whole)
        else:
            given = self.rng.choice(first) + self.rng.choice(second)
        return self.surname() + given
