"""Reminders of the programme for the daily job: plan filing and submission dates of draft applications,
rectification deadlines; a reminder before, a warning (also to the committee above) after."""

import datetime as dt

import pytest
from django.conf import settings

from dangjian.sites import reminders, rules, services

pytestmark = pytest.mark.django_db


def keyed(items):
    return {(r.recipient.username, r.dedup_key.rsplit(":", 1)[-1], r.dedup_key.split(":")[1]) for r in items}


@pytest.mark.parametrize(
    ("due", "today", "level"),
    [
        (dt.date(2026, 3, 31), dt.date(2026, 3, 24), None),
        (dt.date(2026, 3, 31), dt.date(2026, 3, 25), "reminder"),
        (dt.date(2026, 3, 31), dt.date(2026, 3, 31), "reminder"),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 1), "warning"),
    ],
)
def test_deadline_level(due, today, level):
    assert rules.deadline_level(due, today, 7) == level


def test_the_source_is_registered():
    assert "dangjian.sites.reminders.collect" in settings.DANGJIAN_REMINDER_SOURCES


def test_an_incomplete_plan_is_reminded_then_warned_up_to_the_committee(campaign, personas, county):
    services.application_create(
        actor=personas.secretary, campaign=campaign, org=county.village_a1, goals="目标"
    )
    before = keyed(reminders.collect(dt.date(2026, 3, 25)))
    assert before == {("zhibu", "reminder", "plan")}
    after = keyed(reminders.collect(dt.date(2026, 4, 1)))
    assert after == {("zhibu", "warning", "plan"), ("xiangzhen", "warning", "plan")}


def test_a_draft_is_reminded_before_the_submission_date(walk):
    walk("draft")  # complete plan: only the submission is due
    assert keyed(reminders.collect(dt.date(2026, 6, 1))) == set()
    assert keyed(reminders.collect(dt.date(2026, 6, 4))) == {("zhibu", "reminder", "submit")}
    assert ("xiangzhen", "warning", "submit") in keyed(reminders.collect(dt.date(2026, 6, 11)))


def test_submitted_applications_and_closed_campaigns_are_quiet(walk, campaign, personas):
    walk("submitted")
    assert list(reminders.collect(dt.date(2026, 6, 11))) == []
    draft = services.application_create(
        actor=personas.admin, campaign=campaign, org=campaign.org.children.get(name="丙镇党委"), goals="目标"
    )
    services.campaign_close(actor=personas.admin, campaign=campaign)
    assert list(reminders.collect(dt.date(2026, 6, 11))) == []
    assert draft.state == "draft"


def test_rectification_deadlines(walk, county, campaign, personas):
    walk("evaluated", less=1)
    walk("evaluated", org=county.village_a2)
    (rectification,) = services.bottom_rank_apply(
        actor=personas.admin, campaign=campaign, deadline=dt.date(2026, 8, 31)
    )
    soon = [r for r in reminders.collect(dt.date(2026, 8, 28)) if ":rectification:" in r.dedup_key]
    assert {r.recipient.username for r in soon} == {"zhibu"} and soon[0].level == "reminder"
    assert soon[0].dedup_key == f"site:rectification:{rectification.pk}:2026-08-31:reminder"
    late = [r for r in reminders.collect(dt.date(2026, 9, 1)) if ":rectification:" in r.dedup_key]
    assert {r.recipient.username for r in late} == {"zhibu", "xiangzhen"} and "已逾期" in late[0].title
