"""The compliance selector: facts gathered from the tables in a few set-based queries, then the pure rules."""

import datetime as dt
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.members.models import Member
from dangjian.orglife import rules
from dangjian.orglife import selectors_compliance as selectors
from dangjian.orgs.models import Organization
from tests.factories import make_members, make_org

from ._compliance import TODAY, YEAR, appoint, meeting, members_of, monthly, seat_committee


def report_for(user, root, today=TODAY, **extra):
    return selectors.compliance_within(user=user, root=root, year=YEAR, today=today, **extra)


def owed_kinds(found: selectors.OrgCompliance) -> set[str]:
    return {s.meeting_kind for s in found.statuses}


def item(found: selectors.OrgCompliance, kind: str, label: str) -> rules.PeriodStatus:
    return next(s for s in found.statuses if s.meeting_kind == kind and s.period.label == label)


def test_each_kind_of_organization_owes_what_its_rules_say(personas, county):
    seat_committee(county.village_a1)
    for member in members_of(county.village_a1)[:4]:
        member.party_group = county.group_a1
        member.save(update_fields=["party_group"])
    report = report_for(personas.admin, county.root)
    by_id = {o.org_id: o for o in report.orgs}
    assert owed_kinds(by_id[county.root.pk]) == set()  # the county committee is not grassroots
    assert owed_kinds(by_id[county.town_a.pk]) == {"lecture"}  # the 党委 secretary's yearly lecture
    assert owed_kinds(by_id[county.village_a1.pk]) == {
        "assembly",
        "committee",
        "lecture",
        "themed_day",
        "life_meeting",
        "appraisal",
        "talk",
    }
    assert "committee" not in owed_kinds(by_id[county.village_a2.pk])  # 3 members, no 支委会
    assert owed_kinds(by_id[county.group_a1.pk]) == {"group"}
    assert by_id[county.group_a1.pk].facts.members == 4
    assert by_id[county.village_a1.pk].facts.members == 11  # 8 full + 2 probationary + 李华


def test_an_empty_group_and_an_empty_branch_owe_nothing(personas, county):
    empty = make_org(name="空支部", kind="branch", domain="rural", parent=county.town_a)
    report = report_for(personas.admin, county.root)
    assert not report.get(empty.pk).has_requirements
    assert not report.get(county.group_a1.pk).has_requirements  # nobody assigned to the group


def test_members_who_left_do_not_make_a_branch_owe(personas, county):
    gone = make_org(name="已转走支部", kind="branch", domain="rural", parent=county.town_a)
    for member in make_members(gone, full=3):
        member.status = "transferred_out"
        member.save(update_fields=["status"])
    assert not report_for(personas.admin, county.root).get(gone.pk).has_requirements


def test_two_team_members_are_not_a_committee_and_three_are(personas, county):
    first, second, third = members_of(county.village_a2)[:3]
    appoint(county.village_a2, first, "secretary")
    appoint(county.village_a2, second, "organization")
    assert "committee" not in owed_kinds(report_for(personas.admin, county.root).get(county.village_a2.pk))
    appoint(county.village_a2, third, "publicity")
    assert "committee" in owed_kinds(report_for(personas.admin, county.root).get(county.village_a2.pk))


def test_former_team_members_and_group_leaders_do_not_make_a_committee(personas, county):
    first, second, third = members_of(county.village_a2)[:3]
    appoint(county.village_a2, first, "secretary")
    appoint(county.village_a2, second, "organization")
    appoint(county.village_a2, third, "publicity", ended_on=dt.date(2025, 12, 31))
    appoint(county.village_a2, None, "group_leader", person_name="王组长")
    assert "committee" not in owed_kinds(report_for(personas.admin, county.root).get(county.village_a2.pk))


def test_only_held_meetings_count_planned_and_cancelled_do_not(personas, county):
    branch = county.village_a2
    meeting(branch, "themed_day", dt.date(YEAR, 1, 10))
    meeting(branch, "themed_day", dt.date(YEAR, 2, 10), state="planned")
    meeting(branch, "themed_day", dt.date(YEAR, 3, 10), state="cancelled")
    meeting(branch, "themed_day", dt.date(YEAR - 1, 4, 10))  # last year
    found = report_for(personas.admin, county.root).get(branch.pk)
    assert item(found, "themed_day", "2026-01").state == rules.MET
    assert item(found, "themed_day", "2026-02").state == rules.MISSED
    assert item(found, "themed_day", "2026-03").state == rules.MISSED
    assert item(found, "themed_day", "2026-04").state == rules.MISSED
    assert item(found, "themed_day", "2026-05").state == rules.OPEN


