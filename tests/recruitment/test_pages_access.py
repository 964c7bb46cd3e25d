"""Member-development pages: who may open what (access matrix).

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
A case of 甲村 is seen by the county admin, the 甲镇 officer and 甲村's secretary; 丙村's secretary gets 404;
members and reviewers 403; anonymous users are sent to the login page.
"""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.recruitment import services
from dangjian.recruitment.models import DevelopmentCase, DevelopmentPlan

from ._flow import id_for

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)


def statuses(admin, officer, secretary, secretary_b, member, reviewer, anonymous):
    return dict(
        zip(PERSONAS, (admin, officer, secretary, secretary_b, member, reviewer, anonymous), strict=True)
    )


@pytest.fixture
def case(county, personas):
    return services.case_create(
        actor=personas.secretary,
        org=county.village_a1,
        person_name="张小明",
        id_number=id_for(dt.date(1998, 4, 2), 31),
        applied_on=dt.date(2024, 1, 8),
    )


@pytest.fixture
def plan(county, personas):
    return services.plan_create(
        actor=personas.officer, org=county.town_a, year=2026, lines=[(county.village_a1, 2)]
    )


def urls(county, case, plan):
    detail = reverse("recruitment:case_detail", args=[case.pk])
    return {
        "list": reverse("recruitment:case_list"),
        "list within 甲镇": reverse("recruitment:case_list") + f"?within={county.town_a.pk}",
        "create": reverse("recruitment:case_create"),
        "detail": detail,
        "detail steps tab": detail + "?tab=steps",
        "detail files tab": detail + "?tab=files",
        "detail history tab": detail + "?tab=history",
        "edit": reverse("recruitment:case_edit", args=[case.pk]),
        "withdraw": reverse("recruitment:case_withdraw", args=[case.pk]),
        "step 2 form": reverse("recruitment:step_record", args=[case.pk, 2]),
        "step 15 vote preview": reverse("recruitment:step_preview", args=[case.pk, 15]),
        "record docx": reverse("recruitment:document_docx", args=[case.pk, "record"]),
        "record print": reverse("recruitment:document_print", args=[case.pk, "record"]),
        "due": reverse("recruitment:due_list"),
        "due export": reverse("recruitment:due_export"),
        "notices": reverse("recruitment:notice_list"),
        "plans": reverse("recruitment:plan_list"),
        "plan detail": reverse("recruitment:plan_detail", args=[plan.pk]),
        "plan create": reverse("recruitment:plan_create"),
        "plan edit": reverse("recruitment:plan_edit", args=[plan.pk]),
    }


CASE_PAGE = statuses(200, 200, 200, 404, 403, 403, 302)
LIST_PAGE = statuses(200, 200, 200, 200, 403, 403, 302)
EXPECTED = {
    "list": LIST_PAGE,
    "list within 甲镇": statuses(200, 200, 404, 404, 403, 403, 302),
    "create": LIST_PAGE,
    "detail": CASE_PAGE,
    "detail steps tab": CASE_PAGE,
    "detail files tab": CASE_PAGE,
    "detail history tab": CASE_PAGE,
    "edit": CASE_PAGE,
    "withdraw": CASE_PAGE,
    "step 2 form": CASE_PAGE,
    "step 15 vote preview": CASE_PAGE,
    "record docx": CASE_PAGE,
    "record print": CASE_PAGE,
    "due": LIST_PAGE,
    "due export": LIST_PAGE,
    "notices": LIST_PAGE,
    "plans": LIST_PAGE,
    # The 甲镇 plan: the branch secretaries' scope does not reach the committee that set it.
    "plan detail": statuses(200, 200, 404, 404, 403, 403, 302),
    # Plans are set by committees: a branch secretary may not (403), whatever the scope.
    "plan create": statuses(200, 200, 403, 403, 403, 403, 302),
    "plan edit": statuses(200, 200, 404, 404, 403, 403, 302),
}


@pytest.mark.parametrize("page", list(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(client_for, county, case, plan, page, persona):
    response = client_for(persona).get(urls(county, case, plan)[page])
    assert response.status_code == EXPECTED[page][persona], (page, persona)
    if persona is None:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("step", [13, 16, 17, 18, 24])
def test_committee_step_forms_are_refused_to_the_branch_secretary(client_for, case, step):
    """Steps of the 基层党委 are not the branch's: 403 before anything else."""
    response = client_for("secretary").get(reverse("recruitment:step_record", args=[case.pk, step]))
    assert response.status_code == 403


@pytest.mark.parametrize(("persona", "status"), [("secretary_b", 404), ("member", 403), ("reviewer", 403)])
def test_writes_are_refused_outside_scope_and_role_and_change_nothing(client_for, case, persona, status):
    client = client_for(persona)
    audits = AuditEntry.objects.count()
    posts = [
        (reverse("recruitment:step_record", args=[case.pk, 2]), {"date": "2024-01-10", "talker_name": "王"}),
        (reverse("recruitment:case_withdraw", args=[case.pk]), {"date": "2024-01-10", "reason": "撤回"}),
        (reverse("recruitment:case_reveal", args=[case.pk]), {}),
        (reverse("recruitment:case_edit", args=[case.pk]), {"person_name": "改名", "ethnicity": "01"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
    fresh = DevelopmentCase.objects.get(pk=case.pk)
    assert (fresh.person_name, fresh.stage, fresh.steps.count()) == ("张小明", "applicant", 1)
    assert AuditEntry.objects.count() == audits


def test_plan_create_is_refused_to_a_secretary_and_creates_nothing(client_for, county):
    response = client_for("secretary").post(
        reverse("recruitment:plan_create"),
        {"org": county.town_a.pk, "year": 2027, f"quota_{county.village_a1.pk}": 3},
    )
    assert response.status_code == 403
    assert not DevelopmentPlan.objects.filter(year=2027).exists()


def test_the_navigation_offers_development_to_tree_roles_only(client_for):
    assert "发展党员" in client_for("secretary").get(reverse("core:home")).content.decode()
    assert "/recruitment/" not in client_for("member").get(reverse("core:home")).content.decode()
