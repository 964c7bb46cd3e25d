"""Every staff page of the demonstration-site programme, tried by every persona.

The world: the 2026 county campaign; 甲村 (town A) recommended and assigned to the reviewer 评审; 乙村
(town A) designated with a plaque; 丙村 (town B) evaluated by another reviewer. Expected answers: 200 shown,
302 sent elsewhere (a secretary's and a reviewer's landing pages), 403 the role may not, 404 outside the
scope (or not assigned to the reviewer), 409 shown with the reason why not now; anonymous visitors are sent
to the sign-in page.
"""

from types import SimpleNamespace

import pytest

from dangjian.accounts.models import User
from dangjian.sites import services
from dangjian.sites.models import Site

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
LOGIN = "login"


@pytest.fixture
def world(walk, personas, county, campaign, catalogues):
    other_reviewer = User.objects.create_user(
        username="pingshen2", password="x", role="reviewer", org=county.root, display_name="评审乙"
    )
    a1 = walk("recommended")
    services.reviewer_assign(actor=personas.admin, application=a1, reviewer=personas.reviewer)
    a2 = walk("designated", org=county.village_a2, reviewer=other_reviewer)
    b1 = walk("evaluated", org=county.village_b1, reviewer=other_reviewer)
    return SimpleNamespace(
        campaign=campaign,
        a1=a1,
        a2=a2,
        b1=b1,
        site=Site.objects.get(application=a2),
        catalogue=catalogues["rural"],
    )


def ids(world) -> dict:
    return {
        "campaign": world.campaign.pk,
        "a1": world.a1.pk,
        "b1": world.b1.pk,
        "site": world.site.pk,
        "catalogue": world.catalogue.pk,
    }


