"""Reminders of organizational life (orglife.reminders.collect) at their edges.

The county of tests/conftest.py: 甲村党支部 (secretary "zhibu") and 乙村党支部 under 甲镇党委 (officer "xiangzhen"),
丙村党支部 (secretary_b) under 丙镇党委 (no account), all under the county committee (admin). No branch has a
支委会, so a branch owes: 党员大会 and 党课 each quarter, 主题党日 each month, 组织生活会, 民主评议 and 谈心谈话
each year. Meetings are written straight to the table (the meeting services are tested on their own).
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core import periods
from dangjian.members.models import Member
from dangjian.notifications.services import deliver
from dangjian.orglife import reminders, rules
from dangjian.orglife.models import Meeting


def held(org, kind, day, state="held"):
    return Meeting.objects.create(org=org, org_path=org.path, kind=kind, state=state, held_on=day, topic=kind)


def keys_for(user, today):
    return {r.dedup_key for r in reminders.collect(today) if r.recipient.pk == user.pk}


def key(org, kind, period, level):
    return f"meeting:{org.pk}:{kind}:{period}:{level}"


@pytest.mark.parametrize(
    ("today", "reminded"),
    [
        (dt.date(2026, 3, 24), False),  # 8 days left, today included
        (dt.date(2026, 3, 25), True),  # 7 days left
        (dt.date(2026, 3, 31), True),  # the last day
    ],
)
def test_an_unmet_item_is_reminded_in_the_last_seven_days_of_its_period(county, personas, today, reminded):
    found = keys_for(personas.secretary, today)
    assert (key(county.village_a1, "assembly", "2026-Q1", "reminder") in found) == reminded
    assert (key(county.village_a1, "themed_day", "2026-03", "reminder") in found) == reminded


@pytest.mark.parametrize(("today", "reminded"), [(dt.date(2026, 3, 21), False), (dt.date(2026, 3, 22), True)])
def test_the_number_of_days_is_the_setting(county, personas, settings, today, reminded):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "MEETING_REMINDER_DAYS": 10}
    assert (
        key(county.village_a1, "assembly", "2026-Q1", "reminder") in keys_for(personas.secretary, today)
    ) == (reminded)


@given(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)), st.integers(1, 31))
def test_a_running_unmet_month_is_reminded_exactly_when_few_days_are_left(today, days):
    period = periods.period_of(today, periods.MONTH)
    status = rules.PeriodStatus(rules.THEMED_DAY, period, 1, 0, rules.OPEN, "支部条例")
    verdicts = list(reminders._verdicts([status], today, days))
    days_left = (period.end - today).days + 1
    assert (verdicts == [(status, "reminder")]) == (days_left <= days)


def test_an_item_held_is_not_reminded_but_a_planned_or_cancelled_one_is(county, personas):
    today = dt.date(2026, 3, 28)
    held(county.village_a1, "assembly", dt.date(2026, 2, 10))
    held(county.village_a1, "lecture", dt.date(2026, 3, 30), state="planned")
    held(county.village_a1, "themed_day", dt.date(2026, 3, 5), state="cancelled")
    found = keys_for(personas.secretary, today)
    assert key(county.village_a1, "assembly", "2026-Q1", "reminder") not in found
    assert key(county.village_a1, "lecture", "2026-Q1", "reminder") in found
    assert key(county.village_a1, "themed_day", "2026-03", "reminder") in found


def test_a_missed_item_of_the_previous_period_is_warned_and_escalated_to_the_committee_above(
    county, personas
):
    today = dt.date(2026, 4, 1)
    warning = key(county.village_a1, "assembly", "2026-Q1", "warning")
    assert warning in keys_for(personas.secretary, today)
    assert warning in keys_for(personas.officer, today)  # 甲镇党委
    for other in ("secretary_b", "admin", "member", "reviewer"):
        assert warning not in keys_for(getattr(personas, other), today), other


def test_a_met_previous_period_is_not_warned(county, personas):
    held(county.village_a1, "assembly", dt.date(2026, 1, 15))
    assert key(county.village_a1, "assembly", "2026-Q1", "warning") not in keys_for(
        personas.secretary, dt.date(2026, 4, 1)
    )


def test_only_the_previous_period_is_warned_about_not_all_of_history(county, personas):
    found = keys_for(personas.secretary, dt.date(2026, 5, 2))
    a1 = county.village_a1
    assert key(a1, "themed_day", "2026-04", "warning") in found
    assert key(a1, "themed_day", "2026-03", "warning") not in found
    assert key(a1, "themed_day", "2026-02", "warning") not in found
    assert key(a1, "assembly", "2026-Q1", "warning") in found
    assert key(a1, "assembly", "2025-Q4", "warning") not in found
    assert key(a1, "life_meeting", "2025", "warning") in found  # last year is the previous period of a year


def test_the_warning_says_what_was_owed_and_why(county, personas):
    (found,) = [
        r
        for r in reminders.collect(dt.date(2026, 4, 1))
        if r.recipient.pk == personas.secretary.pk
        and r.dedup_key.startswith(f"meeting:{county.village_a1.pk}:assembly")
    ]
    assert found.level == "warning" and found.category == "meeting"
    assert found.title == "甲村党支部：2026年第1季度党员大会未按规定完成"
    assert "应开 1 次，实开 0 次" in found.body and "支部条例第十一条" in found.body
    assert found.url == f"/orglife/compliance/checklist/?org={county.village_a1.pk}&year=2026"
    assert found.org == county.village_a1.pk


def test_talks_are_counted_in_members(county, personas):
    (talk,) = [
        r
        for r in reminders.collect(dt.date(2026, 12, 26))
        if r.recipient.pk == personas.secretary.pk and ":talk:2026:" in r.dedup_key
    ]
    members = Member.objects.filter(org=county.village_a1).count()
    assert f"谈心谈话应覆盖 {members} 名党员，已覆盖 0 名" in talk.body
    assert "还剩 6 天" in talk.body


@pytest.mark.parametrize(
    ("today", "reminded"), [(dt.date(2026, 11, 30), False), (dt.date(2026, 12, 1), True)]
)
def test_life_meeting_and_appraisal_not_held_by_the_first_of_december_are_reminded(
    county, personas, today, reminded
):
    found = keys_for(personas.secretary, today)
    a1 = county.village_a1
    assert (key(a1, "life_meeting", "2026", "reminder") in found) == reminded
    assert (key(a1, "appraisal", "2026", "reminder") in found) == reminded
    assert key(a1, "talk", "2026", "reminder") not in found  # only in the year's last days


def test_a_life_meeting_held_in_the_year_is_not_reminded_in_december(county, personas):
    held(county.village_a1, "life_meeting", dt.date(2026, 10, 20))
    found = keys_for(personas.secretary, dt.date(2026, 12, 10))
    assert key(county.village_a1, "life_meeting", "2026", "reminder") not in found
    assert key(county.village_a1, "appraisal", "2026", "reminder") in found


def test_a_party_group_is_reminded_through_its_branch(county, personas):
    Member.objects.filter(
        pk__in=list(Member.objects.filter(org=county.village_a1).values_list("pk", flat=True)[:3])
    ).update(party_group=county.group_a1)
    found = keys_for(personas.secretary, dt.date(2026, 3, 26))
    assert key(county.group_a1, "group", "2026-03", "reminder") in found
    held(county.group_a1, "group", dt.date(2026, 3, 3))
    assert key(county.group_a1, "group", "2026-03", "reminder") not in keys_for(
        personas.secretary, dt.date(2026, 3, 26)
    )


def test_a_party_group_without_members_owes_nothing(county, personas):
    found = reminders.collect(dt.date(2026, 3, 26))
    assert not any(r.dedup_key.startswith(f"meeting:{county.group_a1.pk}:") for r in found)


def test_a_branch_without_an_account_gets_no_reminders_but_its_committee_gets_the_warnings(county, personas):
    a2 = county.village_a2
    found = [
        r for r in reminders.collect(dt.date(2026, 3, 26)) if r.dedup_key.startswith(f"meeting:{a2.pk}:")
    ]
    assert found and {(r.level, r.recipient.username) for r in found} == {("warning", "xiangzhen")}


def test_a_township_committee_without_accounts_is_escalated_to_the_county(county, personas):
    """丙镇党委 owes one 党课 a year by its secretary; missed in 2025 → the county's administrators are warned."""
    warned = [
        r
        for r in reminders.collect(dt.date(2026, 1, 5))
        if r.dedup_key == key(county.town_b, "lecture", "2025", "warning")
    ]
    assert {r.recipient.username for r in warned} == {"admin"}


