"""What a case is due for next (the due list and the reminders), with its date and rule."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from dangjian.orgs.rules import add_months

from .deadlines import (
    APPROVAL_MAX_MONTHS,
    APPROVAL_MONTHS,
    CONVERSION_APPROVAL_MONTHS,
    next_review_due,
    talk_due,
)
from .order import CaseState
from .steps import (
    ACTIVIST,
    APPLICANT,
    CANDIDATE,
    PROBATIONARY,
)

# --- what is due ------------------------------------------------------------------------------------------------

TALK = "talk"
ACTIVIST_REVIEW = "activist_review"
NOTICE_RUNNING = "notice_running"
APPROVAL = "approval"
CONVERSION = "conversion"
CONVERSION_APPROVAL = "conversion_approval"
DUE_TITLES = {
    TALK: gettext_lazy("入党申请人谈话（收到申请一个月内）"),
    ACTIVIST_REVIEW: gettext_lazy("入党积极分子半年考察"),
    NOTICE_RUNNING: gettext_lazy("发展对象公示中"),
    APPROVAL: gettext_lazy("基层党委审批（支部大会后三个月内，最长六个月）"),
    CONVERSION: gettext_lazy("预备期满，讨论转正"),
    CONVERSION_APPROVAL: gettext_lazy("转正审批（支部大会后三个月内）"),
}
DUE_SOURCES = {
    TALK: gettext_lazy("细则 第7条"),
    ACTIVIST_REVIEW: gettext_lazy("细则 第11条"),
    NOTICE_RUNNING: gettext_lazy("本地规定（RULES.md 第50条）"),
    APPROVAL: gettext_lazy("细则 第24条"),
    CONVERSION: gettext_lazy("细则 第32条"),
    CONVERSION_APPROVAL: gettext_lazy("细则 第34条"),
}


@dataclass(frozen=True)
class Due:
    """Something a case is due for: by `due_on`; `last_on` is the day after which it can no longer be done."""

    code: str
    step: int
    due_on: dt.date
    last_on: dt.date | None = None
    informational: bool = False  # shown (a notice running) but never late

    @property
    def title(self) -> str:
        return str(DUE_TITLES[self.code])

    @property
    def source(self) -> str:
        return str(DUE_SOURCES[self.code])

    def overdue(self, today: dt.date) -> bool:
        return not self.informational and today > self.due_on

    def lapsed(self, today: dt.date) -> bool:
        return self.last_on is not None and today > self.last_on


def dues_of(state: CaseState, today: dt.date) -> list[Due]:
    """Everything the case is due for now, whatever the date (the caller keeps what falls in its window)."""
    dues: list[Due] = []
    stage = state.stage
    if stage == APPLICANT and not state.has(2):
        dues.append(Due(TALK, 2, talk_due(state.applied_on)))
    if stage == ACTIVIST and state.activist_on:
        last = state.latest(6)
        dues.append(Due(ACTIVIST_REVIEW, 6, next_review_due(state.activist_on, last.date if last else None)))
    if stage == CANDIDATE:
        if (
            state.notice_starts_on
            and state.notice_ends_on
            and state.notice_starts_on <= today <= state.notice_ends_on
            and not state.has(15)
        ):
            dues.append(Due(NOTICE_RUNNING, 13, state.notice_ends_on, informational=True))
        vote = state.latest(15)
        if vote is not None and not state.has(17):
            dues.append(
                Due(
                    APPROVAL,
                    17,
                    add_months(vote.date, APPROVAL_MONTHS),
                    last_on=add_months(vote.date, APPROVAL_MAX_MONTHS),
                )
            )
    if stage == PROBATIONARY and state.probation_ends_on:
        decided = state.latest(23)
        if decided is None:
            dues.append(Due(CONVERSION, 23, state.probation_ends_on))
        elif not state.has(24):
            dues.append(Due(CONVERSION_APPROVAL, 24, add_months(decided.date, CONVERSION_APPROVAL_MONTHS)))
    return dues


def in_window(due: Due, today: dt.date, days: int) -> bool:
    """Due within the next `days` days, or already overdue (informational ones: while they run)."""
    return due.due_on <= today + dt.timedelta(days=days)


REMINDER = "reminder"
WARNING = "warning"


def reminder_level(due: Due, today: dt.date, days_before: int) -> str | None:
    """Remind `days_before` days ahead; warn once overdue. Running notices are not reminded."""
    if due.informational:
        return None
    if due.overdue(today):
        return WARNING
    if (due.due_on - today).days <= days_before:
        return REMINDER
    return None
