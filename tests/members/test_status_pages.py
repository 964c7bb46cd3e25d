"""The status-change pages: access matrix, the refusal shown with its rule, the history beside the form."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, StatusChange

from ..factories import make_member

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)


def statuses(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


def _change(**extra):
    return {
        "kind": "lost_contact",
        "effective_on": timezone.localdate().isoformat(),
        "reason": "长期外出联系不上",
        **extra,
    }


PAGES = {
    "list": (
        "get",
        lambda c, m: reverse("transfers:status:list"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "list via htmx": (
        "get",
        lambda c, m: reverse("transfers:status:list") + "?kind=lost_contact",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "list within 甲镇": (
        "get",
        lambda c, m: reverse("transfers:status:list") + f"?within={c.town_a.pk}",
        None,
        statuses(200, 200, 404, 404, 403, 403, 302),
    ),
    "form GET (甲村 member)": (
        "get",
        lambda c, m: reverse("transfers:status:new", args=[m.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "form POST (甲村 member)": (
        "post",
        lambda c, m: reverse("transfers:status:new", args=[m.pk]),
        _change,
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
}
MATRIX = [(page, persona) for page in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(("page", "persona"), MATRIX, ids=[f"{p}-{r or 'anonymous'}" for p, r in MATRIX])
def test_access_matrix(page, persona, county, client_for, personas):
    method, url, data, expected = PAGES[page]
    member = make_member(county.village_a1, name="王五")
    client = client_for(persona)
    extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-body"} if "htmx" in page else {}
    before = AuditEntry.objects.exclude(action__in=("token", "login")).count()
    response = (
        client.get(url(county, member), **extra)
        if method == "get"
        else client.post(url(county, member), data())
    )
    assert response.status_code == expected[persona], response.content.decode()[:2000]
    if method == "post":
        written = AuditEntry.objects.exclude(action__in=("token", "login")).count() - before
        assert written == (1 if response.status_code == 302 and persona else 0)
        assert Member.objects.get(pk=member.pk).status == ("lost_contact" if written else "active")


def test_refusal_is_shown_with_the_rule_and_nothing_changes(county, client_for):
    member = make_member(county.village_a1, name="钱七", category="probationary")
    response = client_for("secretary").post(
        reverse("transfers:status:new", args=[member.pk]), _change(kind="suspend")
    )
    assert response.status_code == 409
    assert "取消预备党员资格" in response.content.decode()
    assert not StatusChange.objects.exists()


def test_leave_without_its_kind_is_422_next_to_the_field(county, client_for):
    member = make_member(county.village_a1, name="赵六")
    response = client_for("secretary").post(
        reverse("transfers:status:new", args=[member.pk]), _change(kind="leave")
    )
    assert response.status_code == 422 and "请选择出党方式" in response.content.decode()


def test_history_is_shown_beside_the_form_and_in_the_list(county, client_for):
    member = make_member(county.village_a1, name="孙八")
    client = client_for("secretary")
    client.post(reverse("transfers:status:new", args=[member.pk]), _change())
    page = client.get(reverse("transfers:status:new", args=[member.pk])).content.decode()
    assert "失去联系" in page and "长期外出联系不上" in page
    listing = client.get(reverse("transfers:status:list")).content.decode()
    assert "孙八" in listing and "正常 → 失联" in listing
    assert "孙八" not in client_for("secretary_b").get(reverse("transfers:status:list")).content.decode()
