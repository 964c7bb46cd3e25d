"""Every write of organizational life: plan, record, hold or cancel a meeting; attendance; votes; grades; files.

Each function is one use case: keyword-only, atomic, permission checked first (the county admin and the
committee officer within their scope, a branch secretary for their own branch and its 党小组), then the
rules, then the write, then one audit entry. Bad input raises `ValidationFailed` (422) and changes nothing;
a transition the meeting's state does not allow raises `TransitionNotAllowed` (409) with the reason.
"""

import datetime as dt
import decimal
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit, scoping, tree, uploads
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

from . import rules, selectors
from .models import (
    AppraisalGrade,
    Attendance,
    Meeting,
    MeetingAttendee,
    MeetingFile,
    MeetingKind,
    MeetingState,
    Vote,
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
VOTE_FIELDS = [
    "meeting_id",
    "motion",
    "rule",
    "subject_id",
    "subject_name",
    "eligible",
    "excluded",
    "should_attend",
    "present",
    "yes",
    "no",
    "abstain",
    "written_yes",
    "written_no",
    "quorum_met",
    "passed",
]
# Fields a meeting's record may carry, and which of them `meeting_update` may change.
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


class _Errors:
    """Collects the field errors of one submission so that all of them are reported at once."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, field: str, message: str) -> None:
        if not any(item["field"] == field for item in self.items):
            self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            raise ValidationFailed(self.items[0]["message"], self.items)
        raise ValidationFailed(
            _("填写的内容有误：") + _("；").join(item["message"] for item in self.items), self.items
        )


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


# --- checking a meeting's fields ------------------------------------------------------------------------------


def _clean(values: dict) -> dict:
    """Normalize the plain values (strip text, Decimal hours, list of 4+X codes)."""
    cleaned = dict(values)
    for name in TEXT_LIMITS:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "held_as" in cleaned:
        cleaned["held_as"] = cleaned["held_as"] or ""
    if "hours" in cleaned:
        raw = cleaned["hours"]
        try:
            cleaned["hours"] = Decimal(str(raw if raw not in (None, "") else 0)).quantize(Decimal("0.1"))
        except (decimal.InvalidOperation, ValueError):
            cleaned["hours"] = None
    if "themed_items" in cleaned:
        cleaned["themed_items"] = list(dict.fromkeys(cleaned["themed_items"] or []))
    return cleaned


def _check(
    org: Organization, kind: str, state: str, v: dict, today: dt.date, *, creating: bool, date_changed: bool
) -> None:
    """Every rule on a meeting's own fields; raises one ValidationFailed naming each field that is wrong.

    The kind is checked against the organization only when the meeting is created (a 支委会 recorded while
    the committee was in office stays valid after it leaves).
    """
    errors = _Errors()
    if not creating:
        pass
    elif kind not in MeetingKind.values:
        errors.add("kind", _("会议类型无效"))
    elif kind not in kinds_for(org):
        if kind == MeetingKind.GROUP:
            errors.add("kind", _("党小组会由党小组召开（支部条例第十三条），请选择党小组"))
        else:
            errors.add(
                "kind",
                _("%(org_kind)s只召开党小组会和谈心谈话，%(kind)s请在所在党支部登记")
                % {"org_kind": org.get_kind_display(), "kind": MeetingKind(kind).label},
            )
    elif kind == MeetingKind.COMMITTEE and not selectors.has_committee(org):
        errors.add(
            "kind",
            _("“%(org)s”没有在任的委员会成员，不能召开委员会会议；请先在组织架构中登记班子成员")
            % {"org": org.name},
        )
    for name, (limit, label) in TEXT_LIMITS.items():
        if len(v.get(name) or "") > limit:
            errors.add(name, _("%(label)s最多 %(limit)d 个字") % {"label": label, "limit": limit})
    if not v.get("topic"):
        errors.add("topic", _("请填写会议主题"))
    held_on = v.get("held_on")
    if not isinstance(held_on, dt.date):
        errors.add("held_on", _("请填写日期"))
    elif state == MeetingState.HELD and held_on > today:
        errors.add("held_on", _("召开日期不能晚于今天；尚未召开的会议请登记为“计划”"))
    elif state == MeetingState.PLANNED and held_on < today and date_changed:
        errors.add("held_on", _("计划召开日期不能早于今天；已经开过的会议请直接登记为“已召开”"))
    if org.dissolved_on and isinstance(held_on, dt.date) and held_on >= org.dissolved_on:
        errors.add(
            "held_on",
            _("“%(org)s”已于 %(day)s 撤销，此后不能再登记它的会议")
            % {"org": org.name, "day": _day(org.dissolved_on)},
        )
    ends_on = v.get("ends_on")
    if ends_on is not None:
        if kind not in LECTURE_KINDS:
            errors.add("ends_on", _("只有党课和集中培训可以跨日，填写结束日期"))
        elif isinstance(held_on, dt.date) and ends_on < held_on:
            errors.add("ends_on", _("结束日期不能早于开始日期"))
        elif state == MeetingState.HELD and ends_on > today:
            errors.add("ends_on", _("结束日期不能晚于今天"))
    hours = v.get("hours")
    if hours is None:
        errors.add("hours", _("学时应为数字，如 2 或 3.5"))
    elif hours < 0 or hours > MAX_HOURS:
        errors.add("hours", _("学时应在 0 到 %(max)s 之间") % {"max": MAX_HOURS})
    elif hours and kind not in LECTURE_KINDS:
        errors.add("hours", _("只有党课和集中培训计入学时"))
    if v.get("lecturer") and kind not in LECTURE_KINDS:
        errors.add("lecturer", _("只有党课和集中培训填写授课人"))
    items = v.get("themed_items") or []
    if items and kind != MeetingKind.THEMED_DAY:
        errors.add("themed_items", _("只有主题党日填写“4+X”内容"))
    elif any(item not in rules.THEMED_DAY_ITEMS for item in items):
        errors.add(
            "themed_items",
            _("“4+X”内容的取值无效，可选：%(codes)s") % {"codes": ", ".join(rules.THEMED_DAY_ITEMS)},
        )
    if v.get("themed_extra") and kind != MeetingKind.THEMED_DAY:
        errors.add("themed_extra", _("只有主题党日填写 X 项内容"))
    held_as = v.get("held_as") or ""
    if kind == MeetingKind.LIFE_MEETING:
        if not held_as:
            errors.add(
                "held_as", _("请选择组织生活会的召开形式：党员大会、支委会或党小组会（支部条例第十七条）")
            )
        elif held_as not in HELD_AS_KINDS:
            errors.add("held_as", _("召开形式只能是党员大会、支委会或党小组会（支部条例第十七条）"))
        elif held_as == MeetingKind.COMMITTEE and creating and not selectors.has_committee(org):
            errors.add("held_as", _("该组织没有在任的委员会成员，不能以支委会形式召开"))
    elif held_as:
        errors.add("held_as", _("只有组织生活会选择召开形式"))
    errors.raise_if_any()


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


# --- meetings ------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    org: Organization,
    kind: str,
    held_on: dt.date,
    topic: str,
    state: str = MeetingState.HELD,
    starts_at: dt.time | None = None,
    place: str = "",
    host: str = "",
    recorder: str = "",
    lecturer: str = "",
    minutes: str = "",
    resolutions: str = "",
    hours: Decimal | float | int | str = 0,
    ends_on: dt.date | None = None,
    themed_items: Iterable[str] = (),
    themed_extra: str = "",
    held_as: str = "",
    attendees: Iterable[dict] | None = None,
) -> Meeting:
    """Plan a meeting ahead (state planned) or record one that was held, with its attendance if given."""
    _require_writer(actor, org)
    if state not in (MeetingState.PLANNED, MeetingState.HELD):
        raise ValidationFailed.field("state", _("新登记的会议只能是“计划”或“已召开”"))
    values = _clean(
        {
            "held_on": held_on,
            "starts_at": starts_at,
            "place": place,
            "topic": topic,
            "host": host,
            "recorder": recorder,
            "lecturer": lecturer,
            "minutes": minutes,
            "resolutions": resolutions,
            "hours": hours,
            "ends_on": ends_on,
            "themed_items": list(themed_items or []),
            "themed_extra": themed_extra,
            "held_as": held_as,
        }
    )
    _check(org, kind, state, values, _today(), creating=True, date_changed=True)
    parsed = _parse_entries(attendees or [])
    _check_listable(org, {member_id for member_id, _a, _n in parsed}, "attendees", set())
    _check_talk(kind, state, sum(1 for _m, a, _n in parsed if a == Attendance.PRESENT))
    meeting = Meeting.objects.create(
        org=org, org_path=org.path, kind=kind, state=state, created_by=actor, **values
    )
    _write_attendance(meeting, parsed)
    after = _snapshot(meeting) | {"attendance": _attendance_counts(meeting)}
    audit.record(
        actor=actor,
        action="create",
        obj=meeting,
        org=org,
        summary=(
            _("计划%(kind)s“%(topic)s”") if state == MeetingState.PLANNED else _("登记%(kind)s“%(topic)s”")
        )
        % {"kind": meeting.get_kind_display(), "topic": meeting.topic},
        after=after,
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **changes) -> Meeting:
    """Change the record of a planned or held meeting (not its organization or kind). Cancelled → 409."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields {sorted(unknown)}")
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise _state_refusal(meeting, _("修改"))
    before = _snapshot(meeting)
    values = {name: getattr(meeting, name) for name in EDITABLE_FIELDS} | _clean(changes)
    date_changed = "held_on" in changes and changes["held_on"] != meeting.held_on
    _check(
        meeting.org, meeting.kind, meeting.state, values, _today(), creating=False, date_changed=date_changed
    )
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.org_path = meeting.org.path
    meeting.save()
    after = _snapshot(meeting)
    if after != before:
        audit.record(
            actor=actor,
            action="update",
            obj=meeting,
            org=meeting.org,
            summary=_("修改%(kind)s记录") % {"kind": meeting.get_kind_display()},
            before=before,
            after=after,
        )
    return meeting


