"""Reads of organizational life: meetings in the user's scope, who may be listed at a meeting, who votes.

Every query of meetings starts from `core.scoping.scoped(..., "org_path")`; a meeting outside the user's
subtree does not exist for them (404).

Who may be listed at a meeting of organization O (`attendance_candidates`):
- O's counted members: for a 党小组 the members whose `party_group` is O, otherwise the members recorded on
  O (a branch's members; a 党委's or 党总支's direct members);
- the current leadership team of O (班子成员 linked to a member record);
- mobile members hosted by O (an open `MobileRecord` whose host organization is O): they take part in
  organizational life there but vote at home (RULES.md 第101条).

Who has a vote (`vote_body`): at a 支委会 the current committee members; otherwise O's own members — in
both cases only those `rules.has_vote` allows (full members in good standing, 选举条例 第5条).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import scoping, tree
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, MobileRecord, MobileState
from dangjian.orgs.models import LeadershipPosition, Organization, OrgKind
from dangjian.orgs.rules import TEAM_POSTS

from . import rules
from .models import Attendance, Meeting, MeetingAttendee, MeetingKind, MeetingState, Vote

# Roles a person can have at a meeting (shown beside their name on the attendance form).
OWN = "own"  # a member of the organization (or of the 党小组)
TEAM = "team"  # a member of the leadership team who is not one of its own members
GUEST = "guest"  # a mobile member hosted by this organization


# --- meetings ------------------------------------------------------------------------------------------------


# Meetings beyond which a subtree is read in date order on SQLite (see `_scope`).
LARGE_SUBTREE = 5_000


def _scope(user, root: Organization | None) -> QuerySet[Meeting]:
    """The meetings of the user's scope, or of `root`'s subtree inside it.

    SQLite cannot estimate how much of the table an org_path range holds and always reads such a range
    through meeting_scope_idx, then sorts it: for a county that is every meeting. For a large subtree the
    condition is written as a LIKE (which that index does not serve), so the planner walks the date index
    (meeting_date_idx) in page order instead — the same trick as the members' roster.
    """
    queryset = scoping.scoped(Meeting.objects.all(), user, "org_path")
    if root is not None:
        queryset = queryset.filter(tree.within(root.path, "org_path"))
    path = root.path if root is not None else scoping.scope_path(user)
    if path is None or connection.vendor != "sqlite":
        return queryset
    if not queryset.order_by()[LARGE_SUBTREE : LARGE_SUBTREE + 1].exists():
        return queryset
    return Meeting.objects.filter(org_path__startswith=path)


def meetings_within(
    *,
    user,
    root: Organization | None = None,
    kind: str = "",
    state: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Meeting]:
    """Meetings of the user's scope (optionally of `root`'s subtree), filtered; newest first."""
    queryset = _scope(user, root).select_related("org")
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    if date_from:
        queryset = queryset.filter(held_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(held_on__lte=date_to)
    if q:
        queryset = queryset.filter(topic__icontains=q.strip())
    return queryset.order_by("-held_on", "-id")


def get_meeting_or_404(user, pk) -> Meeting:
    scoping.require_tree_role(user)
    try:
        return scoping.scoped(Meeting.objects.select_related("org", "org__parent"), user, "org_path").get(
            pk=pk
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("会议不存在或不在您的管理范围内")) from None


def meeting_counts(*, user, root: Organization | None = None, today: dt.date) -> dict[str, int]:
    """Cards of the list page: held this month, plans ahead and plans whose day has passed.

    Two small queries: this month's held meetings through the date index, plans through the partial index
    of planned meetings — never a scan of the whole subtree.
    """
    queryset = _scope(user, root)
    first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(today.year, today.month)[1])
    held = queryset.filter(state=MeetingState.HELD, held_on__gte=first, held_on__lte=last).count()
    planned = queryset.filter(state=MeetingState.PLANNED).aggregate(
        planned_ahead=Count("id", filter=Q(held_on__gte=today)),
        planned_overdue=Count("id", filter=Q(held_on__lt=today)),
    )
    return {"held_this_month": held, **planned}


def writable_orgs(*, user) -> QuerySet[Organization]:
    """Organizations whose organizational life `user` may record (services._require_writer, as a query)."""
    if user.role not in scoping.TREE_ROLES or user.org_id is None:
        return Organization.objects.none()
    queryset = scoping.scoped(Organization.objects.active(), user)
    if user.role == "branch_secretary":
        queryset = queryset.filter(Q(pk=user.org_id) | Q(parent_id=user.org_id, kind=OrgKind.GROUP))
    return queryset.order_by("path")


def may_write(user, org: Organization) -> bool:
    if user.role not in scoping.TREE_ROLES or not scoping.in_scope(user, org.path):
        return False
    if user.role == "branch_secretary":
        return org.pk == user.org_id or (org.kind == OrgKind.GROUP and org.parent_id == user.org_id)
    return True


# --- who may attend, who votes ---------------------------------------------------------------------------


def _own_members(org: Organization) -> QuerySet[Member]:
    members = Member.objects.counted()
    if org.kind == OrgKind.GROUP:
        return members.filter(party_group=org)
    return members.filter(org=org)


def _team_member_ids(org: Organization) -> QuerySet:
    return LeadershipPosition.objects.filter(
        org=org, ended_on__isnull=True, member__isnull=False
    ).values_list("member_id", flat=True)


def committee_members(org: Organization) -> QuerySet[Member]:
    """The current committee (支委会, 总支委员会, 党委): people holding a team post, linked to their record."""
    ids = LeadershipPosition.objects.filter(
        org=org, ended_on__isnull=True, member__isnull=False, post__in=TEAM_POSTS
    ).values_list("member_id", flat=True)
    return Member.objects.counted().filter(pk__in=ids)


def has_committee(org: Organization) -> bool:
    """Whether the organization has a 支委会 now: 3 or more people in its current team (rules.has_committee)."""
    team = LeadershipPosition.objects.filter(org=org, ended_on__isnull=True, post__in=TEAM_POSTS).count()
    return rules.has_committee(team)


def _guest_member_ids(org: Organization) -> QuerySet:
    return MobileRecord.objects.filter(host_org=org, state=MobileState.OUT).values_list(
        "member_id", flat=True
    )


def candidates_queryset(org: Organization) -> QuerySet[Member]:
    """Everyone who may be listed at a meeting of `org` (see the module docstring)."""
    return Member.objects.counted().filter(
        Q(pk__in=_own_members(org).values("pk"))
        | Q(pk__in=_team_member_ids(org))
        | Q(pk__in=_guest_member_ids(org))
    )


@dataclass
class Candidate:
    member: Member
    role: str  # OWN, TEAM or GUEST
    votes: bool  # has a vote in this meeting's votes
    attendance: str = ""  # recorded attendance, "" when not recorded
    note: str = ""

    @property
    def role_label(self) -> str:
        return {OWN: "", TEAM: _("班子成员"), GUEST: _("流动党员（流入）")}[self.role]


def meeting_people(meeting: Meeting) -> list[Candidate]:
    """The attendance form's rows: every candidate, plus anyone already recorded who no longer is one."""
    org = meeting.org
    own_ids = set(_own_members(org).values_list("pk", flat=True))
    guest_ids = set(_guest_member_ids(org))
    voter_ids = {m.pk for m in vote_body(meeting)}
    recorded = {a.member_id: a for a in meeting.attendees.all()}
    members = Member.objects.filter(Q(pk__in=candidates_queryset(org).values("pk")) | Q(pk__in=recorded))
    rows = []
    for member in members.order_by("name_key", "id"):
        role = OWN if member.pk in own_ids else GUEST if member.pk in guest_ids else TEAM
        attendee = recorded.get(member.pk)
        rows.append(
            Candidate(
                member=member,
                role=role,
                votes=member.pk in voter_ids,
                attendance=attendee.attendance if attendee else "",
                note=attendee.note if attendee else "",
            )
        )
    return rows


