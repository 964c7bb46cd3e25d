"""The vote, grade and 主题党日 rules of orglife/rules.py at their edges (plain values, no database)."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dangjian.orglife import rules

counts = st.integers(min_value=0, max_value=500)


# --- has_vote (选举条例 第5条; 党章 第7、39条) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "status", "extra", "votes"),
    [
        ("full", "active", {}, True),
        ("full", "mobile", {}, True),
        ("full", "lost_contact", {}, True),
        ("probationary", "active", {}, False),
        ("full", "suspended", {}, False),
        ("full", "left", {}, False),
        ("full", "deceased", {}, False),
        ("full", "transferred_out", {}, False),
        ("full", "active", {"under_probation_watch": True}, False),
        ("full", "active", {"rights_suspended": True}, False),
    ],
)
def test_only_full_members_in_good_standing_vote(category, status, extra, votes):
    assert rules.has_vote(category, status, **extra) is votes


# --- the quorum: more than half of 应到会 -------------------------------------------------------------------


@pytest.mark.parametrize("rule", [rules.ASSEMBLY_VOTE, rules.COMMITTEE_VOTE])
@pytest.mark.parametrize(
    ("should", "present", "met"), [(10, 5, False), (10, 6, True), (9, 4, False), (9, 5, True)]
)
def test_quorum_exactly_half_is_not_met_and_half_plus_one_is(rule, should, present, met):
    assert rules.decide_vote(rule, should, present, yes=0).quorum_met is met


@given(should=st.integers(min_value=1, max_value=500), data=st.data())
def test_quorum_is_met_exactly_when_present_exceeds_half(should, data):
    present = data.draw(st.integers(min_value=0, max_value=should))
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, should, present, yes=0)
    assert outcome.quorum_met is (2 * present > should)


@given(should=st.integers(min_value=2, max_value=500).filter(lambda n: n % 2 == 0))
def test_exactly_half_present_never_makes_a_quorum(should):
    half = should // 2
    assert not rules.decide_vote(rules.ASSEMBLY_VOTE, should, half, yes=half).quorum_met
    assert rules.decide_vote(rules.ASSEMBLY_VOTE, should, half + 1, yes=half + 1).quorum_met


# --- the majority: "yes" more than half of 应到会, not of 实到会 --------------------------------------------------


@given(should=st.integers(min_value=2, max_value=500).filter(lambda n: n % 2 == 0))
def test_yes_exactly_half_of_should_attend_fails(should):
    half = should // 2
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, should, should, yes=half, no=half)
    assert outcome.quorum_met and not outcome.passed
    assert rules.decide_vote(rules.ASSEMBLY_VOTE, should, should, yes=half + 1, no=half - 1).passed


def test_a_majority_of_those_present_is_not_enough():
    # 10 should attend, 6 present, 5 yes: 5/6 of those present, but not more than half of 10.
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, 10, 6, yes=5, no=1)
    assert outcome.quorum_met and not outcome.passed


@given(should=st.integers(min_value=1, max_value=300), data=st.data())
def test_passing_needs_both_the_quorum_and_the_majority(should, data):
    present = data.draw(st.integers(min_value=0, max_value=should))
    yes = data.draw(st.integers(min_value=0, max_value=present))
    no = data.draw(st.integers(min_value=0, max_value=present - yes))
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, should, present, yes=yes, no=no)
    assert outcome.passed is (2 * present > should and 2 * yes > should)
    if not outcome.quorum_met:
        assert not outcome.passed


@given(should=st.integers(min_value=1, max_value=300), data=st.data())
def test_an_inquorate_meeting_passes_nothing(should, data):
    present = data.draw(st.integers(min_value=0, max_value=should // 2))
    written = data.draw(st.integers(min_value=0, max_value=should - present))
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, should, present, yes=present, written_yes=written)
    assert not outcome.quorum_met and not outcome.passed


# --- written opinions (细则 第21条) ------------------------------------------------------------------------------


def test_written_yes_of_absent_voters_counts_towards_the_majority():
    # 10 should attend, 6 present, 5 yes + 1 written yes = 6 > 5.
    assert not rules.decide_vote(rules.ASSEMBLY_VOTE, 10, 6, yes=5, no=1).passed
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, 10, 6, yes=5, no=1, written_yes=1)
    assert outcome.passed
    assert any("书面" in line for line in outcome.reasons)


def test_written_opinions_can_only_come_from_absent_voters():
    with pytest.raises(rules.VoteInvalid) as excinfo:
        rules.decide_vote(rules.ASSEMBLY_VOTE, 10, 8, yes=5, written_yes=2, written_no=1)
    assert excinfo.value.field == "written_yes"
    rules.decide_vote(rules.ASSEMBLY_VOTE, 10, 8, yes=5, written_yes=1, written_no=1)  # exactly the 2 absent


# --- impossible figures --------------------------------------------------------------------------------------


@given(should=counts, present=counts, yes=counts, no=counts, abstain=counts)
def test_figures_are_either_refused_or_decided(should, present, yes, no, abstain):
    possible = present <= should and yes + no + abstain <= present
    if possible:
        outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, should, present, yes, no, abstain)
        assert outcome.reasons
    else:
        with pytest.raises(rules.VoteInvalid):
            rules.decide_vote(rules.ASSEMBLY_VOTE, should, present, yes, no, abstain)


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ((10, 11, 0, 0, 0), "present"),
        ((10, 6, 4, 2, 1), "yes"),
        ((10, 6, -1, 0, 0), "yes"),
        ((-1, 0, 0, 0, 0), "should_attend"),
    ],
)
def test_impossible_figures_name_their_field(figures, field):
    with pytest.raises(rules.VoteInvalid) as excinfo:
        rules.decide_vote(rules.ASSEMBLY_VOTE, *figures)
    assert excinfo.value.field == field
    assert excinfo.value.message


def test_every_reason_is_a_chinese_sentence_with_the_figures():
    outcome = rules.decide_vote(rules.ASSEMBLY_VOTE, 9, 7, yes=6, no=1)
    assert len(outcome.reasons) == 2
    assert "应到 9 人，实到 7 人" in outcome.reasons[0]
    assert "赞成 6 票" in outcome.reasons[1]
    inquorate = rules.decide_vote(rules.ASSEMBLY_VOTE, 9, 4, yes=4)
    assert len(inquorate.reasons) == 1 and "不足法定人数" in inquorate.reasons[0]


# --- elections: 4/5 present, winner > 1/2 of those present ---------------------------------------------------


@pytest.mark.parametrize(
    ("should", "present", "met"), [(5, 4, False), (5, 5, True), (10, 8, False), (10, 9, True)]
)
def test_election_quorum_is_more_than_four_fifths(should, present, met):
    assert rules.decide_vote(rules.ELECTION_VOTE, should, present, yes=present).quorum_met is met


@given(should=st.integers(min_value=1, max_value=500), data=st.data())
def test_election_quorum_and_winner_by_those_present(should, data):
    present = data.draw(st.integers(min_value=0, max_value=should))
    yes = data.draw(st.integers(min_value=0, max_value=present))
    outcome = rules.decide_vote(rules.ELECTION_VOTE, should, present, yes=yes)
    assert outcome.quorum_met is (5 * present > 4 * should)
    assert outcome.passed is (outcome.quorum_met and 2 * yes > present)


def test_an_election_winner_needs_more_than_half_of_those_present():
    assert not rules.decide_vote(rules.ELECTION_VOTE, 10, 10, yes=5, no=5).passed
    assert rules.decide_vote(rules.ELECTION_VOTE, 10, 10, yes=6, no=4).passed


# --- the 支委会 (支部条例 第12条) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "present", "valid"), [(3, 1, False), (3, 2, True), (4, 2, False), (4, 3, True), (5, 3, True)]
)
def test_a_committee_meeting_is_valid_with_more_than_half_present(size, present, valid):
    assert rules.committee_meeting_valid(size, present) is valid


# --- 民主评议: 优秀 at most a third ------------------------------------------------------------------------------


@given(rated=st.integers(min_value=0, max_value=3000), excellent=st.integers(min_value=0, max_value=3000))
def test_excellent_share_is_at_most_one_third(rated, excellent):
    assume(excellent <= rated)
    assert rules.excellent_share_ok(excellent, rated) is (3 * excellent <= rated)


@pytest.mark.parametrize(
    ("excellent", "rated", "ok"),
    [(3, 9, True), (4, 9, False), (3, 10, True), (4, 11, False), (4, 12, True), (0, 0, True), (1, 2, False)],
)
def test_excellent_share_edges(excellent, rated, ok):
    assert rules.excellent_share_ok(excellent, rated) is ok


# --- 主题党日 "4+X" --------------------------------------------------------------------------------------------


def test_all_four_items_done_leaves_nothing_missing():
    assert rules.themed_day_missing(["study", "life", "discussion", "service"]) == []


@given(st.lists(st.sampled_from([*rules.THEMED_DAY_ITEMS, "x1", "x2"]), unique=True))
def test_the_missing_items_are_exactly_the_four_not_done(done):
    missing = rules.themed_day_missing(done)
    assert set(missing) == set(rules.THEMED_DAY_ITEMS) - set(done)
    assert missing == [code for code in rules.THEMED_DAY_ITEMS if code in missing]  # in checklist order


def test_x_items_are_never_required():
    assert rules.themed_day_missing([]) == ["study", "life", "discussion", "service"]
    assert "x" not in rules.themed_day_missing(["study"])