@transaction.atomic
def meeting_hold(
    *,
    actor,
    meeting: Meeting,
    held_on: dt.date | None = None,
    attendees: Iterable[dict] | None = None,
    **record,
) -> Meeting:
    """A planned meeting took place: planned → held, with its record (minutes, resolutions, attendance...)."""
    unknown = set(record) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"meeting_hold() got unexpected fields {sorted(unknown)}")
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.state != MeetingState.PLANNED:
        if meeting.state == MeetingState.HELD:
            raise TransitionNotAllowed(
                _("会议已于 %(day)s 登记召开，不能再次登记召开") % {"day": _day(meeting.held_on)}
            )
        raise _state_refusal(meeting, _("登记召开"))
    before = _snapshot(meeting)
    values = {name: getattr(meeting, name) for name in EDITABLE_FIELDS} | _clean(record)
    if held_on is not None:
        values["held_on"] = held_on
    _check(meeting.org, meeting.kind, MeetingState.HELD, values, _today(), creating=False, date_changed=False)
    if attendees is not None:
        parsed = _parse_entries(attendees)
        already = set(meeting.attendees.values_list("member_id", flat=True))
        _check_listable(meeting, {m for m, _a, _n in parsed}, "attendees", already)
    else:
        parsed = [(a.member_id, a.attendance, a.note) for a in meeting.attendees.all()]
    _check_talk(meeting.kind, MeetingState.HELD, sum(1 for _m, a, _n in parsed if a == Attendance.PRESENT))
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.state = MeetingState.HELD
    meeting.org_path = meeting.org.path
    meeting.save()
    if attendees is not None:
        _write_attendance(meeting, parsed)
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("登记召开%(kind)s“%(topic)s”")
        % {"kind": meeting.get_kind_display(), "topic": meeting.topic},
        before=before,
        after=_snapshot(meeting) | {"attendance": _attendance_counts(meeting)},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """A planned meeting will not take place: planned → cancelled, with the reason. Held meetings stay."""
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.state == MeetingState.HELD:
        raise TransitionNotAllowed(
            _("会议已于 %(day)s 召开，不能取消；记录有误请修改会议记录") % {"day": _day(meeting.held_on)}
        )
    if meeting.state == MeetingState.CANCELLED:
        raise TransitionNotAllowed(_("会议已经取消"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _("请填写取消原因"))
    if len(reason) > 200:
        raise ValidationFailed.field("reason", _("取消原因最多 200 个字"))
    before = _snapshot(meeting)
    meeting.state, meeting.cancel_reason = MeetingState.CANCELLED, reason
    meeting.save(update_fields=["state", "cancel_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("取消%(kind)s“%(topic)s”：%(reason)s")
        % {"kind": meeting.get_kind_display(), "topic": meeting.topic, "reason": reason},
        before=before,
        after=_snapshot(meeting),
    )
    return meeting


# --- attendance ----------------------------------------------------------------------------------------------


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, entries: Iterable[dict]) -> list[MeetingAttendee]:
    """Record who was present, on leave or absent: the list replaces the meeting's attendance.

    Anyone may be listed who belongs to the meeting's organization (for a 党小组 its members), sits on its
    leadership team, or is a mobile member it hosts; someone already recorded may stay. Anyone else → 422.
    """
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise _state_refusal(meeting, _("登记参会情况"))
    parsed = _parse_entries(entries, "entries")
    already = set(meeting.attendees.values_list("member_id", flat=True))
    _check_listable(meeting, {m for m, _a, _n in parsed}, "entries", already)
    _check_talk(
        meeting.kind, meeting.state, sum(1 for _m, a, _n in parsed if a == Attendance.PRESENT), "entries"
    )
    before = _attendance_counts(meeting)
    _write_attendance(meeting, parsed)
    after = _attendance_counts(meeting)
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("登记参会情况：出席 %(present)d 人，请假 %(leave)d 人，缺席 %(absent)d 人")
        % {"present": after["present"], "leave": after["leave"], "absent": after["absent"]},
        before={"attendance": before},
        after={"attendance": after},
    )
    return list(meeting.attendees.select_related("member").order_by("member__name_key", "member_id"))


