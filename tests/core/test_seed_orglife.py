"""`dangjian seed`: a year and a bit of organizational life, realistic and imperfect (issue 4).

One small county is seeded for the whole module and read back into plain values (`Seeded`); the tests
check properties of that data against the rules — never counts the generator happens to produce. Only the
organizational-life seed's own rows are read (no account as their creator): other parts of the demo record
their meetings through the orglife services, as an account.
"""

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from dangjian.accounts.models import User
from dangjian.core.seeding import generator
from dangjian.core.seeding import orglife as seed_orglife
from dangjian.members.models import GONE_STATUSES, Member, MobileRecord, MobileState
from dangjian.orglife import rules
from dangjian.orglife.models import AppraisalGrade, Meeting, MeetingAttendee, MeetingKind, Vote
from dangjian.orgs.models import LeadershipPosition, Organization
from dangjian.orgs.rules import TEAM_POSTS
from tests.core.seeding import skip_parts

TODAY = dt.date(2026, 11, 28)
LAST_YEAR = TODAY.year - 1
SMALL = {"members": 600, "scale": 0.1, "today": TODAY}

# The module's data lives in one transaction (the `seeded` fixture); the marker also makes pytest-django create
# the test database when this module runs alone.
pytestmark = pytest.mark.django_db


def own_meetings():
    """The organizational-life seed's meetings: written in bulk, no account as their creator."""
    return Meeting.objects.filter(created_by__isnull=True)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", **{**SMALL, **options}, stdout=out)
    return out.getvalue()


@dataclass
class Seeded:
    output: str = ""
    orgs: dict[int, Organization] = field(default_factory=dict)
    members: dict[int, tuple] = field(default_factory=dict)  # id → (org_id, party_group_id, status, category)
    team: dict[int, set[int]] = field(default_factory=dict)  # org id → member ids holding a team post
    team_posts: Counter = field(default_factory=Counter)  # org id → current team posts
    hosted: set[tuple[int, int]] = field(default_factory=set)  # (host org id, member id) of open outflows
    meetings: dict[int, Meeting] = field(default_factory=dict)
    attendees: dict[int, list[tuple[int, str]]] = field(
        default_factory=dict
    )  # meeting id → (member, attendance)
    votes: list[Vote] = field(default_factory=list)
    grades: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # meeting id → (member, grade)
    zhibu_org: int = 0
    township: str = ""  # xiangzhen's scope (path)
    digest: str = ""
    digest_again: str = ""
    left_after_flush: int = -1

    def held(self, org_id: int) -> dict[str, list[dt.date]]:
        found: dict[str, list[dt.date]] = defaultdict(list)
        for m in self.meetings.values():
            if m.org_id == org_id and m.state == "held":
                found[m.kind].append(m.held_on)
        return found

    def facts(self, org: Organization) -> rules.OrgFacts:
        counted = [
            v
            for v in self.members.values()
            if (v[1] if org.kind == "group" else v[0]) == org.id and v[2] not in GONE_STATUSES
        ]
        return rules.OrgFacts(
            kind=org.kind,
            is_grassroots=org.is_grassroots,
            has_committee=self.team_posts[org.id] >= 3,
            members=len(counted),
            established_on=org.established_on,
            dissolved_on=org.dissolved_on,
        )

    def statuses(self, org: Organization, year: int) -> list[rules.PeriodStatus]:
        # Without talk coverage: one recorded talk meets the year (coverage is the compliance module's reading).
        return rules.compliance(self.facts(org), year, self.held(org.id), TODAY)


