"""Leadership-term reminders (orgs.reminders.collect): due → reminder; expired / overdue → warning, escalated.

甲村党支部 (a village branch: 5-year term, 支部条例 第21条) elected its committee on 2022-01-10, so its term ends on
2027-01-10; with TERM_REMINDER_MONTHS = 6 the reminder window opens on 2026-07-10, and a postponement beyond
366 days (选举条例 第3条) makes it overdue from 2028-01-12.
"""

import datetime as dt

import pytest

from dangjian.notifications.services import deliver
from dangjian.orgs import reminders

ENDS = "2027-01-10"


def found(today, org=None):
    return [r for r in reminders.collect(today) if org is None or r.org == org.pk]


def addressed(today, org):
    return {(r.recipient.username, r.dedup_key, r.level) for r in found(today, org)}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 7, 9), set()),
        (dt.date(2026, 7, 10), {("zhibu", f"term:{{a1}}:{ENDS}:due", "reminder")}),
        (dt.date(2027, 1, 9), {("zhibu", f"term:{{a1}}:{ENDS}:due", "reminder")}),
        (
            dt.date(2027, 1, 10),
            {
                ("zhibu", f"term:{{a1}}:{ENDS}:expired", "warning"),
                ("xiangzhen", f"term:{{a1}}:{ENDS}:expired", "warning"),
            },
        ),
        (
            dt.date(2028, 1, 11),
            {
                ("zhibu", f"term:{{a1}}:{ENDS}:expired", "warning"),
                ("xiangzhen", f"term:{{a1}}:{ENDS}:expired", "warning"),
            },
        ),
        (
            dt.date(2028, 1, 12),
            {
                ("zhibu", f"term:{{a1}}:{ENDS}:overdue", "warning"),
                ("xiangzhen", f"term:{{a1}}:{ENDS}:overdue", "warning"),
            },
        ),
    ],
)
def test_a_term_is_reminded_before_it_ends_and_warned_after(county, personas, today, expected):
    a1 = county.village_a1.pk
    assert addressed(today, county.village_a1) == {(u, k.format(a1=a1), level) for u, k, level in expected}


def test_the_reminder_window_is_the_setting(county, personas, settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "TERM_REMINDER_MONTHS": 3}
    assert found(dt.date(2026, 10, 9), county.village_a1) == []
    assert [r.level for r in found(dt.date(2026, 10, 10), county.village_a1)] == ["reminder"]


def test_the_messages_name_the_end_date_and_the_rule(county, personas):
    (due,) = found(dt.date(2026, 8, 1), county.village_a1)
    assert due.title == "甲村党支部：本届班子任期将于 2027年1月10日 届满"
    assert "本届任期 5 年" in due.body and "还有 162 天" in due.body and "支部条例第二十一条" in due.body
    assert due.category == "term" and due.url == f"/orgs/{county.village_a1.pk}/?tab=team"
    expired = found(dt.date(2027, 2, 1), county.village_a1)[0]
    assert "已于 2027年1月10日 届满（已过 22 天）" in expired.body and "一般不超过1年" in expired.body
    overdue = found(dt.date(2028, 3, 1), county.village_a1)[0]
    assert overdue.title == "甲村党支部：本届班子任期届满超过1年仍未换届"


def test_a_term_length_set_by_hand_is_used(county, personas):
    county.village_a1.term_years_override = 3
    county.village_a1.save()
    assert {r.dedup_key for r in found(dt.date(2024, 7, 10), county.village_a1)} == {
        f"term:{county.village_a1.pk}:2025-01-10:due"
    }


def test_each_state_is_delivered_once_and_a_new_term_reminds_again(county, personas):
    assert deliver(found(dt.date(2026, 7, 10))).created == 1
    assert deliver(found(dt.date(2026, 9, 1))).created == 0  # still due: nothing new
    assert deliver(found(dt.date(2027, 1, 10))).created == 2  # expired: the branch and the township
    assert deliver(found(dt.date(2027, 3, 1))).created == 0
    county.village_a1.term_started_on = dt.date(2027, 3, 15)  # re-elected
    county.village_a1.save()
    assert found(dt.date(2027, 3, 20), county.village_a1) == []
    assert deliver(found(dt.date(2031, 9, 15))).created == 1  # the next term's reminder


def test_organizations_without_a_recorded_election_are_not_reminded(county, personas):
    assert found(dt.date(2027, 1, 10), county.village_b1) == []


def test_groups_higher_committees_and_dissolved_organizations_are_left_out(county, personas):
    for org in (county.group_a1, county.root):
        org.term_started_on = dt.date(2020, 1, 1)
        org.save()
    assert found(dt.date(2027, 1, 10), county.group_a1) == []
    assert found(dt.date(2027, 1, 10), county.root) == []
    county.village_a1.dissolved_on = dt.date(2026, 1, 1)
    county.village_a1.save()
    assert found(dt.date(2027, 1, 10), county.village_a1) == []


def test_a_township_committee_is_escalated_to_the_county(county, personas):
    county.town_b.term_started_on = dt.date(2021, 6, 1)  # a 党委: 5 years → ended 2026-06-01
    county.town_b.save()
    assert addressed(dt.date(2026, 7, 1), county.town_b) == {
        ("admin", f"term:{county.town_b.pk}:2026-06-01:expired", "warning")
    }


def test_nothing_is_collected_without_accounts(county):
    assert list(reminders.collect(dt.date(2027, 1, 10))) == []