def test_dissolved_organizations_are_not_reminded(county, personas):
    county.village_a1.dissolved_on = dt.date(2026, 2, 1)
    county.village_a1.save()
    found = reminders.collect(dt.date(2026, 3, 26))
    assert not any(r.dedup_key.startswith(f"meeting:{county.village_a1.pk}:") for r in found)


def test_deactivated_accounts_are_not_addressed(county, personas):
    personas.secretary.is_active = False
    personas.secretary.save()
    assert keys_for(personas.secretary, dt.date(2026, 3, 26)) == set()


def test_nothing_is_collected_when_no_account_could_read_it(county):
    assert list(reminders.collect(dt.date(2026, 4, 1))) == []


def test_delivering_the_same_day_twice_adds_nothing(county, personas):
    today = dt.date(2026, 4, 1)
    first = deliver(reminders.collect(today))
    second = deliver(reminders.collect(today))
    assert first.created > 0 and first.by_level["warning"] > 0
    assert second.created == 0 and second.repeated == first.created


def test_period_names_read_as_chinese_dates():
    assert reminders.period_name(periods.parse("2026-03")) == "2026年3月"
    assert reminders.period_name(periods.parse("2026-Q4")) == "2026年第4季度"
    assert reminders.period_name(periods.parse("2026")) == "2026年"


def test_the_link_opens_the_organizations_checklist_for_each_recipient(county, personas, client_for):
    url = next(
        r.url
        for r in reminders.collect(dt.date(2026, 4, 1))
        if r.dedup_key == key(county.village_a1, "assembly", "2026-Q1", "warning")
    )
    for name in ("secretary", "officer"):
        response = client_for(name).get(url)
        assert response.status_code == 200, name
        assert "甲村党支部" in response.content.decode()
