"""Who may read and write what in /api/v1/sites, role by role: 200/201 where allowed, 404 outside the
caller's scope (and for reviewers, outside their assignments), 403 for a role that may not, 401 signed out.
A successful write adds exactly one audit entry; a refused one adds none and changes nothing."""

import pytest

from dangjian.core.models import AuditEntry
from dangjian.sites import models, services

from .conftest import full_marks

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]

READS = {
    # endpoint → expected status per role (admin, officer, secretary, secretary_b, member, reviewer, anonymous)
    "catalogues": ("/api/v1/sites/catalogues", [200, 200, 200, 200, 403, 200, 401]),
    "catalogue": ("/api/v1/sites/catalogues/{catalogue}", [200, 200, 200, 200, 403, 200, 401]),
    "metrics": ("/api/v1/sites/metrics", [200, 200, 200, 200, 403, 200, 401]),
    "campaigns": ("/api/v1/sites/campaigns", [200, 200, 200, 200, 403, 200, 401]),
    "campaign": ("/api/v1/sites/campaigns/{campaign}", [200, 200, 200, 200, 403, 200, 401]),
    "ranking": ("/api/v1/sites/campaigns/{campaign}/ranking", [200, 200, 200, 200, 403, 200, 401]),
    "notices": ("/api/v1/sites/campaigns/{campaign}/notices", [200, 200, 200, 200, 403, 200, 401]),
    "overdue": ("/api/v1/sites/campaigns/{campaign}/overdue", [200, 200, 200, 200, 403, 200, 401]),
    "bottom_rank": ("/api/v1/sites/campaigns/{campaign}/bottom-rank", [200, 403, 403, 403, 403, 403, 401]),
    "applications": ("/api/v1/sites/applications", [200, 200, 200, 200, 403, 200, 401]),
    "application_a1": ("/api/v1/sites/applications/{a1}", [200, 200, 200, 404, 403, 200, 401]),
    "scores_a1": ("/api/v1/sites/applications/{a1}/scores", [200, 200, 200, 404, 403, 200, 401]),
    "history_a1": ("/api/v1/sites/applications/{a1}/history", [200, 200, 200, 404, 403, 200, 401]),
    "assignments_a1": ("/api/v1/sites/applications/{a1}/assignments", [200, 200, 200, 404, 403, 200, 401]),
    "evidence_a1": ("/api/v1/sites/applications/{a1}/evidence", [200, 200, 200, 404, 403, 200, 401]),
    "application_b1": ("/api/v1/sites/applications/{b1}", [200, 404, 404, 200, 403, 404, 401]),
    "scores_b1": ("/api/v1/sites/applications/{b1}/scores", [200, 404, 404, 200, 403, 404, 401]),
    "sites": ("/api/v1/sites/sites", [200, 200, 200, 200, 403, 403, 401]),
    "rereviews": ("/api/v1/sites/re-reviews", [200, 200, 200, 200, 403, 403, 401]),
    "rectifications": ("/api/v1/sites/rectifications", [200, 200, 200, 200, 403, 403, 401]),
    "award_bars": ("/api/v1/sites/award-bars", [200, 200, 200, 200, 403, 403, 401]),
    "objections": ("/api/v1/sites/objections", [200, 200, 200, 200, 403, 403, 401]),
    "public_board": ("/api/v1/sites/public", [200, 200, 200, 200, 200, 200, 200]),
    "unknown_survey_code": ("/api/v1/sites/surveys/AAAA-BBBB", [404, 404, 404, 404, 404, 404, 404]),
}


@pytest.fixture
def world(walk, county, personas, catalogues):
    a1 = walk("recommended")
    services.reviewer_assign(actor=personas.admin, application=a1, reviewer=personas.reviewer)
    b1 = walk("submitted", org=county.village_b1)
    return {"a1": a1.pk, "b1": b1.pk, "campaign": a1.campaign_id, "catalogue": catalogues["rural"].pk}


@pytest.mark.parametrize("endpoint", list(READS))
def test_read_access_matrix(client, api_for, world, endpoint):
    url, expected = READS[endpoint]
    got = [client.get(url.format(**world), **api_for(role)).status_code for role in ROLES]
    assert got == expected, dict(zip(ROLES, got, strict=True))


def test_lists_hold_only_what_the_caller_may_see(client, api_for, world):
    def ids(role):
        return {a["id"] for a in client.get("/api/v1/sites/applications", **api_for(role)).json()["items"]}

    assert ids("admin") == {world["a1"], world["b1"]}
    assert ids("officer") == ids("secretary") == ids("reviewer") == {world["a1"]}
    assert ids("secretary_b") == {world["b1"]}


