"""Code tables shipped as data: ethnic groups (GB 3304-1991) and education (GB/T 4658-2006, main levels).

The labels are marked with gettext_noop: they stay Chinese here (imports, exports and the API match on them);
pages translate them where they show them, with `translated` (choices, lookup dicts) or
gettext (one label; Django's gettext keeps "" as "").
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

ETHNICITIES = [
    ("01", gettext_noop("汉族")),
    ("02", gettext_noop("蒙古族")),
    ("03", gettext_noop("回族")),
    ("04", gettext_noop("藏族")),
    ("05", gettext_noop("维吾尔族")),
    ("06", gettext_noop("苗族")),
    ("07", gettext_noop("彝族")),
    ("08", gettext_noop("壮族")),
    ("09", gettext_noop("布依族")),
    ("10", gettext_noop("朝鲜族")),
    ("11", gettext_noop("满族")),
    ("12", gettext_noop("侗族")),
    ("13", gettext_noop("瑶族")),
    ("14", gettext_noop("白族")),
    ("15", gettext_noop("土家族")),
    ("16", gettext_noop("哈尼族")),
    ("17", gettext_noop("哈萨克族")),
    ("18", gettext_noop("傣族")),
    ("19", gettext_noop("黎族")),
    ("20", gettext_noop("傈僳族")),
    ("21", gettext_noop("佤族")),
    ("22", gettext_noop("畲族")),
    ("23", gettext_noop("高山族")),
    ("24", gettext_noop("拉祜族")),
    ("25", gettext_noop("水族")),
    ("26", gettext_noop("东乡族")),
    ("27", gettext_noop("纳西族")),
    ("28", gettext_noop("景颇族")),
    ("29", gettext_noop("柯尔克孜族")),
    ("30", gettext_noop("土族")),
    ("31", gettext_noop("达斡尔族")),
    ("32", gettext_noop("仫佬族")),
    ("33", gettext_noop("羌族")),
    ("34", gettext_noop("布朗族")),
    ("35", gettext_noop("撒拉族")),
    ("36", gettext_noop("毛南族")),
    ("37", gettext_noop("仡佬族")),
    ("38", gettext_noop("锡伯族")),
    ("39", gettext_noop("阿昌族")),
    ("40", gettext_noop("普米族")),
    ("41", gettext_noop("塔吉克族")),
    ("42", gettext_noop("怒族")),
    ("43", gettext_noop("乌孜别克族")),
    ("44", gettext_noop("俄罗斯族")),
    ("45", gettext_noop("鄂温克族")),
    ("46", gettext_noop("德昂族")),
    ("47", gettext_noop("保安族")),
    ("48", gettext_noop("裕固族")),
    ("49", gettext_noop("京族")),
    ("50", gettext_noop("塔塔尔族")),
    ("51", gettext_noop("独龙族")),
    ("52", gettext_noop("鄂伦春族")),
    ("53", gettext_noop("赫哲族")),
    ("54", gettext_noop("门巴族")),
    ("55", gettext_noop("珞巴族")),
    ("56", gettext_noop("基诺族")),
    ("97", gettext_noop("其他")),
    ("98", gettext_noop("外国血统中国籍人士")),
]
HAN = "01"

# GB/T 4658-2006 first-level groups used on rosters and in the statistical tables.
EDUCATION = [
    ("11", gettext_noop("博士研究生")),
    ("14", gettext_noop("硕士研究生")),
    ("21", gettext_noop("大学本科")),
    ("31", gettext_noop("大学专科")),
    ("41", gettext_noop("中等专科")),
    ("44", gettext_noop("职业高中")),
    ("47", gettext_noop("技工学校")),
    ("61", gettext_noop("普通高中")),
    ("71", gettext_noop("初中")),
    ("81", gettext_noop("小学")),
    ("90", gettext_noop("其他")),
]

# 党员职业 (the categories of the Party's annual statistical tables).
OCCUPATIONS = [
    ("01", gettext_noop("工人")),
    ("02", gettext_noop("农牧渔民")),
    ("03", gettext_noop("企事业单位、社会组织专业技术人员")),
    ("04", gettext_noop("企事业单位、社会组织管理人员")),
    ("05", gettext_noop("党政机关工作人员")),
    ("06", gettext_noop("学生")),
    ("07", gettext_noop("军人、武警")),
    ("08", gettext_noop("离退休人员")),
    ("09", gettext_noop("其他职业人员")),
]

DEGREES = [
    ("doctor", gettext_noop("博士")),
    ("master", gettext_noop("硕士")),
    ("bachelor", gettext_noop("学士")),
    ("none", gettext_noop("无学位")),
]


def translated(table: list[tuple[str, str]]) -> list[tuple[str, Promise]]:
    """The table with its labels in the reader's language, lazily: for forms' choices and lookup dicts built
    when a module is imported. The codes stay as they are."""
    return [(code, gettext_lazy(label)) for code, label in table]
