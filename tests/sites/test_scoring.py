"""The score sheet: self-evaluation and automatic points, reviewers (methods averaged, reviewers averaged),
the mass survey, the campaign's weights — and the result frozen once evaluated."""

from decimal import Decimal

import pytest

from dangjian.accounts.models import User
from dangjian.sites import scoring, services
from dangjian.sites.models import Method

from .conftest import answer_survey, full_marks

pytestmark = pytest.mark.django_db

# The rural catalogue: 61 points scored by hand, 39 by automatic metrics, of which on a fresh county only the
# declared 150 m² (A01, 4 points) and, with a satisfied survey, 群众反映好 (E04, 5 points) are met.


def half_marks(application, method):
    return [
        {"code": c.code, "score": float(c.max_score) / 2, "method": method}
        for c in application.catalogue.criteria.filter(method=Method.MANUAL)
    ]


@pytest.fixture
def scored(walk, personas, county):
    application = walk("recommended")
    officer_reviewer = personas.officer
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=officer_reviewer)
    services.review_scores_record(
        actor=personas.reviewer, application=application, items=full_marks(application, method="on_site")
    )
    # the officer scores everything at half by documents, and A02 also at full on site (mean of the two)
    services.review_scores_record(
        actor=officer_reviewer, application=application, items=half_marks(application, "document_review")
    )
    services.review_scores_record(
        actor=officer_reviewer,
        application=application,
        items=[{"code": "A02", "score": 2, "method": "on_site"}],
    )
    answer_survey(application, personas, satisfied=4)
    return application


def test_parts_and_total_before_evaluation(scored):
    sheet = scoring.score_sheet(scored)
    assert sum(c.max_score for c in sheet.criteria) == 100
    assert sheet.auto["A01"].met and sheet.auto["E04"].met
    assert sheet.self_part == 70  # 61 by hand + 4 + 5
    # reviewer: 61 + 9 = 70 %; officer: 30.5 + 0.5 (A02: mean of 1 and 2 is 1.5) + 9 = 40 %; mean 55
    assert sheet.org_part == 55
    assert sheet.mass_part == 100
    assert sheet.total == Decimal("76.00")  # 0.2 × 70 + 0.4 × 100 + 0.4 × 55
    assert all(r.complete for r in sheet.reviewers)


def test_the_campaign_weights_decide_and_the_evaluated_total_stays(scored, personas, campaign):
    services.campaign_update(
        actor=personas.admin, campaign=campaign, weight_self=50, weight_mass=25, weight_org=25
    )
    scored.refresh_from_db()
    assert scoring.score_sheet(scored).total == Decimal("73.75")  # 0.5 × 70 + 0.25 × 100 + 0.25 × 55
    evaluated = services.application_evaluate(actor=personas.admin, application=scored)
    assert evaluated.total_score == Decimal("73.75")
    assert evaluated.metric_results["A01"]["met"] is True
    services.campaign_update(
        actor=personas.admin, campaign=campaign, weight_self=20, weight_mass=40, weight_org=40
    )
    evaluated.refresh_from_db()
    sheet = scoring.score_sheet(evaluated)
    assert sheet.frozen and sheet.total == evaluated.total_score == Decimal("73.75")


def test_weights_that_do_not_sum_to_100_are_refused(client, api_for, campaign):
    response = client.patch(
        f"/api/v1/sites/campaigns/{campaign.pk}",
        {"weight_self": 30, "weight_mass": 40, "weight_org": 40},
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 422 and "100" in response.json()["detail"]
    campaign.refresh_from_db()
    assert (campaign.weight_self, campaign.weight_mass, campaign.weight_org) == (20, 40, 40)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"code": "A01", "score": 4}, "items.0.code"),  # automatic: computed, not scored
        ({"code": "A02", "score": 2.5}, "items.0.score"),  # above its 2 points
        ({"code": "A02", "score": 1.25}, "items.0.score"),  # one decimal at most
        ({"code": "Z99", "score": 1}, "items.0.code"),
        ({"code": "A02", "score": -1}, "items.0.score"),
    ],
)
def test_bad_self_scores_are_422_and_nothing_is_kept(client, api_for, walk, item, field):
    application = walk("draft")
    response = client.post(
        f"/api/v1/sites/applications/{application.pk}/scores",
        {"kind": "self", "items": [item]},
        content_type="application/json",
        **api_for("secretary"),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert application.self_scores.count() == 0


def test_reviewers_score_only_after_recommendation_and_name_their_method(client, api_for, walk, personas):
    application = walk("submitted")
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    url = f"/api/v1/sites/applications/{application.pk}/scores"
    early = client.post(
        url,
        {"kind": "review", "items": [{"code": "A02", "score": 2, "method": "on_site"}]},
        content_type="application/json",
        **api_for("reviewer"),
    )
    assert early.status_code == 409
    services.application_recommend(actor=personas.officer, application=application)
    no_method = client.post(
        url,
        {"kind": "review", "items": [{"code": "A02", "score": 2}]},
        content_type="application/json",
        **api_for("reviewer"),
    )
    assert no_method.status_code == 422 and no_method.json()["errors"][0]["field"] == "items.0.method"


def test_evaluation_needs_a_reviewer_and_enough_answers(walk, personas):
    from dangjian.core.errors import TransitionNotAllowed

    application = walk("recommended")
    with pytest.raises(TransitionNotAllowed, match="尚未安排评审人员"):
        services.application_evaluate(actor=personas.admin, application=application)
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    services.review_scores_record(
        actor=personas.reviewer, application=application, items=full_marks(application, method="interview")
    )
    answer_survey(application, personas, satisfied=1)
    with pytest.raises(TransitionNotAllowed, match="有效答卷 1 份，至少需要 2 份"):
        services.application_evaluate(actor=personas.admin, application=application)
    answer_survey(application, personas, satisfied=0, dissatisfied=1)
    evaluated = services.application_evaluate(actor=personas.admin, application=application)
    assert evaluated.mass_score == 50 and evaluated.survey_answered == 2


def test_a_reviewer_with_a_missing_criterion_holds_the_evaluation(walk, personas):
    from dangjian.core.errors import TransitionNotAllowed

    application = walk("recommended")
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    items = full_marks(application, method="on_site")[:-1]
    services.review_scores_record(actor=personas.reviewer, application=application, items=items)
    answer_survey(application, personas, satisfied=2)
    with pytest.raises(TransitionNotAllowed, match=personas.reviewer.get_full_name()):
        services.application_evaluate(actor=personas.admin, application=application)
    assert User.objects.filter(pk=personas.reviewer.pk).exists()
