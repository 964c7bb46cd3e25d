"""The 25 steps as data and the order rule `check_step` (plain values, no database)."""

import datetime as dt

import pytest

from dangjian.recruitment import rules
from dangjian.recruitment.rules import CaseState, Config, Recorded, StepInput, StepRefused

D = dt.date
CFG = Config()

# A case at each stage, with the standard dates (applied 8 Jan 2024 … admitted 20 May 2025).
DATES = {
    1: D(2024, 1, 8),
    2: D(2024, 1, 20),
    3: D(2024, 3, 1),
    4: D(2024, 3, 5),
    5: D(2024, 3, 5),
    6: D(2024, 9, 1),
    7: D(2025, 3, 1),
    8: D(2025, 3, 5),
    9: D(2025, 3, 5),
    10: D(2025, 4, 1),
    11: D(2025, 4, 10),
    12: D(2025, 5, 6),
    13: D(2025, 5, 12),
    14: D(2025, 5, 19),
    15: D(2025, 5, 20),
    16: D(2025, 6, 1),
    17: D(2025, 6, 15),
    18: D(2025, 6, 20),
    19: D(2025, 6, 20),
    20: D(2025, 7, 1),
    21: D(2025, 12, 1),
    22: D(2026, 5, 6),
    23: D(2026, 5, 20),
    24: D(2026, 6, 10),
}


def state_after(last: int, **changes) -> CaseState:
    """The state of a case whose steps 1..last were recorded on DATES."""
    stage = rules.APPLICANT
    for number, reached in (
        (3, rules.ACTIVIST),
        (7, rules.CANDIDATE),
        (17, rules.PROBATIONARY),
        (24, rules.FULL),
    ):
        if last >= number:
            stage = reached
    values = {
        "stage": stage,
        "applied_on": DATES[1],
        "activist_on": DATES[3] if last >= 3 else None,
        "candidate_on": DATES[7] if last >= 7 else None,
        "admitted_on": DATES[15] if last >= 17 else None,
        "probation_ends_on": D(2026, 5, 20) if last >= 17 else None,
        "notice_starts_on": DATES[13] if last >= 13 else None,
        "notice_ends_on": D(2025, 5, 16) if last >= 13 else None,
        "steps": tuple(
            Recorded(n, DATES[n], outcome=rules.CONFIRM if n in (23, 24) else "") for n in range(1, last + 1)
        ),
    }
    values.update(changes)
    return CaseState(**values)


def check(state, step, on=None, **extra):
    return rules.check_step(state, StepInput(step, on or DATES.get(step, D(2026, 6, 20)), **extra), CFG)


def refused(state, step, on=None, **extra) -> StepRefused:
    with pytest.raises(StepRefused) as caught:
        check(state, step, on, **extra)
    return caught.value


# --- the data -------------------------------------------------------------------------------------------------


def test_there_are_twenty_five_steps_in_five_stages():
    assert sorted(rules.STEPS) == list(range(1, 26))
    assert [rules.STEPS[n].phase for n in (1, 2, 3, 6, 7, 11, 12, 18, 19, 25)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]
    assert len(rules.PHASES) == 5


def test_every_step_names_its_source_its_decider_and_its_documents():
    for step in rules.STEPS.values():
        assert str(step.source) and str(step.title)
        assert step.decider in rules.DECIDERS
        assert step.documents and all(str(d) for d in step.documents)


def test_every_prerequisite_comes_earlier():
    for number, step in rules.STEPS.items():
        assert all(needed < number for needed in step.requires), number
    assert rules.STEPS[1].requires == ()


def test_only_the_reviews_recur():
    assert {n for n, s in rules.STEPS.items() if s.periodic} == {6, 21}


# --- order and stage ------------------------------------------------------------------------------------------


def test_the_standard_timetable_passes_every_step():
    for number in range(2, 25):
        placement = check(state_after(number - 1), number, **extra_for(number))
        assert placement.late is False


def extra_for(number):
    if number == 13:
        return {"notice_starts_on": DATES[13]}
    if number == 16:
        return {"submitted_on": D(2025, 5, 23)}
    if number == 23:
        return {"outcome": rules.CONFIRM}
    return {}


