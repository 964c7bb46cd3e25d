"""The roster's reads: scope, filters, search, stroke order and keyset pages, at small and large scale."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from dangjian.core.models import AuditEntry
from dangjian.members import strokes
from dangjian.members.models import Member
from dangjian.members.selectors import records as selectors
from dangjian.members.selectors.records import RosterFilters
from dangjian.members.services import records

from ..factories import make_member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def roster_names(user, filters, **kwargs):
    return [m.name for m in selectors.roster(user=user, filters=filters, **kwargs).rows]


@pytest.fixture
def people(county):
    a1 = county.village_a1
    make_member(a1, name="欧阳娜娜", gender="female", birth=dt.date(1996, 6, 2), education="21")  # 29
    make_member(a1, name="丁一", birth=dt.date(1996, 6, 1), ethnicity="03")  # 30 on TODAY
    make_member(a1, name="万里", birth=dt.date(1960, 1, 1), status="mobile")
    make_member(county.village_b1, name="王故", status="deceased")
    records.name_keys_fill()
    return county


def test_scope_is_the_users_subtree(people, personas):
    assert "王故" not in names(
        selectors.members_within(user=personas.officer, filters=RosterFilters(status="all"))
    )
    assert names(selectors.members_within(user=personas.secretary_b, filters=RosterFilters())) == sorted(
        Member.objects.counted().filter(org=people.village_b1).values_list("name", flat=True)
    )
    assert not selectors.members_within(user=personas.member, filters=RosterFilters()).exists()
    # `within` outside the scope gives nothing rather than widening it.
    assert not selectors.members_within(
        user=personas.officer, filters=RosterFilters(within=people.town_b)
    ).exists()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (RosterFilters(gender="female"), ["欧阳娜娜"]),
        (RosterFilters(ethnicity="minority"), ["丁一"]),
        (RosterFilters(ethnicity="03"), ["丁一"]),
        (RosterFilters(education="21"), ["欧阳娜娜"]),
        (RosterFilters(status="mobile"), ["万里"]),
        (RosterFilters(age_max=29), ["欧阳娜娜"]),
        (RosterFilters(age_min=30, age_max=30), ["丁一"]),
        (RosterFilters(age_min=60), ["万里"]),
        (RosterFilters(q="娜"), ["欧阳娜娜"]),
        (RosterFilters(domain="community"), []),
    ],
)
def test_filters(people, personas, filters, expected):
    assert names(selectors.members_within(user=personas.admin, filters=filters, today=TODAY)) == sorted(
        expected
    )


def test_status_on_the_rolls_and_everyone(people, personas):
    on_rolls = selectors.members_within(user=personas.admin, filters=RosterFilters())
    everyone = selectors.members_within(user=personas.admin, filters=RosterFilters(status="all"))
    assert "王故" not in names(on_rolls) and "王故" in names(everyone)


def test_search_by_exact_id_number_through_the_keyed_hash(people, personas):
    number = people.own_member.id_number
    for text in (number, number.lower(), f" {number} "):
        assert names(selectors.members_within(user=personas.admin, filters=RosterFilters(q=text))) == ["李华"]
    assert not selectors.members_within(user=personas.secretary_b, filters=RosterFilters(q=number)).exists()


def test_roster_is_in_stroke_order(people, personas):
    shown = roster_names(personas.secretary, RosterFilters())
    assert shown == sorted(shown, key=strokes.name_key)
    assert shown.index("丁一") < shown.index("万里") < shown.index("李华") < shown.index("欧阳娜娜")


@pytest.mark.parametrize("large", [False, True])
def test_keyset_pages_cover_the_roster_once_in_either_reading(people, personas, monkeypatch, large):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    monkeypatch.setattr(selectors, "LARGE_SUBTREE", 3 if large else 10_000)
    expected = [
        m.name
        for m in selectors.members_within(user=personas.admin, filters=RosterFilters()).order_by(
            "name_key", "pk"
        )
    ]
    seen, cursor, pages = [], None, []
    while True:
        page = selectors.roster(user=personas.admin, filters=RosterFilters(), after=cursor)
        pages.append(page)
        seen += [m.name for m in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected and len(pages) == -(-len(expected) // 5)
    back = selectors.roster(user=personas.admin, filters=RosterFilters(), before=pages[2].prev_cursor)
    assert [m.name for m in back.rows] == [m.name for m in pages[1].rows]
    first = selectors.roster(user=personas.admin, filters=RosterFilters(), before=pages[1].prev_cursor)
    assert first.first and first.prev_cursor is None and [m.name for m in first.rows] == expected[:5]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the planner hint is for SQLite")
def test_a_large_subtree_is_read_along_the_roster_index(people, personas, monkeypatch):
    monkeypatch.setattr(selectors, "LARGE_SUBTREE", 3)
    queryset = selectors.members_within(user=personas.admin, filters=RosterFilters(), roster_order=True)
    sql, params = queryset.order_by("name_key", "pk")[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "member_roster_idx" in plan and "TEMP B-TREE" not in plan


def test_a_bad_cursor_starts_at_the_top(people, personas):
    assert selectors.parse_cursor("nonsense") is None
    assert selectors.parse_cursor("12x.5") is None
    page = selectors.roster(user=personas.admin, filters=RosterFilters(), after="garbage.1")
    assert page.first


def test_capped_count(people, personas):
    queryset = selectors.members_within(user=personas.admin, filters=RosterFilters())
    assert selectors.capped_count(queryset) == (queryset.count(), False)
    assert selectors.capped_count(queryset, cap=5) == (5, True)


def test_fill_name_keys_command_fills_and_records_once(county, capsys):
    Member.objects.update(name_key="")
    call_command("fill_name_keys", "--batch", "7")
    assert "已补齐 19 名" in capsys.readouterr().out
    assert not Member.objects.filter(name_key="").exists()
    entry = AuditEntry.objects.get(object_type="members.member")
    assert entry.actor is None and "19" in entry.summary
    call_command("fill_name_keys")
    assert AuditEntry.objects.filter(object_type="members.member").count() == 1