# url → expected status per role, in the order of ROLES (None: anonymous → sign-in page).
PAGES = {
    "overview": ("/sites/", [200, 200, 302, 302, 403, 302, LOGIN]),
    "catalogues": ("/sites/catalogues/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "catalogue": ("/sites/catalogues/{catalogue}/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "catalogue_new": ("/sites/catalogues/new/", [200, 403, 403, 403, 403, 403, LOGIN]),
    "campaigns": ("/sites/campaigns/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "campaign": ("/sites/campaigns/{campaign}/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "campaign_new": ("/sites/campaigns/new/", [200, 403, 403, 403, 403, 403, LOGIN]),
    "campaign_edit": ("/sites/campaigns/{campaign}/edit/", [200, 403, 403, 403, 403, 403, LOGIN]),
    "quotas": ("/sites/campaigns/{campaign}/quotas/", [200, 403, 403, 403, 403, 403, LOGIN]),
    "ranking": ("/sites/campaigns/{campaign}/ranking/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "notice_new": ("/sites/campaigns/{campaign}/notices/new/", [200, 403, 403, 403, 403, 403, LOGIN]),
    "bottom_rank": ("/sites/campaigns/{campaign}/bottom-rank/", [200, 403, 403, 403, 403, 403, LOGIN]),
    "applications": ("/sites/applications/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "application_new": ("/sites/applications/new/", [200, 200, 200, 200, 403, 403, LOGIN]),
    "a1": ("/sites/applications/{a1}/", [200, 200, 200, 404, 403, 200, LOGIN]),
    "b1": ("/sites/applications/{b1}/", [200, 404, 404, 200, 403, 404, LOGIN]),
    "a1_review_tab": ("/sites/applications/{a1}/?tab=review", [200, 200, 200, 404, 403, 200, LOGIN]),
    "a1_log_tab": ("/sites/applications/{a1}/?tab=log", [200, 200, 200, 404, 403, 200, LOGIN]),
    "a1_plan": ("/sites/applications/{a1}/plan/", [409, 409, 409, 404, 403, 403, LOGIN]),
    "a1_recommend": ("/sites/applications/{a1}/recommend/", [409, 409, 409, 404, 403, 409, LOGIN]),
    "a1_evaluate": ("/sites/applications/{a1}/evaluate/", [200, 403, 403, 404, 403, 403, LOGIN]),
    "a1_unknown_action": ("/sites/applications/{a1}/fly/", [404, 404, 404, 404, 403, 404, LOGIN]),
    "a1_docx": ("/sites/applications/{a1}/form.docx", [200, 200, 200, 404, 403, 200, LOGIN]),
    "a1_print": ("/sites/applications/{a1}/print/", [200, 200, 200, 404, 403, 200, LOGIN]),
    "a1_codes": ("/sites/applications/{a1}/survey-codes/", [200, 200, 403, 404, 403, 403, LOGIN]),
    "a1_assign": ("/sites/applications/{a1}/reviewers/", [200, 403, 403, 404, 403, 403, LOGIN]),
    "review": ("/sites/review/", [200, 200, 200, 200, 403, 200, LOGIN]),
    "review_a1": ("/sites/review/{a1}/", [404, 404, 404, 404, 403, 200, LOGIN]),
    "review_b1": ("/sites/review/{b1}/", [404, 404, 404, 404, 403, 404, LOGIN]),
    "objections": ("/sites/objections/", [200, 200, 200, 200, 403, 403, LOGIN]),
    "sites": ("/sites/sites/", [200, 200, 200, 200, 403, 403, LOGIN]),
    "site": ("/sites/sites/{site}/", [200, 200, 404, 404, 403, 403, LOGIN]),
    "certificate": ("/sites/sites/{site}/certificate.docx", [200, 200, 404, 404, 403, 403, LOGIN]),
    "designated_xlsx": ("/sites/campaigns/{campaign}/designated.xlsx", [200, 200, 200, 200, 403, 403, LOGIN]),
    "designated_print": (
        "/sites/campaigns/{campaign}/designated/print/",
        [200, 200, 200, 200, 403, 403, LOGIN],
    ),
    "certificates": ("/sites/campaigns/{campaign}/certificates.docx", [200, 200, 409, 409, 403, 403, LOGIN]),
    "rereviews": ("/sites/re-reviews/", [200, 200, 200, 200, 403, 403, LOGIN]),
    "rectifications": ("/sites/rectifications/", [200, 200, 200, 200, 403, 403, LOGIN]),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_access_matrix(client_for, world, page):
    url, expected = PAGES[page]
    url = url.format(**ids(world))
    found = []
    for role in ROLES:
        response = client_for(role).get(url)
        status = response.status_code
        if role is None:
            status = LOGIN if status == 302 and "/accounts/login" in response["Location"] else status
        found.append(status)
    assert found == expected, dict(zip(ROLES, found, strict=True))


def test_a_secretary_lands_on_the_applications_and_a_reviewer_on_the_review_workspace(client_for, world):
    assert client_for("secretary").get("/sites/")["Location"] == "/sites/applications/"
    assert client_for("reviewer").get("/sites/")["Location"] == "/sites/review/"


def test_the_navigation_offers_the_programme_to_the_tree_roles_and_reviewers_only(client_for, world):
    for role, shown in [("admin", True), ("secretary", True), ("reviewer", True), ("member", False)]:
        page = client_for(role).get("/").content.decode()
        assert ('href="/sites/"' in page) == shown, role


def list_body(response) -> str:
    return response.content.decode().split('id="list-body"')[1]


def test_each_role_lists_the_applications_of_its_own_scope(client_for, world):
    seen = {
        role: {
            name
            for name in ("甲村党支部", "乙村党支部", "丙村党支部")
            if name in list_body(client_for(role).get("/sites/applications/"))
        }
        for role in ("admin", "officer", "secretary", "secretary_b", "reviewer")
    }
    assert seen == {
        "admin": {"甲村党支部", "乙村党支部", "丙村党支部"},
        "officer": {"甲村党支部", "乙村党支部"},
        "secretary": {"甲村党支部"},
        "secretary_b": {"丙村党支部"},
        "reviewer": {"甲村党支部"},
    }


def test_a_tab_is_fetched_by_htmx_as_the_tabs_alone(client_for, world):
    response = client_for("officer").get(
        f"/sites/applications/{world.a1.pk}/?tab=metrics",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="application-tabs",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and "state-line" not in page
    assert "组织生活按期开展率" in page and 'aria-current="page"' in page


BAD_QUERIES = [
    "/sites/?campaign=abc",
    "/sites/?campaign=99999",
    "/sites/applications/?campaign=abc&state=flying&domain=moon&tier=9&within=x&page=zz",
    "/sites/catalogues/?year=abc&domain=moon&state=x",
    "/sites/campaigns/{campaign}/ranking/?domain=moon&tier=9",
    "/sites/sites/?campaign=x&active=maybe",
    "/sites/re-reviews/?campaign=abc&state=x",
    "/sites/rectifications/?campaign=x&overdue=perhaps",
    "/sites/objections/?state=x&campaign=y",
    "/sites/applications/{a1}/?tab=nothing",
]


def test_bad_query_parameters_never_give_a_server_error(client_for, world):
    client = client_for("admin")
    found = {url: client.get(url.format(**ids(world))).status_code for url in BAD_QUERIES}
    assert all(status in (200, 404) for status in found.values()), found
