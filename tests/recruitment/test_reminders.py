"""Development reminders for the daily job: levels, recipients, escalation, keys, delivered once."""

import datetime as dt

import pytest

from dangjian.notifications.models import Notification
from dangjian.notifications.services import deliver
from dangjian.recruitment import reminders

pytestmark = pytest.mark.django_db
D = dt.date


def collected(today):
    return list(reminders.collect(today))


def test_a_talk_due_within_seven_days_is_reminded_to_the_branch(flow, personas):
    case = flow.new_case(person_name="王芳", applied_on=D(2024, 1, 8))  # talk due 8 February
    assert collected(D(2024, 1, 31)) == []
    found = collected(D(2024, 2, 1))
    assert [r.recipient for r in found] == [personas.secretary]
    reminder = found[0]
    assert reminder.level == "reminder" and reminder.category == "development"
    assert reminder.dedup_key == f"development:{case.pk}:talk:2024-02-08:reminder"
    assert "王芳" in reminder.title and "细则 第7条" in reminder.body and str(case.pk) in reminder.url


def test_overdue_is_a_warning_to_the_branch_and_the_committee_above(flow, personas):
    flow.new_case(applied_on=D(2024, 1, 8))
    found = collected(D(2024, 2, 9))
    assert {r.recipient for r in found} == {personas.secretary, personas.officer}
    assert {r.level for r in found} == {"warning"} and "已逾期 1 天" in found[0].body


def test_an_approval_due_is_also_the_committees_to_know(flow, personas):
    flow.to(flow.new_case(), 16)
    found = collected(D(2025, 8, 15))  # approval due 20 August
    assert {r.recipient for r in found} == {personas.secretary, personas.officer}
    assert {r.level for r in found} == {"reminder"}


def test_a_lapsed_approval_says_a_new_vote_is_needed(flow):
    flow.to(flow.new_case(), 16)
    (first, *_rest) = collected(D(2025, 11, 21))
    assert "重新提交支部大会讨论" in first.body


def test_the_same_reminder_is_delivered_once(flow, personas):
    flow.new_case(applied_on=D(2024, 1, 8))
    deliver(collected(D(2024, 2, 1)), send=False)
    deliver(collected(D(2024, 2, 2)), send=False)
    assert Notification.objects.filter(recipient=personas.secretary).count() == 1
    deliver(collected(D(2024, 2, 9)), send=False)  # now overdue: a warning is new
    assert Notification.objects.filter(recipient=personas.secretary).count() == 2


def test_the_next_half_yearly_review_reminds_again(flow):
    case = flow.to(flow.new_case(), 6)
    keys = {r.dedup_key for r in collected(D(2025, 2, 25))}
    assert keys == {f"development:{case.pk}:activist_review:2025-03-01:reminder"}


def test_the_source_is_registered_for_the_daily_job(settings):
    assert "dangjian.recruitment.reminders.collect" in settings.DANGJIAN_REMINDER_SOURCES
