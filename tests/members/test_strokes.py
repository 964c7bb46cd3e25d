"""members.strokes: names sort by surname stroke order as official rosters do."""

import random

from hypothesis import given
from hypothesis import strategies as st

from dangjian.members import strokes

# The order of ECOSYSTEM.md (identical to cn-sort's BIHUA mode and to GF 3003 笔画序).
OFFICIAL = [
    "丁一",
    "于丹",
    "万里",
    "习近",
    "马力",
    "王大山",
    "王小明",
    "毛毛",
    "方明",
    "孔子",
    "邓平",
    "石头",
    "龙飞",
    "卢生",
    "叶子",
    "田甜",
    "史明",
    "白云",
    "朱丽",
    "任远",
    "刘洋",
    "李华",
    "张伟",
    "陈静",
    "欧阳娜娜",
]


def test_known_roster_order():
    shuffled = OFFICIAL[:]
    random.Random(7).shuffle(shuffled)
    assert strokes.sort_names(shuffled) == OFFICIAL


def test_fewer_strokes_first_then_stroke_sequence():
    # 王 (4) < 刘 (6) < 李 (7); 李 (横 first) < 张 (折 first) at 7 strokes.
    assert strokes.sort_names(["李", "张", "王", "刘"]) == ["王", "刘", "李", "张"]


def test_da_is_six_strokes_not_five():
    # The shipped data files 达 among 5-stroke characters; the override puts it after 过 and before 迈.
    assert strokes.sort_names(["迈", "达", "过", "石"]) == ["石", "过", "达", "迈"]


def test_same_surname_orders_by_the_given_name():
    assert strokes.sort_names(["王小明", "王大山"]) == ["王大山", "王小明"]


def test_unknown_characters_sort_last():
    assert strokes.sort_names(["\U00020000", "王"]) == ["王", "\U00020000"]


def test_reading_the_data_writes_no_log_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    strokes._ranks.cache_clear()
    strokes.name_key("王")
    assert list(tmp_path.iterdir()) == []


@given(
    st.lists(
        st.sampled_from(list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧")),
        min_size=1,
        max_size=4,
    )
)
def test_a_prefix_sorts_before_its_extension(chars):
    name = "".join(chars)
    assert strokes.name_key(name) < strokes.name_key(name + "一")
