"""群众测评: one-time codes made by the committee above, answered anonymously without an account; each code
works once; the satisfaction rate feeds the evaluation."""

import pytest

from dangjian.core import crypto
from dangjian.core.models import AuditEntry
from dangjian.sites import services, survey
from dangjian.sites.models import SurveyCode, SurveyResponse

from .conftest import full_marks

pytestmark = pytest.mark.django_db

GOOD = {"overall": "satisfied", "service": "good", "openness": "good", "conduct": "good"}


def codes_for(client, api_for, application, count=3, who="officer"):
    return client.post(
        f"/api/v1/sites/applications/{application.pk}/survey-codes",
        {"count": count},
        content_type="application/json",
        **api_for(who),
    )


def answer(client, code, body=GOOD):
    return client.post(f"/api/v1/sites/surveys/{code}", body, content_type="application/json")


def test_codes_are_shown_once_and_only_their_keyed_hash_is_kept(client, api_for, walk):
    application = walk("submitted")
    response = codes_for(client, api_for, application, count=5)
    assert response.status_code == 201
    codes = response.json()["codes"]
    assert len(set(codes)) == 5 and all(len(c) == 9 and c[4] == "-" for c in codes)
    stored = set(SurveyCode.objects.filter(application=application).values_list("digest", flat=True))
    assert stored == {crypto.lookup_hash(survey.normalised(c)) for c in codes}
    assert not any(c.replace("-", "") in d for c in codes for d in stored)


def test_a_code_works_once(client, api_for, walk):
    application = walk("submitted")
    code = codes_for(client, api_for, application, count=1).json()["codes"][0]
    assert client.get(f"/api/v1/sites/surveys/{code}").status_code == 200
    assert answer(client, code).status_code == 201
    again = answer(client, code)
    assert again.status_code == 409 and "只能使用一次" in again.json()["detail"]
    assert client.get(f"/api/v1/sites/surveys/{code}").status_code == 409
    assert SurveyResponse.objects.filter(application=application).count() == 1


def test_codes_may_be_typed_in_lower_case_without_the_dash(client, api_for, walk):
    application = walk("submitted")
    code = codes_for(client, api_for, application, count=1).json()["codes"][0]
    assert answer(client, code.replace("-", "").lower()).status_code == 201


@pytest.mark.parametrize("code", ["AAAA-AAAA", "short", "0000-0000", "ABCD-EFG!"])
def test_an_unknown_or_malformed_code_is_404(client, walk, code):
    walk("submitted")
    assert client.get(f"/api/v1/sites/surveys/{code}").status_code == 404
    assert answer(client, code).status_code == 404


def test_the_answer_sheet_is_anonymous(client, api_for, walk):
    application = walk("submitted")
    code = codes_for(client, api_for, application, count=1).json()["codes"][0]
    audits = AuditEntry.objects.count()
    response = client.post(
        f"/api/v1/sites/surveys/{code}",
        {**GOOD, "comment": "希望多办实事"},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201
    assert AuditEntry.objects.count() == audits  # an entry would keep the sender's address
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert fields == {"id", "application", "answers", "satisfied", "answered_on"}
    sheet = SurveyResponse.objects.get(application=application)
    assert sheet.answers == {**GOOD, "comment": "希望多办实事"} and sheet.satisfied is True
    assert "203.0.113.9" not in str(sheet.answers)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "overall": None}, "overall"),
        ({**GOOD, "overall": "delighted"}, "overall"),
        ({**GOOD, "service": ""}, "service"),
        ({**GOOD, "comment": "很" * 301}, "comment"),
    ],
)
def test_a_bad_answer_is_422_and_leaves_the_code_unused(client, api_for, walk, body, field):
    application = walk("submitted")
    code = codes_for(client, api_for, application, count=1).json()["codes"][0]
    response = answer(client, code, body)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert SurveyCode.objects.get(application=application).used is False
    assert answer(client, code).status_code == 201


