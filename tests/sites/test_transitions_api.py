"""Every action that the state machine does not allow from the current state answers 409 with the reason
and the rule, through the API — and changes nothing: same state, no new audit entry, no site."""

import pytest

from dangjian.core.models import AuditEntry
from dangjian.sites import rules
from dangjian.sites.models import Application, Site

pytestmark = pytest.mark.django_db

BODIES = {
    "return": {"reason": "材料不全"},
    "reject": {"reason": "不符合条件"},
    "revoke": {"reason": "复审未通过"},
}
STATES = ["draft", "submitted", "recommended", "evaluated", "publicized", "designated", "rejected", "revoked"]


def bring(walk, state):
    if state == "rejected":
        application = walk("submitted")
        Application.objects.filter(pk=application.pk).update(state="rejected")
    elif state == "revoked":
        application = walk("designated")
        Application.objects.filter(pk=application.pk).update(state="revoked")
    else:
        application = walk(state)
    return Application.objects.get(pk=application.pk)


@pytest.mark.parametrize("state", STATES)
def test_disallowed_actions_answer_409_and_change_nothing(client, api_for, walk, state):
    application = bring(walk, state)
    headers = api_for("admin")  # the county admin passes every permission check: only the state refuses
    refused = [action for action in rules.TRANSITIONS if action not in rules.allowed_actions(state)]
    assert refused, state
    for action in refused:
        audits, sites = AuditEntry.objects.count(), Site.objects.count()
        response = client.post(
            f"/api/v1/sites/applications/{application.pk}/{action}",
            BODIES.get(action, {}),
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 409, (state, action, response.content)
        body = response.json()
        assert "依据" in body["detail"] and body["errors"] == []
        after = Application.objects.get(pk=application.pk)
        assert after.state == state and after.updated_at == application.updated_at
        assert AuditEntry.objects.count() == audits and Site.objects.count() == sites


@pytest.mark.parametrize("state", ["draft", "submitted", "recommended", "evaluated", "publicized"])
def test_only_a_designated_county_site_is_recommended_to_the_city(client, api_for, walk, state):
    application = bring(walk, state)
    response = client.post(
        f"/api/v1/sites/applications/{application.pk}/recommend-city",
        {},
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 409 and "县级示范点" in response.json()["detail"]
    assert Application.objects.count() == 1


def test_allowed_actions_are_listed_on_the_application(client, api_for, walk):
    application = walk("submitted")
    body = client.get(f"/api/v1/sites/applications/{application.pk}", **api_for("officer")).json()
    assert body["allowed_actions"] == ["recommend", "return", "reject"]


def test_a_returned_application_is_a_draft_again_with_the_reason_and_can_be_resubmitted(
    client, api_for, walk, personas
):
    application = walk("submitted")
    response = client.post(
        f"/api/v1/sites/applications/{application.pk}/return",
        {"reason": "创建措施不具体"},
        content_type="application/json",
        **api_for("officer"),
    )
    assert response.status_code == 200
    body = response.json()
    assert (
        body["state"] == "draft"
        and body["return_reason"] == "创建措施不具体"
        and body["submitted_on"] is None
    )
    response = client.post(
        f"/api/v1/sites/applications/{application.pk}/submit",
        {},
        content_type="application/json",
        **api_for("secretary"),
    )
    assert response.status_code == 200 and response.json()["return_reason"] == ""


def test_a_reason_is_required_to_return_reject_or_revoke(client, api_for, walk):
    application = walk("submitted")
    for action in ("return", "reject"):
        response = client.post(
            f"/api/v1/sites/applications/{application.pk}/{action}",
            {"reason": "  "},
            content_type="application/json",
            **api_for("officer"),
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    assert Application.objects.get(pk=application.pk).state == "submitted"


def test_the_plan_cannot_be_edited_once_submitted(client, api_for, walk):
    application = walk("submitted")
    response = client.patch(
        f"/api/v1/sites/applications/{application.pk}",
        {"goals": "改"},
        content_type="application/json",
        **api_for("secretary"),
    )
    assert response.status_code == 409
    assert Application.objects.get(pk=application.pk).goals != "改"
