"""Attendance: who was present, on leave or absent (the list replaces the meeting's attendance)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit

from ..models import (
    Attendance,
    Meeting,
    MeetingAttendee,
    MeetingState,
)
from ._common import (
    _attendance_counts,
    _check_listable,
    _check_talk,
    _lock,
    _parse_entries,
    _require_writer,
    _state_refusal,
    _write_attendance,
)

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
