"""Rows of the orglife tables in database form, with their ids, written in chunks by bulk.insert_rows."""

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from dangjian.orglife import rules
from dangjian.orglife.models import AppraisalGrade, Meeting, MeetingAttendee, Vote

from .. import bulk
from ..county import Unit

CHUNK = 50_000  # attendance rows written at a time
HELD, PLANNED, CANCELLED = "held", "planned", "cancelled"
PRESENT, LEAVE, ABSENT = "present", "leave", "absent"

MEETING_FIELDS = [
    "id", "org_id", "org_path", "kind", "state", "held_on", "starts_at", "place", "topic", "host", "recorder",
    "lecturer", "minutes", "resolutions", "hours", "ends_on", "themed_items", "themed_extra", "held_as",
    "cancel_reason", "created_by_id", "created_at", "updated_at",
]  # fmt: skip
ATTENDEE_FIELDS = ["id", "meeting_id", "member_id", "attendance", "note"]
VOTE_FIELDS = [
    "id", "meeting_id", "motion", "rule", "subject_id", "subject_name", "eligible", "excluded",
    "should_attend", "present", "yes", "no", "abstain", "written_yes", "written_no", "quorum_met", "passed",
    "reasons", "created_by_id", "created_at",
]  # fmt: skip
GRADE_FIELDS = ["id", "meeting_id", "member_id", "grade", "note"]


class Writer:
    """Collects rows with their ids and writes them in chunks (meetings first: attendance refers to them)."""

    def __init__(self, today: dt.date):
        self.today = today
        self.ids = {model: bulk.next_id(model) for model in (Meeting, MeetingAttendee, Vote, AppraisalGrade)}
        self.rows: dict[type, list] = {model: [] for model in self.ids}
        self.counts: Counter = Counter()
        self.states: Counter = Counter()
        self.sqlite = connection.vendor == "sqlite"
        self.zone = timezone.get_current_timezone()
        # Values repeated over millions of rows, converted once.
        self._stamps: dict[tuple[dt.date, int], object] = {}
        self._hours: dict[float, Decimal] = {}
        self._items: dict[tuple[str, ...], str] = {}

    def _next(self, model: type) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def stamp(self, day: dt.date, hour: int):
        """A timestamp in database form: bulk.insert_rows sends dates as ISO text on SQLite, but Django keeps
        datetimes there as "YYYY-MM-DD HH:MM:SS" (UTC), so they go as that text, ready made."""
        key = (day, hour)
        found = self._stamps.get(key)
        if found is None:
            moment = dt.datetime.combine(day, dt.time(hour), tzinfo=self.zone)
            found = _Ready(connection.ops.adapt_datetimefield_value(moment)) if self.sqlite else moment
            self._stamps[key] = found
        return found

    def meeting(self, unit: Unit, kind: str, state: str, held_on: dt.date, **values) -> int:
        meeting_id = self._next(Meeting)
        hours = values.get("hours", 0)
        if hours not in self._hours:
            self._hours[hours] = Decimal(str(hours))
        items = tuple(values.get("themed_items", ()))
        if items not in self._items:
            self._items[items] = json.dumps(list(items))
        created = (
            self.stamp(held_on, 20)
            if state != PLANNED
            else self.stamp(max(held_on - dt.timedelta(days=12), self.today - dt.timedelta(days=10)), 10)
        )
        self.rows[Meeting].append(
            (
                meeting_id,
                unit.id,
                unit.path,
                kind,
                state,
                held_on,
                values.get("starts_at"),
                values.get("place", ""),
                values["topic"][:200],
                values.get("host", ""),
                values.get("recorder", ""),
                values.get("lecturer", ""),
                values.get("minutes", ""),
                values.get("resolutions", ""),
                self._hours[hours],
                values.get("ends_on"),
                self._items[items],
                values.get("themed_extra", ""),
                values.get("held_as", ""),
                values.get("cancel_reason", ""),
                None,
                created,
                created,
            )
        )
        self.counts["meetings"] += 1
        self.states[state] += 1
        return meeting_id

    def attend(self, meeting_id: int, marked: Iterable[tuple[Any, str, str]]) -> None:
        """Attendance of one meeting: (person, attendance, note) for each; ids are given when written."""
        self.rows[MeetingAttendee].extend(
            (meeting_id, person.id, attendance, note) for person, attendance, note in marked
        )

    def vote(self, meeting_id: int, day: dt.date, motion: str, outcome: rules.VoteOutcome, **values) -> None:
        self.rows[Vote].append(
            (
                self._next(Vote),
                meeting_id,
                motion,
                outcome.rule,
                values.get("subject_id"),
                values.get("subject_name", ""),
                values["eligible"],
                0,
                outcome.should_attend,
                outcome.present,
                outcome.yes,
                outcome.no,
                outcome.abstain,
                outcome.written_yes,
                outcome.written_no,
                outcome.quorum_met,
                outcome.passed,
                json.dumps(list(outcome.reasons), ensure_ascii=False),
                None,
                self.stamp(day, 21),
            )
        )
        self.counts["votes"] += 1
        self.counts["votes_failed"] += not outcome.passed

    def grade(self, meeting_id: int, member_id: int, grade: str, note: str = "") -> None:
        self.rows[AppraisalGrade].append((self._next(AppraisalGrade), meeting_id, member_id, grade, note))

    def flush(self, *, force: bool = False) -> None:
        if not force and len(self.rows[MeetingAttendee]) < CHUNK:
            return
        for model, fields in (
            (Meeting, MEETING_FIELDS),
            (MeetingAttendee, ATTENDEE_FIELDS),
            (Vote, VOTE_FIELDS),
            (AppraisalGrade, GRADE_FIELDS),
        ):
            rows = self.rows[model]
            if rows:
                if model is MeetingAttendee:
                    first = self.ids[model]
                    self.ids[model] = first + len(rows)
                    rows = [(first + i, *row) for i, row in enumerate(rows)]
                bulk.insert_rows(model, fields, rows)
                if model is not Meeting:
                    self.counts[model._meta.model_name] += len(rows)
                self.rows[model] = []


class _Ready(str):
    """Text already in the database's form; bulk.insert_rows calls .isoformat() on date values."""

    def isoformat(self) -> str:
        return str(self)
