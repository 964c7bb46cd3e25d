"""`dangjian seed`: demo cases of member development in every stage and outcome, some overdue, with votes,
meetings and member records consistent, in zhibu's branch and xiangzhen's township, deterministically."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from dangjian.accounts.models import User
from dangjian.core import scoping
from dangjian.orglife import rules as orglife_rules
from dangjian.recruitment import rules
from dangjian.recruitment.models import CaseStep, DevelopmentCase, DevelopmentPlan
from tests.core.seeding import skip_parts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_sites(monkeypatch):
    """The site programme comes after member development and is tested by test_seed_sites."""
    skip_parts(monkeypatch, "sites")


TODAY = dt.date(2026, 11, 28)
SMALL = {"members": 600, "scale": 0.1, "today": TODAY}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", **{**SMALL, **options}, stdout=out)
    return out.getvalue()


def _fingerprint():
    return sorted(
        (c.person_name, c.stage, c.org.name, c.applied_on, c.admitted_on, c.converted_on, c.closed_on)
        for c in DevelopmentCase.objects.select_related("org")
    )


@pytest.fixture
def demo():
    return seed()


def _every_stage_and_outcome(demo):
    stages = set(DevelopmentCase.objects.values_list("stage", flat=True))
    assert stages == {
        rules.APPLICANT,
        rules.ACTIVIST,
        rules.CANDIDATE,
        rules.PROBATIONARY,
        rules.FULL,
        rules.WITHDRAWN,
        rules.CANCELLED,
    }
    outcomes = set(CaseStep.objects.filter(step=24).values_list("outcome", flat=True))
    assert outcomes == {rules.CONFIRM, rules.EXTEND, rules.CANCEL}
    assert DevelopmentCase.objects.filter(extended=True).exists()
    assert "未能生成" not in demo


def _converted_members_are_dated_from_probation_end():
    full = list(DevelopmentCase.objects.filter(stage=rules.FULL).select_related("member"))
    assert len(full) >= 3
    for case in full:
        assert case.converted_on == case.probation_ends_on
        assert case.member.category == "full"
    # One of them was decided late, and is still dated from the end of probation.
    decisions = CaseStep.objects.filter(step=24, outcome=rules.CONFIRM).select_related("case")
    assert any(step.date - step.case.probation_ends_on > dt.timedelta(days=60) for step in decisions)


def _votes_follow_decide_vote_and_meetings_are_assemblies():
    steps = list(CaseStep.objects.filter(step__in=[15, 23]).select_related("vote", "meeting", "case"))
    assert steps
    for step in steps:
        vote = step.vote
        assert vote is not None and step.meeting.kind == "assembly" and step.meeting.held_on == step.date
        decided = orglife_rules.decide_vote(
            should_attend=vote.should_attend,
            present=vote.present,
            yes=vote.yes,
            no=vote.no,
            abstain=vote.abstain,
            written_yes=vote.written_yes,
            written_no=vote.written_no,
            rule=vote.rule,
        )
        assert decided.passed == vote.passed is True


def _admitted_have_member_records():
    for case in DevelopmentCase.objects.filter(admitted_on__isnull=False).select_related("member"):
        assert case.member is not None and case.member.joined_on == case.admitted_on
        assert case.member.id_hash == case.id_hash


def _demo_accounts_see_cases_and_overdue_items():
    from dangjian.recruitment import selectors

    zhibu, xiangzhen = User.objects.get(username="zhibu"), User.objects.get(username="xiangzhen")
    assert DevelopmentCase.objects.filter(org=zhibu.org).count() >= 5
    town = scoping.scoped(DevelopmentCase.objects.all(), xiangzhen, "org_path").exclude(org=zhibu.org)
    assert town.count() >= 5
    due = selectors.due_within(user=xiangzhen, today=TODAY, days=30)
    assert any(item.overdue for item in due)
    codes = {item.code for item in due if item.overdue}
    assert len(codes) >= 2
    assert DevelopmentPlan.objects.filter(year=TODAY.year, org=xiangzhen.org).exists()


def test_demo_cases(demo):
    """One seed (they are slow), every property of the demo cases checked on it."""
    _every_stage_and_outcome(demo)
    _converted_members_are_dated_from_probation_end()
    _votes_follow_decide_vote_and_meetings_are_assemblies()
    _admitted_have_member_records()
    _demo_accounts_see_cases_and_overdue_items()


def test_deterministic():
    seed()
    first = _fingerprint()
    seed(flush=True)
    assert first and _fingerprint() == first
