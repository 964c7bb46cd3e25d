"""Every write of organizational life: plan, record, hold or cancel a meeting; attendance; votes; grades; files.

Each function is one use case: keyword-only, atomic, permission checked first (the county admin and the
committee officer within their scope, a branch secretary for their own branch and its 党小组), then the
rules, then the write, then one audit entry. Bad input raises `ValidationFailed` (422) and changes nothing;
a transition the meeting's state does not allow raises `TransitionNotAllowed` (409) with the reason.

The functions live in one module per concern; this package exports them all (`orglife.services.vote_record`
is what member development calls for a 支部大会 vote).
"""

from ._common import (
    EDITABLE_FIELDS,
    HELD_AS_KINDS,
    LECTURE_KINDS,
    MAX_HOURS,
    MEETING_FIELDS,
    RULES_FOR_KIND,
    TALK_MIN_PARTICIPANTS,
    TEXT_LIMITS,
    VOTING_KINDS,
    kinds_for,
)
from .attendance import attendance_set
from .files import CONTENT_TYPES, meeting_file_add, meeting_file_remove
from .grades import grades_set
from .meetings import meeting_cancel, meeting_create, meeting_hold, meeting_update
from .votes import VOTE_FIELDS, vote_record

__all__ = [
    "CONTENT_TYPES",
    "EDITABLE_FIELDS",
    "HELD_AS_KINDS",
    "LECTURE_KINDS",
    "MAX_HOURS",
    "MEETING_FIELDS",
    "RULES_FOR_KIND",
    "TALK_MIN_PARTICIPANTS",
    "TEXT_LIMITS",
    "VOTE_FIELDS",
    "VOTING_KINDS",
    "attendance_set",
    "grades_set",
    "kinds_for",
    "meeting_cancel",
    "meeting_create",
    "meeting_file_add",
    "meeting_file_remove",
    "meeting_hold",
    "meeting_update",
    "vote_record",
]