def vote_rule_for(meeting: Meeting) -> str:
    return rules.COMMITTEE_VOTE if meeting.kind == MeetingKind.COMMITTEE else rules.ASSEMBLY_VOTE


def vote_body(meeting: Meeting, rule: str | None = None) -> list[Member]:
    """The members who have a vote: the committee at a 支委会, the organization's own members otherwise."""
    rule = rule or vote_rule_for(meeting)
    body = committee_members(meeting.org) if rule == rules.COMMITTEE_VOTE else _own_members(meeting.org)
    return [m for m in body.order_by("name_key", "id") if rules.has_vote(m.category, m.status)]


@dataclass(frozen=True)
class VoteFigures:
    """What the vote form shows before anyone votes: the body, who should attend, who is present."""

    rule: str
    eligible: int
    present: int
    voters_present: list[str]
    voters_absent: list[str]


def vote_figures(meeting: Meeting, rule: str | None = None) -> VoteFigures:
    rule = rule or vote_rule_for(meeting)
    body = vote_body(meeting, rule)
    present_ids = set(
        meeting.attendees.filter(attendance=Attendance.PRESENT).values_list("member_id", flat=True)
    )
    return VoteFigures(
        rule=rule,
        eligible=len(body),
        present=sum(1 for m in body if m.pk in present_ids),
        voters_present=[m.name for m in body if m.pk in present_ids],
        voters_absent=[m.name for m in body if m.pk not in present_ids],
    )


