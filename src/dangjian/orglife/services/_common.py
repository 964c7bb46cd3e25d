"""What the organizational-life services share: permissions, field lists, state refusals, attendance checks."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit, scoping
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

from .. import rules, selectors
from ..models import (
    Attendance,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingState,
)

MEETING_FIELDS = [
    "org_id",
    "kind",
    "state",
    "held_on",
    "starts_at",
    "place",
    "topic",
    "host",
    "recorder",
    "lecturer",
    "minutes",
    "resolutions",
    "hours",
    "ends_on",
    "themed_items",
    "themed_extra",
    "held_as",
    "cancel_reason",
]


EDITABLE_FIELDS = frozenset(
    {
        "held_on",
        "starts_at",
        "place",
        "topic",
        "host",
        "recorder",
        "lecturer",
        "minutes",
        "resolutions",
        "hours",
        "ends_on",
        "themed_items",
        "themed_extra",
        "held_as",
    }
)
TEXT_LIMITS = {
    "topic": (200, gettext_lazy("主题")),
    "place": (100, gettext_lazy("地点")),
    "host": (50, gettext_lazy("主持人")),
    "recorder": (50, gettext_lazy("记录人")),
    "lecturer": (50, gettext_lazy("授课人")),
    "themed_extra": (200, gettext_lazy("X 项内容")),
    "minutes": (20000, gettext_lazy("会议记录")),
    "resolutions": (5000, gettext_lazy("决议事项")),
}
# 党课 and 集中培训 carry a lecturer and study hours (RULES.md 第105、108条); a training may last several days.
LECTURE_KINDS = frozenset({MeetingKind.LECTURE, MeetingKind.TRAINING})
MAX_HOURS = Decimal("200")
# A 组织生活会 is held as a 党员大会, a 支委会 or a 党小组会 (支部条例 第17条).
HELD_AS_KINDS = (MeetingKind.ASSEMBLY, MeetingKind.COMMITTEE, MeetingKind.GROUP)
# Votes are taken at a 党员大会 or a 支委会 only (支部条例 第11、12条).
VOTING_KINDS = frozenset({MeetingKind.ASSEMBLY, MeetingKind.COMMITTEE})
RULES_FOR_KIND = {
    MeetingKind.ASSEMBLY: (rules.ASSEMBLY_VOTE, rules.ELECTION_VOTE),
    MeetingKind.COMMITTEE: (rules.COMMITTEE_VOTE,),
}
TALK_MIN_PARTICIPANTS = 2  # 支部条例 第18条: a talk is between two people (or a round of several)


def kinds_for(org: Organization) -> tuple[str, ...]:
    """Meeting kinds an organization holds: a 党小组 its 党小组会 and talks; the others everything else."""
    if org.kind == OrgKind.GROUP:
        return (MeetingKind.GROUP, MeetingKind.TALK)
    return tuple(kind for kind in MeetingKind.values if kind != MeetingKind.GROUP)


# --- permissions and small helpers -------------------------------------------------------------------------


def _require_writer(actor, org: Organization) -> None:
    """County admin and committee officer within scope; a branch secretary for the branch and its 党小组."""
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, org.path):
        raise PermissionDenied(_("该组织不在您的管理范围内"))
    if not selectors.may_write(actor, org):
        raise PermissionDenied(_("党支部书记只能登记本支部及其党小组的组织生活"))


def _today() -> dt.date:
    return timezone.localdate()


def _day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def _snapshot(meeting: Meeting) -> dict:
    # core.audit turns dates into text but not times of day: the start time is written as "HH:MM:SS".
    data = audit.snapshot(meeting, MEETING_FIELDS)
    if isinstance(data["starts_at"], dt.time):
        data["starts_at"] = data["starts_at"].isoformat()
    return data


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)


def _state_refusal(meeting: Meeting, doing: str) -> TransitionNotAllowed:
    if meeting.state == MeetingState.CANCELLED:
        return TransitionNotAllowed(
            _("会议已取消（%(reason)s），不能%(doing)s")
            % {"reason": meeting.cancel_reason or _("未注明原因"), "doing": doing}
        )
    if meeting.state == MeetingState.PLANNED:
        return TransitionNotAllowed(
            _("会议还没有召开，不能%(doing)s；会议开过之后请先“登记召开”") % {"doing": doing}
        )
    return TransitionNotAllowed(_("会议已召开，不能%(doing)s") % {"doing": doing})


def _attendance_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict.fromkeys(Attendance.values, 0)
    for value in meeting.attendees.values_list("attendance", flat=True):
        counts[value] += 1
    return counts


# --- attendance (shared by create, hold and attendance_set) ---------------------------------------------------


def _parse_entries(entries: Iterable[dict], field: str = "attendees") -> list[tuple[int, str, str]]:
    """[{member or member_id, attendance, note}] → [(member_id, attendance, note)], checked for shape."""
    parsed, seen = [], set()
    for index, entry in enumerate(entries):
        member = entry.get("member")
        member_id = member.pk if isinstance(member, Member) else entry.get("member_id", member)
        attendance = entry.get("attendance", Attendance.PRESENT)
        note = (entry.get("note") or "").strip()
        if not isinstance(member_id, int):
            raise ValidationFailed.field(f"{field}.{index}.member_id", _("请指明党员"))
        if attendance not in Attendance.values:
            raise ValidationFailed.field(
                f"{field}.{index}.attendance",
                _("出席情况只能是出席（present）、请假（leave）或缺席（absent）"),
            )
        if len(note) > 100:
            raise ValidationFailed.field(f"{field}.{index}.note", _("备注最多 100 个字"))
        if member_id in seen:
            raise ValidationFailed.field(f"{field}.{index}.member_id", _("同一名党员只能登记一次"))
        seen.add(member_id)
        parsed.append((member_id, attendance, note))
    return parsed


def _check_listable(meeting_or_org, member_ids: set[int], field: str, already: set[int]) -> None:
    org = meeting_or_org.org if isinstance(meeting_or_org, Meeting) else meeting_or_org
    allowed = set(selectors.candidates_queryset(org).filter(pk__in=member_ids).values_list("pk", flat=True))
    strangers = member_ids - allowed - already
    if strangers:
        names = list(Member.objects.filter(pk__in=strangers).values_list("name", flat=True)[:5])
        who = (
            _("、").join(names)
            if names
            else _("编号 %(ids)s") % {"ids": ", ".join(map(str, sorted(strangers)))}
        )
        raise ValidationFailed.field(
            field,
            _("%(who)s 不是“%(org)s”的党员、班子成员或在此参加组织生活的流动党员，不能登记为参会人员")
            % {"who": who, "org": org.name},
        )


def _write_attendance(meeting: Meeting, parsed: list[tuple[int, str, str]]) -> None:
    wanted = {member_id: (attendance, note) for member_id, attendance, note in parsed}
    meeting.attendees.exclude(member_id__in=wanted).delete()
    existing = {a.member_id: a for a in meeting.attendees.all()}
    for member_id, (attendance, note) in wanted.items():
        attendee = existing.get(member_id)
        if attendee is None:
            MeetingAttendee.objects.create(
                meeting=meeting, member_id=member_id, attendance=attendance, note=note
            )
        elif (attendee.attendance, attendee.note) != (attendance, note):
            attendee.attendance, attendee.note = attendance, note
            attendee.save(update_fields=["attendance", "note"])


def _check_talk(kind: str, state: str, present: int, field: str = "attendees") -> None:
    # 支部条例 第18条: a 谈心谈话 is between two people at least (a round may hold several).
    if kind == MeetingKind.TALK and state == MeetingState.HELD and present < TALK_MIN_PARTICIPANTS:
        raise ValidationFailed.field(
            field, _("谈心谈话至少要有两名参加人（谈话双方），请登记谈话双方为“出席”")
        )