def test_drafts_of_catalogues_are_for_the_county_admin_only(client, api_for, personas):
    draft = services.catalogue_create(actor=personas.admin, year=2027, domain="rural", title="草稿")
    assert client.get(f"/api/v1/sites/catalogues/{draft.pk}", **api_for("admin")).status_code == 200
    assert client.get(f"/api/v1/sites/catalogues/{draft.pk}", **api_for("officer")).status_code == 404


# --- writes ------------------------------------------------------------------------------------------------------


def _draft(walk, personas):
    return walk("draft")


def _complete_draft(walk, personas):
    application = walk("draft")
    services.self_scores_record(
        actor=personas.secretary, application=application, items=full_marks(application)
    )
    return application


def _assigned(walk, personas):
    application = walk("recommended")
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    return application


WRITES = {
    # name → (state builder or None, method, url, body, expected per role)
    "open_campaign": (
        None,
        "post",
        "/api/v1/sites/campaigns",
        {"year": 2027},
        [201, 403, 403, 403, 403, 403, 401],
    ),
    "draft_catalogue": (
        None,
        "post",
        "/api/v1/sites/catalogues",
        {"year": 2027, "domain": "rural", "title": "2027 农村"},
        [201, 403, 403, 403, 403, 403, 401],
    ),
    "apply": (
        None,
        "post",
        "/api/v1/sites/applications",
        {"campaign_id": "{campaign}", "org_id": "{village_a1}", "tier": "township", "goals": "目标"},
        [201, 201, 201, 404, 403, 403, 401],
    ),
    "edit_plan": (
        _draft,
        "patch",
        "/api/v1/sites/applications/{id}",
        {"goals": "新目标"},
        [200, 200, 200, 404, 403, 404, 401],
    ),
    "self_score": (
        _draft,
        "post",
        "/api/v1/sites/applications/{id}/scores",
        {"kind": "self", "items": [{"code": "A02", "score": 1}]},
        [200, 200, 200, 404, 403, 404, 401],
    ),
    "submit": (
        _complete_draft,
        "post",
        "/api/v1/sites/applications/{id}/submit",
        {},
        [200, 200, 200, 404, 403, 404, 401],
    ),
    "recommend": (
        lambda walk, personas: walk("submitted"),
        "post",
        "/api/v1/sites/applications/{id}/recommend",
        {},
        [200, 200, 403, 404, 403, 404, 401],
    ),
    "survey_codes": (
        lambda walk, personas: walk("submitted"),
        "post",
        "/api/v1/sites/applications/{id}/survey-codes",
        {"count": 2},
        [201, 201, 403, 404, 403, 404, 401],
    ),
    "assign": (
        lambda walk, personas: walk("submitted"),
        "post",
        "/api/v1/sites/applications/{id}/assignments",
        {"reviewer_id": "{reviewer}"},
        [201, 403, 403, 404, 403, 404, 401],
    ),
    "review_score": (
        _assigned,
        "post",
        "/api/v1/sites/applications/{id}/scores",
        {"kind": "review", "items": [{"code": "A02", "score": 2, "method": "document_review"}]},
        [403, 403, 403, 404, 403, 200, 401],
    ),
    "object": (
        lambda walk, personas: walk("publicized"),
        "post",
        "/api/v1/sites/objections",
        {"application_id": "{id}", "text": "公示对象情况不实，请核查"},
        [201, 201, 201, 201, 201, 201, 201],
    ),
}

TABLES = [
    models.Campaign,
    models.Quota,
    models.Catalogue,
    models.Criterion,
    models.Application,
    models.SelfScore,
    models.SurveyCode,
    models.ReviewerAssignment,
    models.ReviewScore,
    models.Objection,
    models.SiteEvent,
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _snapshot():
    rows = {model.__name__: model.objects.count() for model in TABLES}
    rows["states"] = list(
        models.Application.objects.order_by("pk").values_list("pk", "state", "updated_at", "goals")
    )
    return rows


@pytest.mark.parametrize("name", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, walk, campaign, personas, county, name, role_index):
    build, method, url, body, expected = WRITES[name]
    application = build(walk, personas) if build else None
    ids = {
        "id": application.pk if application else None,
        "campaign": campaign.pk,
        "village_a1": county.village_a1.pk,
        "reviewer": personas.reviewer.pk,
    }
    headers = api_for(ROLES[role_index])
    before, audits = _snapshot(), AuditEntry.objects.count()
    response = getattr(client, method)(
        url.format(**ids), _fill(body, ids), content_type="application/json", **headers
    )
    assert response.status_code == expected[role_index], response.content
    if response.status_code < 300:
        assert AuditEntry.objects.count() == audits + 1
    else:
        assert AuditEntry.objects.count() == audits
        assert _snapshot() == before
        assert response.json()["detail"]