# --- one meeting's details -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    present: list[str]
    leave: list[str]
    absent: list[str]

    @property
    def should_attend(self) -> int:
        return len(self.present) + len(self.leave) + len(self.absent)


def attendance_summary(meeting: Meeting) -> AttendanceSummary:
    names: dict[str, list[str]] = {value: [] for value in Attendance.values}
    for attendee in meeting.attendees.select_related("member").order_by("member__name_key", "member_id"):
        names[attendee.attendance].append(attendee.member.name)
    return AttendanceSummary(
        present=names[Attendance.PRESENT], leave=names[Attendance.LEAVE], absent=names[Attendance.ABSENT]
    )


def committee_quorum(meeting: Meeting) -> tuple[int, int, bool] | None:
    """For a 支委会: (committee size, committee members present, valid) — 支部条例 第12条."""
    if meeting.kind != MeetingKind.COMMITTEE:
        return None
    figures = vote_figures(meeting, rules.COMMITTEE_VOTE)
    return figures.eligible, figures.present, rules.committee_meeting_valid(figures.eligible, figures.present)


def meeting_votes(meeting: Meeting) -> list[Vote]:
    return list(meeting.votes.order_by("id"))


def meeting_grades(meeting: Meeting):
    return meeting.grades.select_related("member").order_by("member__name_key", "member_id")


def meeting_files(meeting: Meeting):
    return meeting.files.order_by("uploaded_at", "id")


def meeting_history(meeting: Meeting, limit: int = 200) -> list[AuditEntry]:
    """The meeting's audit trail: its own entries and those of its votes."""
    vote_ids = [str(pk) for pk in meeting.votes.values_list("pk", flat=True)]
    entries = AuditEntry.objects.filter(
        Q(object_type="orglife.meeting", object_id=str(meeting.pk))
        | Q(object_type="orglife.vote", object_id__in=vote_ids)
    )
    return list(entries.select_related("actor").order_by("at", "id")[:limit])


def get_file_or_404(meeting: Meeting, pk):
    try:
        return meeting.files.get(pk=pk)
    except (ValueError, TypeError, meeting.files.model.DoesNotExist):
        raise Http404(_("附件不存在")) from None


def attendee_counts(meetings: list[Meeting]) -> dict[int, dict[str, int]]:
    """Present / leave / absent per meeting for a page of rows, in one query."""
    counts: dict[int, dict[str, int]] = {m.pk: dict.fromkeys(Attendance.values, 0) for m in meetings}
    rows = (
        MeetingAttendee.objects.filter(meeting__in=[m.pk for m in meetings])
        .values("meeting_id", "attendance")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["meeting_id"]][row["attendance"]] = row["n"]
    return counts


# --- the month calendar ------------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    meetings: list[Meeting]
    total: int = 0  # all planned and held meetings of the day; only the first few are in `meetings`

    @property
    def more(self) -> int:
        return self.total - len(self.meetings)


CALENDAR_PER_DAY = 4


def calendar_month(
    *,
    user,
    year: int,
    month: int,
    root: Organization | None = None,
    kind: str = "",
    per_day: int = CALENDAR_PER_DAY,
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its first planned and held meetings and their count.

    A county's calendar holds hundreds of meetings a day: each day shows `per_day` of them (planned first,
    talks last, then by time) and says how many more there are, so the page stays small whatever the scope.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    meetings = meetings_within(user=user, root=root, kind=kind, date_from=first, date_to=last).exclude(
        state=MeetingState.CANCELLED
    )
    totals = dict(
        meetings.order_by().values_list("held_on").annotate(n=Count("id")).values_list("held_on", "n")
    )
    rank = Window(
        RowNumber(),
        partition_by=[F("held_on")],
        # Plans first, then meetings before talks (a county holds dozens of talks a day), then by time.
        order_by=[
            F("state").desc(),
            Case(When(kind=MeetingKind.TALK, then=1), default=0),
            F("starts_at").asc(nulls_first=True),
            F("id").asc(),
        ],
    )
    shown = meetings.annotate(rank=rank).filter(rank__lte=per_day).order_by("held_on", "rank")
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in shown:
        by_day.setdefault(meeting.held_on, []).append(meeting)
    return [
        [
            CalendarDay(
                day=day, in_month=day.month == month, meetings=by_day.get(day, []), total=totals.get(day, 0)
            )
            for day in week
        ]
        for week in weeks
    ]