def test_the_survey_closes_once_the_result_is_fixed(client, api_for, walk, personas):
    application = walk("recommended")
    codes = codes_for(client, api_for, application, count=3).json()["codes"]
    for code in codes[:2]:
        assert answer(client, code).status_code == 201
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    services.review_scores_record(
        actor=personas.reviewer, application=application, items=full_marks(application, method="interview")
    )
    services.application_evaluate(actor=personas.admin, application=application)
    late = answer(client, codes[2])
    assert late.status_code == 409 and "已经结束" in late.json()["detail"]
    assert codes_for(client, api_for, application).status_code == 409
    assert SurveyResponse.objects.filter(application=application).count() == 2


def test_only_the_committee_above_makes_codes_and_only_while_under_evaluation(client, api_for, walk):
    application = walk("submitted")
    assert codes_for(client, api_for, application, who="secretary").status_code == 403
    assert codes_for(client, api_for, application, who="admin").status_code == 201
    assert codes_for(client, api_for, application, count=0).status_code == 422
    assert codes_for(client, api_for, application, count=501).status_code == 422
    draft = walk("draft", org=application.org.parent.children.exclude(pk=application.org_id).first())
    assert codes_for(client, api_for, draft).status_code == 409
    assert SurveyCode.objects.filter(application=draft).count() == 0


def test_the_satisfaction_rate_against_ninety_percent(client, api_for, walk):
    application = walk("submitted")
    codes = codes_for(client, api_for, application, count=10).json()["codes"]
    for index, code in enumerate(codes):
        overall = "dissatisfied" if index == 0 else ("basically_satisfied" if index == 1 else "satisfied")
        assert answer(client, code, {**GOOD, "overall": overall}).status_code == 201
    sheet = client.get(f"/api/v1/sites/applications/{application.pk}/scores", **api_for("officer")).json()
    assert sheet["survey"] == {"answered": 10, "satisfied": 9, "rate": 90.0, "threshold": 90, "met": True}
    masses = next(c for c in sheet["criteria"] if c["auto"] and "满意度" in c["auto"]["explanation"])
    assert masses["auto"]["met"] is True and masses["auto"]["value"] == 90.0
    assert sheet["parts"]["mass"] == 90.0


def test_the_questionnaire_is_served_in_chinese(client, api_for, walk):
    application = walk("submitted")
    code = codes_for(client, api_for, application, count=1).json()["codes"][0]
    form = client.get(f"/api/v1/sites/surveys/{code}").json()
    assert [q["key"] for q in form["questions"]] == ["overall", "service", "openness", "conduct"]
    assert form["questions"][0]["choices"][0] == {"value": "satisfied", "label": "满意"}
    assert form["application"] == {
        "org_name": "甲村党支部",
        "tier": "county",
        "year": 2026,
        "campaign_title": "2026 年度党建示范点创建工作",
    }


def test_guessing_codes_through_the_api_is_stopped_like_on_the_page(client, api_for, walk, settings):
    settings.DANGJIAN_DISCLOSURE = {**settings.DANGJIAN_DISCLOSURE, "SURVEY_TRIES_PER_HOUR": 3}
    application = walk("submitted")
    code = codes_for(client, api_for, application, count=1).json()["codes"][0]
    assert [client.get(f"/api/v1/sites/surveys/AAAA-AAA{n}").status_code for n in range(3)] == [404] * 3
    # The fourth try is refused whatever the code, a good one too, and nothing is answered.
    refused = answer(client, code)
    assert refused.status_code == 429 and "一小时后再试" in refused.json()["detail"]
    assert client.get(f"/api/v1/sites/surveys/{code}").status_code == 429
    assert not SurveyResponse.objects.filter(application=application).exists()
    # Another visitor is not held back by them.
    assert client.get(f"/api/v1/sites/surveys/{code}", REMOTE_ADDR="10.0.0.9").status_code == 200