# --- votes ---------------------------------------------------------------------------------------------------


def _count(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed.field(field, _("请输入整数"))
    if value < 0:
        raise ValidationFailed.field(field, _("票数和人数不能为负数"))
    return value


@transaction.atomic
def vote_record(
    *,
    actor,
    meeting: Meeting,
    motion: str,
    yes: int,
    no: int = 0,
    abstain: int = 0,
    written_yes: int = 0,
    written_no: int = 0,
    excluded: int = 0,
    subject: Member | None = None,
    subject_name: str = "",
    rule: str | None = None,
) -> Vote:
    """Record a vote at a held 党员大会 or 支委会 and decide it by the rules (`rules.decide_vote`).

    The platform works out the figures from the meeting itself: `eligible` is the body's members who have a
    vote (`rules.has_vote`: the committee at a 支委会, the organization's own members otherwise); `excluded`
    of them are left out of 应到会 with the higher organization's consent (RULES.md 第30条), giving
    `should_attend`; `present` is the eligible members marked present. `yes`, `no`, `abstain` are the
    ballots cast; `written_yes` / `written_no` the written opinions of absent voting members (细则 第21条,
    党员大会 only). Impossible figures → 422; an inquorate meeting passes nothing.
    """
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.kind not in VOTING_KINDS:
        raise ValidationFailed.field(
            "meeting",
            _("只有党员大会和支委会可以表决（支部条例第十一条、第十二条），本次是%(kind)s")
            % {"kind": meeting.get_kind_display()},
        )
    if meeting.state != MeetingState.HELD:
        raise _state_refusal(meeting, _("登记表决"))
    rule = rule or selectors.vote_rule_for(meeting)
    if rule not in RULES_FOR_KIND[meeting.kind]:
        raise ValidationFailed.field("rule", _("此类会议不适用该表决规则"))
    motion = (motion or "").strip()
    if not motion:
        raise ValidationFailed.field("motion", _("请填写表决事项"))
    if len(motion) > 300:
        raise ValidationFailed.field("motion", _("表决事项最多 300 个字"))
    figures = {
        name: _count(value, name)
        for name, value in (
            ("yes", yes),
            ("no", no),
            ("abstain", abstain),
            ("written_yes", written_yes),
            ("written_no", written_no),
            ("excluded", excluded),
        )
    }
    if (figures["written_yes"] or figures["written_no"]) and rule != rules.ASSEMBLY_VOTE:
        raise ValidationFailed.field(
            "written_yes", _("未到会党员的书面意见只在党员大会表决时计入（发展党员工作细则第二十一条）")
        )
    if subject is not None:
        if not tree.is_within(subject.org_path, meeting.org_path):
            raise ValidationFailed.field("subject", _("表决对象不是本组织的党员"))
        subject_name = (subject_name or "").strip() or subject.name
    subject_name = (subject_name or "").strip()
    if len(subject_name) > 50:
        raise ValidationFailed.field("subject_name", _("表决对象最多 50 个字"))
    shown = selectors.vote_figures(meeting, rule)
    if figures["excluded"] > shown.eligible:
        raise ValidationFailed.field(
            "excluded",
            _("不计入应到会的人数（%(excluded)d）不能超过有表决权的人数（%(eligible)d）")
            % {"excluded": figures["excluded"], "eligible": shown.eligible},
        )
    should_attend = shown.eligible - figures["excluded"]
    try:
        outcome = rules.decide_vote(
            rule,
            should_attend,
            shown.present,
            figures["yes"],
            figures["no"],
            figures["abstain"],
            written_yes=figures["written_yes"],
            written_no=figures["written_no"],
        )
    except rules.VoteInvalid as exc:
        raise ValidationFailed.field(exc.field or "yes", exc.message) from None
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        rule=rule,
        subject=subject,
        subject_name=subject_name,
        eligible=shown.eligible,
        excluded=figures["excluded"],
        should_attend=should_attend,
        present=shown.present,
        yes=outcome.yes,
        no=outcome.no,
        abstain=outcome.abstain,
        written_yes=outcome.written_yes,
        written_no=outcome.written_no,
        quorum_met=outcome.quorum_met,
        passed=outcome.passed,
        reasons=list(outcome.reasons),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=vote,
        org=meeting.org,
        summary=_("表决“%(motion)s”：%(verdict)s")
        % {
            "motion": motion[:100],
            "verdict": _("通过")
            if vote.passed
            else (_("未通过") if vote.quorum_met else _("不足法定人数，未能表决")),
        },
        after=audit.snapshot(vote, VOTE_FIELDS),
    )
    return vote