def test_a_step_out_of_order_is_refused_with_the_missing_step():
    error = refused(state_after(7), 12)
    assert "请先完成第8步" in error.message and error.source


def test_a_step_of_another_stage_is_refused():
    error = refused(state_after(2), 5)
    assert "只能在“入党积极分子”阶段办理" in error.message


def test_a_step_already_recorded_is_refused():
    error = refused(state_after(9), 9)
    assert "已于 2025-03-05 登记" in error.message


def test_a_step_may_not_be_dated_before_its_prerequisite():
    error = refused(state_after(9), 10, D(2025, 2, 28))
    assert error.field == "date" and "不能早于第7步" in error.message


def test_reviews_recur_while_an_activist():
    state = state_after(6)
    check(state, 6, D(2025, 2, 1))
    check(state, 6, D(2025, 2, 1))  # as often as needed


def test_step_one_is_only_recorded_with_the_application():
    assert refused(state_after(1), 1).field == "step"


def test_nothing_is_recorded_once_a_case_is_closed():
    for stage in (rules.WITHDRAWN, rules.CANCELLED):
        assert "已终止" in refused(state_after(5, stage=stage), 6, D(2024, 9, 1)).message


# --- time rules in the order -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "ok"), [(D(2025, 2, 28), False), (D(2025, 3, 1), True), (D(2025, 3, 2), True)]
)
def test_a_candidate_is_named_a_year_after_becoming_an_activist(on, ok):
    if ok:
        check(state_after(6), 7, on)
    else:
        error = refused(state_after(6), 7, on)
        assert "细则 第13条" in error.message and "最早 2025-03-01" in error.message


def test_a_local_wait_before_activist_applies_when_set():
    cfg = Config(application_to_activist_months=6)
    with pytest.raises(StepRefused, match="满 6 个月"):
        rules.check_step(state_after(2), StepInput(3, D(2024, 7, 7)), cfg)
    rules.check_step(state_after(2), StepInput(3, D(2024, 7, 8)), cfg)


def test_a_failed_political_review_stops_the_case():
    steps = tuple(Recorded(n, DATES[n], passed=(n != 10)) for n in range(1, 12))
    error = refused(state_after(11, steps=steps), 12)
    assert "政治审查未通过" in error.message


def test_the_notice_must_start_after_the_branch_review():
    assert refused(state_after(12), 13, notice_starts_on=D(2025, 5, 5)).field == "notice_starts_on"
    assert refused(state_after(12), 13).field == "notice_starts_on"


@pytest.mark.parametrize(("on", "ok"), [(D(2025, 5, 16), False), (D(2025, 5, 17), True)])
def test_the_assembly_votes_only_after_the_notice_has_run(on, ok):
    state = state_after(14, steps=(*state_after(14).steps[:-1], Recorded(14, D(2025, 5, 14))))
    if ok:
        check(state, 15, on)
    else:
        assert "公示期满" in refused(state, 15, on).message


@pytest.mark.parametrize(
    ("on", "reason", "late", "ok"),
    [
        (D(2025, 8, 20), "", False, True),
        (D(2025, 8, 21), "", None, False),
        (D(2025, 8, 21), "党委换届", True, True),
        (D(2025, 11, 20), "党委换届", True, True),
        (D(2025, 11, 21), "党委换届", None, False),
    ],
)
def test_approval_edges(on, reason, late, ok):
    state = state_after(16)
    if ok:
        assert check(state, 17, on, reason=reason).late is late
    else:
        assert "细则 第24条" in refused(state, 17, on, reason=reason).message


def test_a_resolution_sent_up_late_must_be_deliberated_again():
    state = state_after(15)
    check(state, 16, D(2025, 9, 1), submitted_on=D(2025, 8, 20))
    error = refused(state, 16, D(2025, 9, 1), submitted_on=D(2025, 8, 21))
    assert "重新提交支部大会讨论" in error.message and "本地规定" in error.message
    error = refused(state, 16, D(2025, 12, 1), submitted_on=D(2025, 11, 21))
    assert "重新履行发展手续" in error.message