def test_meetings_are_grouped_by_month_and_quarter(personas, county):
    branch = county.village_a2
    monthly(branch, "assembly", [1, 2], day=28)
    monthly(branch, "lecture", [4])
    found = report_for(personas.admin, county.root).get(branch.pk)
    q1 = item(found, "assembly", "2026-Q1")
    assert (q1.held, q1.state) == (2, rules.MET)
    assert item(found, "lecture", "2026-Q1").state == rules.MISSED
    assert item(found, "lecture", "2026-Q2").state == rules.MET


def test_a_group_meeting_counts_for_the_group_not_its_branch(personas, county):
    Member.objects.filter(pk__in=[m.pk for m in members_of(county.village_a1)[:3]]).update(
        party_group=county.group_a1
    )
    monthly(county.group_a1, "group", [1, 2, 3, 4])
    report = report_for(personas.admin, county.root)
    group = report.get(county.group_a1.pk)
    assert group.missed == 0 and group.met == 4 and group.open == 1
    assert "group" not in owed_kinds(report.get(county.village_a1.pk))


# --- 谈心谈话 coverage -------------------------------------------------------------------------------------------


def test_talk_coverage_counts_the_members_present_at_a_held_talk(personas, county):
    branch = county.village_b1
    people = members_of(branch)  # 4 full + 1 probationary
    meeting(branch, "talk", dt.date(YEAR, 3, 1), present=people[:2])
    meeting(branch, "talk", dt.date(YEAR, 3, 2), present=people[1:3], absent=people[3:4])
    meeting(branch, "talk", dt.date(YEAR, 3, 3), present=people[4:], state="planned")
    meeting(branch, "talk", dt.date(YEAR - 1, 3, 3), present=people[4:])
    found = report_for(personas.admin, county.root, today=dt.date(YEAR + 1, 1, 2)).get(branch.pk)
    talk = item(found, "talk", "2026")
    assert (talk.required, talk.held, talk.state) == (5, 3, rules.MISSED)
    assert found.talk == (5, 3)


def test_members_out_of_contact_or_suspended_are_not_expected_to_have_a_talk(personas, county):
    branch = county.village_b1
    people = members_of(branch)
    people[0].status = "lost_contact"
    people[1].status = "suspended"
    people[2].status = "left"
    for person in people[:3]:
        person.save(update_fields=["status"])
    meeting(branch, "talk", dt.date(YEAR, 3, 1), present=people[3:])
    talk = item(report_for(personas.admin, county.root).get(branch.pk), "talk", "2026")
    assert (talk.required, talk.held, talk.state) == (2, 2, rules.MET)


def test_members_admitted_after_the_year_owe_no_talk_for_it(personas, county):
    branch = county.village_b1
    people = members_of(branch)
    people[0].joined_on = dt.date(YEAR + 1, 1, 1)  # admitted the day after the year ended
    people[1].joined_on = dt.date(YEAR, 12, 31)  # a member on its last day: owes the year's talk
    for person in people[:2]:
        person.save(update_fields=["joined_on"])
    meeting(branch, "talk", dt.date(YEAR, 3, 1), present=people[2:])
    meeting(branch, "talk", dt.date(YEAR + 1, 1, 5), present=people[:1])  # next year's talk counts next year
    found = report_for(personas.admin, county.root, today=dt.date(YEAR + 1, 1, 10)).get(branch.pk)
    talk = item(found, "talk", "2026")
    assert (talk.required, talk.held, talk.state) == (4, 3, rules.MISSED)


def test_a_talk_recorded_at_another_organization_still_covers_the_member(personas, county):
    branch = county.village_a2
    people = members_of(branch)
    meeting(county.town_a, "talk", dt.date(YEAR, 2, 1), present=people)
    talk = item(report_for(personas.admin, county.root).get(branch.pk), "talk", "2026")
    assert talk.state == rules.MET and talk.held == 3


# --- set up and dissolved ---------------------------------------------------------------------------------------