# --- 民主评议 grades -----------------------------------------------------------------------------------------


@transaction.atomic
def grades_set(*, actor, meeting: Meeting, grades: Iterable[dict]) -> list[AppraisalGrade]:
    """The grades of a 民主评议党员 ([{member or member_id, grade, note}]); the list replaces earlier ones.

    优秀 may be given to at most a third of the members rated (中组部 民主评议 guidance, RULES.md 第28条).
    """
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.kind != MeetingKind.APPRAISAL:
        raise ValidationFailed.field(
            "meeting",
            _("只有民主评议党员可以登记评议等次，本次是%(kind)s") % {"kind": meeting.get_kind_display()},
        )
    if meeting.state != MeetingState.HELD:
        raise _state_refusal(meeting, _("登记评议等次"))
    parsed, seen = [], set()
    for index, entry in enumerate(grades):
        member = entry.get("member")
        member_id = member.pk if isinstance(member, Member) else entry.get("member_id", member)
        grade = entry.get("grade")
        note = (entry.get("note") or "").strip()
        if not isinstance(member_id, int):
            raise ValidationFailed.field(f"grades.{index}.member_id", _("请指明党员"))
        if grade not in rules.GRADES:
            raise ValidationFailed.field(
                f"grades.{index}.grade", _("评议等次只能是优秀、合格、基本合格或不合格")
            )
        if len(note) > 200:
            raise ValidationFailed.field(f"grades.{index}.note", _("备注最多 200 个字"))
        if member_id in seen:
            raise ValidationFailed.field(f"grades.{index}.member_id", _("同一名党员只能评定一个等次"))
        seen.add(member_id)
        parsed.append((member_id, grade, note))
    already = set(meeting.grades.values_list("member_id", flat=True))
    _check_listable(meeting, seen, "grades", already)
    rated = len(parsed)
    excellent = sum(1 for _m, grade, _n in parsed if grade == AppraisalGrade.Grade.EXCELLENT)
    if not rules.excellent_share_ok(excellent, rated):
        raise ValidationFailed.field(
            "grades",
            _(
                "评定为优秀的党员一般不超过参评党员的三分之一：参评 %(rated)d 人，最多 %(max)d 人，现为 %(n)d 人（中组部民主评议党员指导意见）"
            )
            % {"rated": rated, "max": rated // 3, "n": excellent},
        )
    before = dict(meeting.grades.values_list("member_id", "grade"))
    meeting.grades.exclude(member_id__in=seen).delete()
    existing = {g.member_id: g for g in meeting.grades.all()}
    for member_id, grade, note in parsed:
        row = existing.get(member_id)
        if row is None:
            AppraisalGrade.objects.create(meeting=meeting, member_id=member_id, grade=grade, note=note)
        elif (row.grade, row.note) != (grade, note):
            row.grade, row.note = grade, note
            row.save(update_fields=["grade", "note"])
    tally = {grade: sum(1 for _m, g, _n in parsed if g == grade) for grade in rules.GRADES}
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("登记评议等次：优秀 %(e)d 人，合格 %(q)d 人，基本合格 %(b)d 人，不合格 %(u)d 人")
        % {
            "e": tally["excellent"],
            "q": tally["qualified"],
            "b": tally["basically_qualified"],
            "u": tally["unqualified"],
        },
        before={"grades": {str(k): v for k, v in before.items()}},
        after={"grades": {str(m): g for m, g, _n in parsed}},
    )
    return list(selectors.meeting_grades(meeting))


