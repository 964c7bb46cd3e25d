"""Meetings: plan one ahead or record one held, change its record, hold a planned one, cancel a plan."""

import datetime as dt
import decimal
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.errors import FieldErrors, TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Organization

from .. import rules, selectors
from ..models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingState,
)
from ._common import (
    EDITABLE_FIELDS,
    HELD_AS_KINDS,
    LECTURE_KINDS,
    MAX_HOURS,
    TEXT_LIMITS,
    _attendance_counts,
    _check_listable,
    _check_talk,
    _day,
    _lock,
    _parse_entries,
    _require_writer,
    _snapshot,
    _state_refusal,
    _today,
    _write_attendance,
    kinds_for,
)

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
    errors = FieldErrors()
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
        action="hold",
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
        action="cancel",
        obj=meeting,
        org=meeting.org,
        summary=_("取消%(kind)s“%(topic)s”：%(reason)s")
        % {"kind": meeting.get_kind_display(), "topic": meeting.topic, "reason": reason},
        before=before,
        after=_snapshot(meeting),
    )
    return meeting
