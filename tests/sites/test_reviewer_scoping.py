"""Reviewers see only the applications assigned to them (404 for the rest); who may be assigned; what each
side sees of the reviewers' scores."""

import pytest

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import ReviewerAssignment

from .conftest import full_marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(walk, county, personas):
    """甲村 assigned to the reviewer; 丙村 not."""
    mine = walk("recommended")
    other = walk("recommended", org=county.village_b1)
    services.reviewer_assign(actor=personas.admin, application=mine, reviewer=personas.reviewer)
    return mine, other


def test_a_reviewer_lists_only_the_assigned_applications(client, api_for, two):
    mine, _other = two
    body = client.get("/api/v1/sites/applications", **api_for("reviewer")).json()
    assert body["count"] == 1 and body["items"][0]["id"] == mine.pk


@pytest.mark.parametrize("path", ["", "/scores", "/history", "/assignments", "/evidence"])
def test_an_unassigned_application_does_not_exist_for_the_reviewer(client, api_for, two, path):
    mine, other = two
    assert client.get(f"/api/v1/sites/applications/{mine.pk}{path}", **api_for("reviewer")).status_code == 200
    response = client.get(f"/api/v1/sites/applications/{other.pk}{path}", **api_for("reviewer"))
    assert response.status_code == 404


def test_scoring_an_unassigned_application_is_404_and_writes_nothing(client, api_for, two):
    _mine, other = two
    headers = api_for("reviewer")
    audits = AuditEntry.objects.count()
    response = client.post(
        f"/api/v1/sites/applications/{other.pk}/scores",
        {"kind": "review", "items": [{"code": "A02", "score": 2, "method": "on_site"}]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert AuditEntry.objects.count() == audits


def test_unassigning_takes_the_application_away(client, api_for, two):
    mine, _other = two
    assignment = ReviewerAssignment.objects.get(application=mine)
    response = client.delete(
        f"/api/v1/sites/applications/{mine.pk}/assignments/{assignment.pk}", **api_for("admin")
    )
    assert response.status_code == 204
    assert client.get(f"/api/v1/sites/applications/{mine.pk}", **api_for("reviewer")).status_code == 404


def test_a_reviewer_cannot_move_the_application(client, api_for, two):
    mine, _other = two
    for action in ("recommend", "evaluate", "designate"):
        response = client.post(
            f"/api/v1/sites/applications/{mine.pk}/{action}",
            {},
            content_type="application/json",
            **api_for("reviewer"),
        )
        assert response.status_code == 403, action


def test_who_may_be_assigned(client, api_for, two, county, personas):
    mine, _other = two
    url = f"/api/v1/sites/applications/{mine.pk}/assignments"
    officer_b = User.objects.create_user(
        username="officer_b", password="x" * 10, role="committee_officer", org=county.town_b
    )
    cases = [
        (personas.member.pk, 422),  # a member is no reviewer
        (personas.secretary.pk, 422),  # nor is the applicant's own secretary
        (officer_b.pk, 422),  # an officer of another township is not above this branch
        (personas.reviewer.pk, 422),  # already assigned
        (999999, 422),
        (personas.officer.pk, 201),  # the township committee's officer is
    ]
    for reviewer_id, status in cases:
        response = client.post(
            url, {"reviewer_id": reviewer_id}, content_type="application/json", **api_for("admin")
        )
        assert response.status_code == status, (reviewer_id, response.content)
    assert ReviewerAssignment.objects.filter(application=mine).count() == 2


def test_an_assigned_officer_scores_and_sees_every_reviewer_but_a_reviewer_sees_only_their_own(
    client, api_for, two, personas
):
    mine, _other = two
    services.reviewer_assign(actor=personas.admin, application=mine, reviewer=personas.officer)
    for who in (personas.reviewer, personas.officer):
        services.review_scores_record(
            actor=who, application=mine, items=full_marks(mine, method="document_review")
        )
    as_reviewer = client.get(f"/api/v1/sites/applications/{mine.pk}/scores", **api_for("reviewer")).json()
    assert [r["reviewer_id"] for r in as_reviewer["reviewers"]] == [personas.reviewer.pk]
    as_officer = client.get(f"/api/v1/sites/applications/{mine.pk}/scores", **api_for("officer")).json()
    assert {r["reviewer_id"] for r in as_officer["reviewers"]} == {personas.reviewer.pk, personas.officer.pk}
    as_applicant = client.get(f"/api/v1/sites/applications/{mine.pk}/scores", **api_for("secretary")).json()
    assert as_applicant["reviewers"] == []  # not before the result is fixed


def test_the_applicant_sees_the_reviewers_once_evaluated(client, api_for, walk):
    application = walk("evaluated")
    body = client.get(f"/api/v1/sites/applications/{application.pk}/scores", **api_for("secretary")).json()
    assert len(body["reviewers"]) == 1 and body["reviewers"][0]["complete"] is True
    assert body["parts"]["frozen"] is True
