"""在线咨询: a member asks their branch, the branch (or an organization above it) answers once."""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import Consultation, Member
from dangjian.members.selectors import selfservice as selectors
from dangjian.members.services import selfservice as services

pytestmark = pytest.mark.django_db


def ask(personas, subject="党费", question="退休后党费怎么交？"):
    return services.consultation_ask(actor=personas.member, subject=subject, question=question)


def test_a_question_goes_to_the_members_branch_and_is_audited(county, personas):
    question = ask(personas)
    assert (question.org, question.org_path) == (county.village_a1, county.village_a1.path)
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.object_type, entry.org) == (
        "create",
        "members.consultation",
        county.village_a1,
    )
    assert "退休后" not in str(entry.after)  # the question itself stays out of the log


@pytest.mark.parametrize(
    ("subject", "question", "field"),
    [
        ("", "x", "subject"),
        ("主题", "  ", "question"),
        ("长" * 101, "x", "subject"),
        ("主题", "字" * 2001, "question"),
    ],
)
def test_empty_or_too_long_input_is_refused(county, personas, subject, question, field):
    with pytest.raises(ValidationFailed) as caught:
        ask(personas, subject, question)
    assert caught.value.errors[0]["field"] == field
    assert not Consultation.objects.exists()


def test_at_most_five_unanswered_questions_at_once(county, personas):
    questions = [ask(personas, f"问题{i}") for i in range(services.OPEN_QUESTIONS_MAX)]
    with pytest.raises(TransitionNotAllowed, match="尚未答复"):
        ask(personas, "第六个")
    services.consultation_answer(actor=personas.secretary, consultation=questions[0], answer="已答复")
    assert ask(personas, "第六个").pk


@pytest.mark.parametrize("who", ["secretary", "officer", "admin"])
def test_the_branch_or_a_higher_organization_answers(county, personas, who):
    question = ask(personas)
    services.consultation_answer(actor=getattr(personas, who), consultation=question, answer="每月交纳。")
    question.refresh_from_db()
    assert question.answer == "每月交纳。" and question.answered_by == getattr(personas, who)
    assert question.answered_at is not None


@pytest.mark.parametrize("who", ["secretary_b", "reviewer", "member"])
def test_others_may_not_answer(county, personas, who):
    question = ask(personas)
    with pytest.raises(PermissionDenied):
        services.consultation_answer(actor=getattr(personas, who), consultation=question, answer="x")
    assert Consultation.objects.get(pk=question.pk).answered_at is None


def test_an_answer_is_final(county, personas):
    question = ask(personas)
    services.consultation_answer(actor=personas.secretary, consultation=question, answer="第一次")
    with pytest.raises(TransitionNotAllowed, match="不能重复答复"):
        services.consultation_answer(actor=personas.officer, consultation=question, answer="第二次")
    assert Consultation.objects.get(pk=question.pk).answer == "第一次"


def test_an_empty_answer_is_refused(county, personas):
    question = ask(personas)
    with pytest.raises(ValidationFailed):
        services.consultation_answer(actor=personas.secretary, consultation=question, answer=" ")


def test_a_closed_record_asks_no_more(county, personas):
    Member.objects.filter(pk=county.own_member.pk).update(status="transferred_out")
    with pytest.raises(TransitionNotAllowed, match="档案已封存"):
        ask(personas)


def test_a_question_stays_with_the_branch_it_was_sent_to(county, personas):
    question = ask(personas)
    Member.objects.filter(pk=county.own_member.pk).update(
        org=county.village_b1, org_path=county.village_b1.path
    )
    services.consultation_answer(actor=personas.secretary, consultation=question, answer="仍由原支部答复")
    assert selectors.consultations_within(user=personas.secretary_b, state="all").count() == 0


def test_the_counter_counts_what_waits_in_scope(county, personas):
    ask(personas)
    services.correction_request_submit(
        actor=personas.member, field="job_title", requested_value="会计", reason="x"
    )
    assert selectors.service_counts(user=personas.officer) == {"corrections": 1, "consultations": 1}
    assert selectors.service_counts(user=personas.secretary_b) == {"corrections": 0, "consultations": 0}