def digest() -> str:
    """What the organizational-life seed decides, ids left out."""
    h = hashlib.sha256()
    meetings = own_meetings().select_related("org").order_by("org__code", "held_on", "kind", "topic", "state")
    order = {}
    for index, m in enumerate(meetings):
        order[m.pk] = index
        row = (m.org.code, m.kind, m.state, m.held_on, m.ends_on, m.starts_at, m.topic, m.place, m.host, m.recorder,
               m.lecturer, m.minutes, m.resolutions, m.hours, m.themed_items, m.themed_extra, m.held_as,
               m.cancel_reason)  # fmt: skip
        h.update(repr(row).encode())
    rows = MeetingAttendee.objects.filter(meeting__in=own_meetings()).values_list(
        "meeting_id", "member__id_hash", "attendance", "note"
    )
    for row in sorted((order[m], *rest) for m, *rest in rows):
        h.update(repr(row).encode())
    votes = Vote.objects.filter(meeting__in=own_meetings()).values_list(
        "meeting_id", "motion", "subject__id_hash", "eligible", "should_attend", "present", "yes", "no",
        "abstain", "written_yes", "quorum_met", "passed",
    )  # fmt: skip
    for row in sorted((order[m], *(value or "" for value in rest)) for m, *rest in votes):
        h.update(repr(row).encode())
    grades = AppraisalGrade.objects.filter(meeting__in=own_meetings()).values_list(
        "meeting_id", "member__id_hash", "grade", "note"
    )
    for row in sorted((order[m], *rest) for m, *rest in grades):
        h.update(repr(row).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Seeded:
    """Seed once, read everything the tests look at, seed again over it (--flush), then roll it all back."""
    data = Seeded()
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(), transaction.atomic():
        skip_parts(
            patch, "recruitment", "sites"
        )  # they come after organizational life, tested by their modules
        data.output = seed()
        data.orgs = {o.pk: o for o in Organization.objects.all()}
        data.members = {
            pk: rest
            for pk, *rest in Member.objects.values_list(
                "pk", "org_id", "party_group_id", "status", "category"
            )
        }
        current = LeadershipPosition.objects.filter(ended_on__isnull=True, post__in=TEAM_POSTS)
        data.team_posts = Counter(current.values_list("org_id", flat=True))
        data.team = defaultdict(set)
        for org_id, member_id in current.exclude(member=None).values_list("org_id", "member_id"):
            data.team[org_id].add(member_id)
        data.hosted = set(
            MobileRecord.objects.filter(state=MobileState.OUT, host_org__isnull=False).values_list(
                "host_org_id", "member_id"
            )
        )
        data.meetings = {m.pk: m for m in own_meetings()}
        data.attendees = defaultdict(list)
        attendees = MeetingAttendee.objects.filter(meeting__in=own_meetings())
        for meeting_id, member_id, attendance in attendees.values_list(
            "meeting_id", "member_id", "attendance"
        ):
            data.attendees[meeting_id].append((member_id, attendance))
        data.votes = list(Vote.objects.filter(meeting__in=own_meetings()))
        data.grades = defaultdict(list)
        grades = AppraisalGrade.objects.filter(meeting__in=own_meetings())
        for meeting_id, member_id, grade in grades.values_list("meeting_id", "member_id", "grade"):
            data.grades[meeting_id].append((member_id, grade))
        users = {u.username: u for u in User.objects.select_related("org")}
        data.zhibu_org = users["zhibu"].org_id
        data.township = users["xiangzhen"].org.path
        data.digest = digest()
        seed(flush=True)
        data.digest_again = digest()
        generator.wipe(lambda message: None)
        data.left_after_flush = sum(
            model.objects.count() for model in (Meeting, MeetingAttendee, Vote, AppraisalGrade)
        )
        transaction.set_rollback(True)
    return data


def test_the_seed_reports_what_it_wrote(seeded):
    assert "组织生活" in seeded.output and "参会记录" in seeded.output


def test_held_meetings_exist_for_every_kind(seeded):
    held = {m.kind for m in seeded.meetings.values() if m.state == "held"}
    assert held == set(MeetingKind.values)


def test_meetings_cover_last_year_and_this_year_up_to_the_coming_weeks(seeded):
    horizon = TODAY + dt.timedelta(days=seed_orglife.seeder.PLAN_DAYS)
    by_state = defaultdict(list)
    for m in seeded.meetings.values():
        by_state[m.state].append(m)
        assert m.org_path == seeded.orgs[m.org_id].path
        assert m.held_on >= dt.date(LAST_YEAR, 1, 1)
    assert all(m.held_on <= TODAY for m in by_state["held"] + by_state["cancelled"])
    assert by_state["planned"] and all(TODAY < m.held_on <= horizon for m in by_state["planned"])
    assert by_state["cancelled"] and all(m.cancel_reason for m in by_state["cancelled"])
    assert {m.held_on.year for m in by_state["held"]} == {LAST_YEAR, TODAY.year}
    # Only held meetings have attendance, and every held meeting of a kind that needs it has some.
    assert all(not seeded.attendees.get(m.pk) for m in by_state["planned"] + by_state["cancelled"])
    assert all(seeded.attendees.get(m.pk) for m in by_state["held"])


def test_meetings_carry_the_record_a_secretary_would_write(seeded):
    held = [m for m in seeded.meetings.values() if m.state == "held"]
    assert all(m.topic and m.place and m.host for m in held)
    themed = [m for m in held if m.kind == "themed_day"]
    assert all(set(m.themed_items) <= set(rules.THEMED_DAY_ITEMS) for m in themed)
    assert any(not rules.themed_day_missing(m.themed_items) for m in themed)
    assert any(rules.themed_day_missing(m.themed_items) for m in themed)  # some missed one of the four
    assert all(m.held_as in ("assembly", "committee", "group") for m in held if m.kind == "life_meeting")
    assert all(not m.held_as for m in held if m.kind != "life_meeting")
    assert all(m.minutes for m in held if m.kind in ("assembly", "committee", "life_meeting"))
    assert all(m.lecturer and 2 <= m.hours <= 4 for m in held if m.kind == "lecture")
    for m in (m for m in held if m.kind == "training"):
        days = ((m.ends_on or m.held_on) - m.held_on).days + 1
        assert m.hours == rules.hours_for(days=days) and m.hours in (8, 16, 24)
    assert any(m.ends_on and m.ends_on.year > m.held_on.year for m in held if m.kind == "training")
    assert all(m.hours == 0 for m in held if m.kind not in ("lecture", "training"))


def test_attendance_lists_only_people_the_organization_may_list(seeded):
    """Members of the branch; of the 党小组; the team; mobile members hosted there — nobody gone."""
    for meeting_id, rows in seeded.attendees.items():
        meeting = seeded.meetings[meeting_id]
        org = seeded.orgs[meeting.org_id]
        assert len({member for member, _ in rows}) == len(rows)
        for member_id, _ in rows:
            org_id, group_id, status, _ = seeded.members[member_id]
            own = group_id == org.pk if org.kind == "group" else org_id == org.pk
            listed = own or member_id in seeded.team[org.pk] or (org.pk, member_id) in seeded.hosted
            assert listed and status not in GONE_STATUSES, (meeting.topic, member_id)
        if meeting.kind == "committee":
            assert {member for member, _ in rows} <= seeded.team[org.pk]
        if meeting.kind == "talk":
            assert len(rows) == 2 and all(attendance == "present" for _, attendance in rows)


def test_most_people_are_present_some_on_leave_a_few_absent(seeded):
    counts = Counter(attendance for rows in seeded.attendees.values() for _, attendance in rows)
    assert counts["present"] > counts["leave"] > 0 and counts["absent"] > 0
    assert counts["present"] > 3 * (counts["leave"] + counts["absent"])


def test_most_organizations_held_everything_last_year_and_some_missed_things(seeded):
    compliant, missed_kinds, rates = [], Counter(), {}
    for org in seeded.orgs.values():
        statuses = seeded.statuses(org, LAST_YEAR)
        rate = rules.compliance_rate(statuses)
        if rate is None:
            continue
        rates[org.pk] = rate
        missed = [s.meeting_kind for s in statuses if s.state == rules.MISSED]
        missed_kinds.update(missed)
        if not missed:
            compliant.append(org)
    assert len(compliant) > len(rates) / 2
    assert {"committee", "themed_day", "assembly"} <= set(missed_kinds)
    assert {"life_meeting", "appraisal"} & set(missed_kinds)
    assert min(rates.values()) < Fraction(1, 2)  # the bottom ones a county would chase


def test_the_township_of_xiangzhen_shows_each_kind_of_gap(seeded):
    branches = [
        org for org in seeded.orgs.values()
        if org.kind == "branch" and org.path.startswith(seeded.township) and seeded.facts(org).members
    ]  # fmt: skip
    last_year = {org.pk: seeded.statuses(org, LAST_YEAR) for org in branches}

    def missed(org_id, kinds):
        return any(s.state == rules.MISSED and s.meeting_kind in kinds for s in last_year[org_id])

    assert any(rules.compliance_rate(st) < Fraction(1, 2) for st in last_year.values())  # held almost nothing
    assert any(missed(pk, {"life_meeting", "appraisal"}) for pk in last_year)
    assert any(missed(pk, {"committee", "themed_day"}) for pk in last_year)
    assert any(not missed(pk, set(MeetingKind.values)) for pk in last_year)  # and most keep to the rules


def test_zhibus_branch_held_everything_but_one_committee_meeting_this_year(seeded):
    branch = seeded.orgs[seeded.zhibu_org]
    this_year = seeded.statuses(branch, TODAY.year)
    missed = [s for s in this_year if s.state == rules.MISSED]
    assert [s.meeting_kind for s in missed] == ["committee"]
    assert rules.compliance_rate(this_year) > Fraction(9, 10)
    assert not [s for s in seeded.statuses(branch, LAST_YEAR) if s.state == rules.MISSED]
    planned = [m for m in seeded.meetings.values() if m.org_id == branch.pk and m.state == "planned"]
    assert planned  # the calendar shows what is coming


def test_every_stored_vote_is_what_the_rules_decide_from_the_attendance(seeded):
    assert seeded.votes
    for vote in seeded.votes:
        outcome = rules.decide_vote(
            vote.rule, vote.should_attend, vote.present, vote.yes, vote.no, vote.abstain,
            written_yes=vote.written_yes, written_no=vote.written_no,
        )  # fmt: skip
        assert (vote.quorum_met, vote.passed, vote.reasons) == (
            outcome.quorum_met,
            outcome.passed,
            list(outcome.reasons),
        )
        meeting = seeded.meetings[vote.meeting_id]
        assert meeting.state == "held" and meeting.kind in ("assembly", "committee")
        rows = seeded.attendees[meeting.pk]
        present = {member for member, attendance in rows if attendance == "present"}
        assert vote.should_attend == vote.eligible - vote.excluded
        assert vote.eligible <= len(rows) and vote.present <= len(present)
        if vote.subject_id:  # admissions and 转正 recorded in the member records went through
            assert vote.passed and vote.subject_name
    assert any(not v.passed and v.quorum_met for v in seeded.votes)  # voted down
    assert any(not v.quorum_met for v in seeded.votes)  # too few came to decide anything
    assert {v.rule for v in seeded.votes} == {rules.ASSEMBLY_VOTE, rules.COMMITTEE_VOTE}


def test_appraisal_grades_keep_excellent_within_a_third(seeded):
    assert seeded.grades
    for meeting_id, rows in seeded.grades.items():
        assert seeded.meetings[meeting_id].kind == "appraisal"
        grades = Counter(grade for _, grade in rows)
        assert rules.excellent_share_ok(grades["excellent"], len(rows))
        attended = {member for member, _ in seeded.attendees[meeting_id]}
        assert {member for member, _ in rows} <= attended
    every = Counter(grade for rows in seeded.grades.values() for _, grade in rows)
    assert every["qualified"] > every["excellent"] > 0 and every["basically_qualified"] > 0


def _hours(seeded, year: int) -> dict[int, float]:
    hours: dict[int, float] = defaultdict(float)
    for meeting_id, rows in seeded.attendees.items():
        m = seeded.meetings[meeting_id]
        if m.kind not in ("lecture", "training"):
            continue
        share = rules.split_hours_by_year(m.held_on, m.ends_on or m.held_on, float(m.hours)).get(year, 0)
        for member_id, attendance in rows:
            if attendance == "present":
                hours[member_id] += share
    return hours


def test_most_members_reach_their_study_hours_and_some_do_not(seeded):
    hours = _hours(seeded, LAST_YEAR)
    cadres = set().union(*seeded.team.values())
    active = [pk for pk, (_, _, status, _) in seeded.members.items() if status == "active"]
    members = [hours[pk] >= rules.MEMBER_HOURS for pk in active if pk not in cadres]
    leaders = [hours[pk] >= rules.CADRE_HOURS for pk in active if pk in cadres]
    assert sum(members) > len(members) / 2 and not all(members)
    assert sum(leaders) > len(leaders) / 2 and not all(leaders)


def test_talks_cover_most_members_of_most_branches(seeded):
    talked = defaultdict(set)
    for meeting_id, rows in seeded.attendees.items():
        m = seeded.meetings[meeting_id]
        if m.kind == "talk" and m.held_on.year == LAST_YEAR:
            talked[m.org_id].update(member for member, _ in rows)
    shares = []
    for org in seeded.orgs.values():
        own = {
            pk
            for pk, (org_id, _, status, _) in seeded.members.items()
            if org_id == org.pk and status == "active"
        }
        if org.kind == "branch" and own:
            shares.append(len(own & talked[org.pk]) / len(own))
    assert sorted(shares)[len(shares) // 2] > 0.9
    assert min(shares) < 0.5


def test_the_same_seed_gives_the_same_organizational_life_and_flush_removes_it(seeded):
    assert seeded.digest == seeded.digest_again
    assert seeded.left_after_flush == 0
    assert {Meeting, MeetingAttendee, Vote, AppraisalGrade} <= set(generator._seeded_models())


def test_a_province_sized_seed_keeps_attendance_to_study_hours_outside_the_featured_township(monkeypatch):
    """Above DETAIL_BELOW members only 党课 and training carry attendance, except where the demo accounts look."""
    skip_parts(monkeypatch, "recruitment", "sites")
    monkeypatch.setattr(seed_orglife, "DETAIL_BELOW", SMALL["members"])
    output = seed()
    assert "只记党课和集中培训" in output
    town = User.objects.get(username="xiangzhen").org.path
    outside = MeetingAttendee.objects.filter(meeting__in=own_meetings()).exclude(
        meeting__org_path__startswith=town
    )
    assert outside.exists()
    assert set(outside.values_list("meeting__kind", flat=True).distinct()) <= {"lecture", "training"}
    assert not own_meetings().exclude(org_path__startswith=town).filter(kind="talk").exists()
    inside = MeetingAttendee.objects.filter(meeting__in=own_meetings(), meeting__org_path__startswith=town)
    assert {"assembly", "themed_day", "talk"} <= set(
        inside.values_list("meeting__kind", flat=True).distinct()
    )
    assert own_meetings().exclude(org_path__startswith=town).filter(kind="themed_day", state="held").exists()