def test_a_branch_set_up_mid_march_owes_from_april(personas, county):
    new = make_org(
        name="新支部",
        kind="branch",
        domain="rural",
        parent=county.town_a,
        established_on=dt.date(YEAR, 3, 15),
    )
    make_members(new, full=3)
    found = report_for(personas.admin, county.root).get(new.pk)
    labels = {s.period.label for s in found.statuses if s.meeting_kind == "themed_day"}
    assert labels == {"2026-04", "2026-05"}
    assert {s.period.label for s in found.statuses if s.meeting_kind == "assembly"} == {"2026-Q2"}


def test_an_organization_dissolved_before_the_year_is_not_listed_and_one_dissolved_in_it_owes_until_then(
    personas, county
):
    before = make_org(
        name="旧支部",
        kind="branch",
        domain="rural",
        parent=county.town_a,
        dissolved_on=dt.date(YEAR - 1, 6, 1),
    )
    during = make_org(
        name="撤销支部",
        kind="branch",
        domain="rural",
        parent=county.town_a,
        dissolved_on=dt.date(YEAR, 3, 10),
    )
    make_members(during, full=3)
    report = report_for(personas.admin, county.root)
    assert report.get(before.pk) is None
    labels = {s.period.label for s in report.get(during.pk).statuses if s.meeting_kind == "themed_day"}
    assert labels == {"2026-01", "2026-02"}


# --- scope, totals, queries ---------------------------------------------------------------------------------------


def test_the_report_covers_the_subtree_in_tree_order(personas, county):
    report = report_for(personas.admin, county.root)
    assert [o.org_id for o in report.orgs] == [
        county.root.pk,
        county.town_a.pk,
        county.village_a1.pk,
        county.group_a1.pk,
        county.village_a2.pk,
        county.town_b.pk,
        county.village_b1.pk,
    ]
    township = report_for(personas.officer, county.town_a)
    assert {o.org_id for o in township.orgs} == {
        county.town_a.pk,
        county.village_a1.pk,
        county.group_a1.pk,
        county.village_a2.pk,
    }


def test_a_root_outside_the_users_scope_yields_nothing_of_it(personas, county):
    report = report_for(personas.secretary_b, county.town_a)
    assert report.orgs == []


def test_the_domain_filter_keeps_one_domain(personas, county):
    organ = make_org(name="机关支部", kind="branch", domain="organ", parent=county.town_a)
    make_members(organ, full=3)
    report = report_for(personas.admin, county.root, domain="organ")
    assert {o.org_id for o in report.orgs} == {county.root.pk, organ.pk}


def test_totals_add_up_the_organizations(personas, county):
    monthly(county.village_a2, "themed_day", [1, 2, 3, 4])
    report = report_for(personas.admin, county.root)
    assert report.met == sum(o.met for o in report.orgs)
    assert report.missed == sum(o.missed for o in report.orgs)
    assert report.counted == report.met + report.missed
    assert report.rate == Fraction(report.met, report.counted)
    assert report.fully_compliant == sum(1 for o in report.orgs if o.has_requirements and o.missed == 0)


@pytest.mark.parametrize("branches", [1, 12])
def test_the_number_of_queries_does_not_grow_with_the_organizations(personas, county, branches):
    for index in range(branches):
        extra = make_org(name=f"支部{index}", kind="branch", domain="rural", parent=county.town_b)
        make_members(extra, full=3)
        monthly(extra, "themed_day", [1, 2])
    root = Organization.objects.get(pk=county.root.pk)
    with CaptureQueriesContext(connection) as queries:
        report = selectors.compliance_within(user=personas.admin, root=root, year=YEAR, today=TODAY)
    assert len(report.orgs) == 7 + branches
    assert len(queries.captured_queries) <= 5


def test_one_organization_and_its_groups_alone(county):
    Member.objects.filter(pk__in=[m.pk for m in members_of(county.village_a1)[:3]]).update(
        party_group=county.group_a1
    )
    monthly(county.village_a1, "themed_day", [1, 2, 3])
    branch, group = selectors.org_with_groups(county.village_a1, YEAR, TODAY)
    assert (branch.org_id, group.org_id) == (county.village_a1.pk, county.group_a1.pk)
    assert item(branch, "themed_day", "2026-03").state == rules.MET
    assert owed_kinds(group) == {"group"}
    assert selectors.org_compliance(county.village_a1, YEAR, TODAY).statuses == branch.statuses


def test_the_same_organization_gives_the_same_items_alone_or_in_its_subtree(personas, county):
    seat_committee(county.village_a1)
    monthly(county.village_a1, "committee", [1, 3])
    meeting(county.village_a1, "talk", dt.date(YEAR, 2, 2), present=members_of(county.village_a1)[:5])
    alone = selectors.org_compliance(county.village_a1, YEAR, TODAY)
    within = report_for(personas.admin, county.root).get(county.village_a1.pk)
    assert alone.statuses == within.statuses and alone.talk == within.talk