def test_the_submission_date_lies_between_vote_and_talk():
    assert refused(state_after(15), 16, D(2025, 6, 1), submitted_on=D(2025, 5, 19)).field == "submitted_on"
    assert refused(state_after(15), 16, D(2025, 6, 1), submitted_on=D(2025, 6, 2)).field == "submitted_on"
    assert refused(state_after(15), 16, D(2025, 6, 1)).field == "submitted_on"


def test_a_stale_vote_is_held_again_and_a_very_old_one_restarts_at_the_branch_review():
    state = state_after(15)
    # Within three months: the vote stands; recording it again is a duplicate.
    assert "已于" in refused(state, 15, D(2025, 8, 20)).message
    # Not sent up after three months ([LOCAL]): a new vote replaces the old one and its talk.
    assert check(state, 15, D(2025, 8, 21)).replaces == (15, 16)
    # Beyond six months: the procedure is redone from step 12.
    assert "第12步" in refused(state, 15, D(2025, 11, 21)).message
    assert check(state, 12, D(2025, 11, 21)).replaces == rules.ADMISSION_ROUND


def test_without_local_limits_only_the_six_month_lapse_forces_a_new_vote():
    cfg = Config(redeliberate_months=0, redo_months=0)
    state = state_after(15)
    with pytest.raises(StepRefused):
        rules.check_step(state, StepInput(15, D(2025, 11, 20)), cfg)
    assert rules.check_step(state, StepInput(15, D(2025, 11, 21)), cfg).replaces == (15, 16)


@pytest.mark.parametrize(
    ("on", "ok"), [(D(2026, 5, 19), False), (D(2026, 5, 20), True), (D(2026, 5, 21), True)]
)
def test_conversion_is_discussed_when_probation_ends(on, ok):
    state = state_after(22)
    if ok:
        check(state, 23, on, outcome=rules.CONFIRM)
    else:
        assert "届满前不能讨论转正" in refused(state, 23, on, outcome=rules.CONFIRM).message


def test_cancellation_may_be_discussed_during_probation_without_an_application():
    check(state_after(21), 23, D(2025, 12, 15), outcome=rules.CANCEL)
    check(state_after(18), 23, D(2025, 7, 1), outcome=rules.CANCEL)


@pytest.mark.parametrize(
    ("months", "extended", "ok"),
    [(5, False, False), (6, False, True), (12, False, True), (13, False, False), (6, True, False)],
)
def test_extension_at_the_conversion_vote(months, extended, ok):
    state = state_after(22, extended=extended, extended_on=D(2026, 6, 1) if extended else None)
    if ok:
        check(state, 23, D(2026, 5, 20), outcome=rules.EXTEND, extension_months=months)
    else:
        assert refused(state, 23, D(2026, 5, 20), outcome=rules.EXTEND, extension_months=months).field == (
            "extension_months"
        )


def test_an_approved_extension_closes_the_conversion_round():
    steps = (*state_after(22).steps, Recorded(23, D(2026, 5, 20), outcome=rules.EXTEND))
    placement = check(state_after(23, steps=steps), 24, D(2026, 6, 1))
    assert placement.closes == rules.CONVERSION_ROUND


def test_the_approval_must_match_the_assembly_decision():
    assert refused(state_after(23), 24, outcome=rules.CANCEL).field == "outcome"


@pytest.mark.parametrize(
    ("on", "reason", "ok"),
    [(D(2026, 8, 20), "", True), (D(2026, 8, 21), "", False), (D(2026, 8, 21), "会议推迟", True)],
)
def test_conversion_approval_after_three_months_needs_a_reason(on, reason, ok):
    if ok:
        check(state_after(23), 24, on, reason=reason)
    else:
        assert "逾期原因" in refused(state_after(23), 24, on, reason=reason).message


def test_archive_only_after_conversion():
    check(state_after(24), 25, D(2026, 6, 20))


def test_allowed_steps_lists_what_may_come_next():
    assert rules.allowed_steps(state_after(3), D(2024, 3, 10), CFG) == [4, 5]
    assert rules.allowed_steps(state_after(7), D(2025, 3, 10), CFG) == [8, 9, 10, 11]
    assert 23 in rules.allowed_steps(state_after(21), D(2026, 1, 1), CFG)  # cancellation is always possible