# --- files ---------------------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@transaction.atomic
def meeting_file_add(*, actor, meeting: Meeting, upload: UploadedFile | None) -> MeetingFile:
    """Attach a photo (JPG, PNG) or a document (PDF, Word, Excel) to a meeting; type and size are limited."""
    _require_writer(actor, meeting.org)
    original = uploads.check_upload(upload, field="file")
    kind = uploads.FILE_TYPES[("." + upload.name.rsplit(".", 1)[-1]).lower()]
    record = MeetingFile.objects.create(
        meeting=meeting,
        file=upload,
        name=original[:200],
        content_type=CONTENT_TYPES[kind],
        size=upload.size,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("上传附件“%(name)s”") % {"name": record.name},
        after={"file_id": record.pk, "name": record.name, "size": record.size},
    )
    return record


@transaction.atomic
def meeting_file_remove(*, actor, meeting_file: MeetingFile) -> None:
    """Remove an attachment; the stored file is deleted once the transaction has committed."""
    meeting = meeting_file.meeting
    _require_writer(actor, meeting.org)
    stored, storage = meeting_file.file.name, meeting_file.file.storage
    before = {"file_id": meeting_file.pk, "name": meeting_file.name, "size": meeting_file.size}
    meeting_file.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        org=meeting.org,
        summary=_("删除附件“%(name)s”") % {"name": before["name"]},
        before=before,
    )