def test_a_system_job_reads_a_subtree_without_a_user(county):
    report = selectors.compliance_of_subtree(county.town_b, YEAR, TODAY)
    assert {o.org_id for o in report.orgs} == {county.town_b.pk, county.village_b1.pk}


# --- the heat map -----------------------------------------------------------------------------------------------


def test_heat_map_cells_hold_the_items_due_in_each_month(personas, county):
    # No committee: 主题党日 monthly, 党员大会 and 党课 quarterly, three yearly items.
    branch = county.village_a2
    monthly(branch, "themed_day", [1, 3])
    monthly(branch, "assembly", [2])
    rows, summarized = selectors.heat_rows(report_for(personas.admin, county.root))
    assert not summarized
    row = next(r for r in rows if r.org_id == branch.pk)
    january, february, march = row.cells[0], row.cells[1], row.cells[2]
    assert (january.due, january.met, january.share) == (1, 1, 100.0)
    assert (february.due, february.met, february.missed, february.share) == (1, 0, 1, 0.0)
    # March: its 主题党日 (held) and the first quarter's 党员大会 (held) and 党课 (missed)
    assert (march.due, march.met, march.missed) == (3, 2, 1)
    assert march.share == pytest.approx(66.7)
    may, june, july = row.cells[4], row.cells[5], row.cells[6]
    assert (may.due, may.open, may.share, may.state) == (1, 1, None, "open")  # running: no colour yet
    assert (june.due, june.open, june.share) == (2, 2, None)  # the second quarter's 党员大会 and 党课
    assert (july.due, july.share, july.state) == (0, None, "none")  # not begun
    assert (march.state, february.state, january.state) == ("missed", "missed", "met")
    assert row.cells[selectors.YEAR_COLUMN].due == 3  # 组织生活会, 民主评议, 谈心谈话
    assert [r.org_id for r in rows] == [
        o.org_id for o in report_for(personas.admin, county.root).orgs if o.has_requirements
    ]


def test_heat_map_sums_up_each_child_subtree_when_there_are_too_many_rows(personas, county):
    monthly(county.village_a2, "themed_day", [1])
    report = report_for(personas.admin, county.root)
    rows, summarized = selectors.heat_rows(report, limit=2)
    assert summarized
    assert [r.org_id for r in rows] == [county.town_a.pk, county.town_b.pk]
    town_a = rows[0]
    detail = [o for o in report.orgs if o.path.startswith(county.town_a.path) and o.has_requirements]
    assert town_a.orgs == len(detail)
    for column in range(selectors.YEAR_COLUMN + 1):
        assert town_a.cells[column].due == sum(
            1 for o in detail for s in o.statuses if selectors.column_of(s) == column
        )
    assert town_a.cells[0].met == 1


def test_column_states_follow_today():
    states = selectors.column_states(YEAR, TODAY)
    assert states[:4] == ["ended"] * 4
    assert states[4] == "running" and states[5:12] == ["future"] * 7
    assert states[selectors.YEAR_COLUMN] == "running"
    assert selectors.column_states(YEAR - 1, TODAY) == ["ended"] * 13


@pytest.mark.parametrize("members_first", [True, False])
def test_talk_coverage_is_the_same_read_from_the_members_or_from_the_talks(
    personas, county, monkeypatch, members_first
):
    """Below a whole tree the talks are found from the members' attendance, for a whole tree from the year's
    talks; both count the same members."""
    monkeypatch.setattr(selectors, "_members_first", lambda where: members_first)
    people = members_of(county.village_b1)
    people[4].status = "lost_contact"
    people[4].save(update_fields=["status"])
    meeting(county.village_b1, "talk", dt.date(YEAR, 3, 1), present=people[:2], absent=people[2:3])
    meeting(county.town_b, "talk", dt.date(YEAR, 4, 1), present=people[1:2] + people[4:])
    meeting(county.village_b1, "talk", dt.date(YEAR - 1, 4, 1), present=people[3:4])
    meeting(county.village_b1, "themed_day", dt.date(YEAR, 4, 1), present=people)
    found = report_for(personas.admin, county.root).get(county.village_b1.pk)
    assert found.talk == (4, 2)
