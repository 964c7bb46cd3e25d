"""Template helpers of the organizational-life pages: kind icons, state badges, audit changes with labels."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.orglife.models import Attendance, Meeting, MeetingKind, MeetingState

register = template.Library()

KIND_ICONS = {
    MeetingKind.ASSEMBLY: "people-fill",
    MeetingKind.COMMITTEE: "person-workspace",
    MeetingKind.GROUP: "people",
    MeetingKind.LECTURE: "easel",
    MeetingKind.THEMED_DAY: "flag",
    MeetingKind.LIFE_MEETING: "chat-square-quote",
    MeetingKind.APPRAISAL: "clipboard-check",
    MeetingKind.TALK: "chat-left-dots",
    MeetingKind.TRAINING: "mortarboard",
}
# Never by colour alone: each state has an icon and its word too.
STATE_BADGES = {
    MeetingState.PLANNED: ("text-bg-info", "calendar-event"),
    MeetingState.HELD: ("badge-active", "check-circle"),
    MeetingState.CANCELLED: ("badge-dissolved", "x-circle"),
}
ATTENDANCE_ICONS = {
    Attendance.PRESENT: "check-circle",
    Attendance.LEAVE: "dash-circle",
    Attendance.ABSENT: "x-circle",
}


@register.filter
def meeting_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "calendar-check")


@register.inclusion_tag("orglife/_state_badge.html")
def state_badge(state: str):
    css, icon = STATE_BADGES.get(state, ("badge-dissolved", "question-circle"))
    return {"css": css, "icon": icon, "label": dict(MeetingState.choices).get(state, state)}


@register.filter
def attendance_icon(value: str) -> str:
    return ATTENDANCE_ICONS.get(value, "circle")


HIDDEN = {"org_id", "org_path"}
EXTRA_LABELS = {
    "attendance": gettext_lazy("参会情况"),
    "grades": gettext_lazy("评议等次"),
    "file_id": gettext_lazy("附件编号"),
    "name": gettext_lazy("文件名"),
    "size": gettext_lazy("大小（字节）"),
    "meeting_id": gettext_lazy("会议"),
    "subject_id": gettext_lazy("表决对象（党员）"),
}


def _labels() -> dict[str, str]:
    from dangjian.orglife.models import Vote

    labels = {}
    for model in (Meeting, Vote):
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose and getattr(field, "attname", None):
                labels.setdefault(field.attname, str(verbose))
                labels.setdefault(field.name, str(verbose))
    labels.update({key: str(value) for key, value in EXTRA_LABELS.items()})
    return labels


def _display(field: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field == "kind" or field == "held_as":
        return str(dict(MeetingKind.choices).get(value, value))
    if field == "state":
        return str(dict(MeetingState.choices).get(value, value))
    if field == "attendance" and isinstance(value, dict):
        return _("出席 %(present)s，请假 %(leave)s，缺席 %(absent)s") % {
            "present": value.get("present", 0),
            "leave": value.get("leave", 0),
            "absent": value.get("absent", 0),
        }
    if field == "grades" and isinstance(value, dict):
        return _("%(n)d 人") % {"n": len(value)}
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@register.simple_tag
def meeting_changes(entry) -> list[dict]:
    """An audit entry's field changes as [{label, before, after}] with the meeting's own labels."""
    labels = _labels()
    return [
        {
            "label": labels.get(field, field),
            "before": _display(field, before),
            "after": _display(field, after),
        }
        for field, before, after in entry.changes()
        if field not in HIDDEN
    ]
