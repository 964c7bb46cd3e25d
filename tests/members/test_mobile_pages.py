"""The mobile-member pages: access matrix, 流出/流入 lists, the host's masked view, the transfer advice."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.members.models import MobileRecord
from dangjian.members.services import mobile as services
from dangjian.orgs.rules import add_months

from ..factories import make_member

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)


def statuses(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


@pytest.fixture
def world(county, personas):
    today = timezone.localdate()
    liu = make_member(county.village_a1, name="刘洋", phone="13912345678")
    chen = make_member(county.village_a1, name="陈静")
    return SimpleNamespace(
        fresh=make_member(county.village_a1, name="黄新"),
        liu=liu,
        hosted=services.mobile_outflow_record(
            actor=personas.secretary,
            member=liu,
            left_on=today,
            destination="丙镇",
            host_org=county.village_b1,
        ),
        away=services.mobile_outflow_record(
            actor=personas.secretary, member=chen, left_on=today, destination="深圳", host_text="深圳某党委"
        ),
    )


def _today():
    return timezone.localdate().isoformat()


PAGES = {
    "outflows": (
        "get",
        lambda c, w: reverse("transfers:mobile:list"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "inflows via htmx": (
        "get",
        lambda c, w: reverse("transfers:mobile:list") + "?side=in",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "outflow GET": (
        "get",
        lambda c, w: reverse("transfers:mobile:new", args=[w.fresh.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "outflow POST": (
        "post",
        lambda c, w: reverse("transfers:mobile:new", args=[w.fresh.pk]),
        lambda c, w: {"left_on": _today(), "destination": "丙镇", "host_org": str(c.village_b1.pk)},
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "detail hosted at 丙村": (
        "get",
        lambda c, w: reverse("transfers:mobile:detail", args=[w.hosted.pk]),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "detail hosted outside": (
        "get",
        lambda c, w: reverse("transfers:mobile:detail", args=[w.away.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "return GET": (
        "get",
        lambda c, w: reverse("transfers:mobile:return", args=[w.hosted.pk]),
        None,
        statuses(200, 200, 200, 403, 403, 403, 302),
    ),
    "return POST": (
        "post",
        lambda c, w: reverse("transfers:mobile:return", args=[w.hosted.pk]),
        lambda c, w: {"returned_on": _today()},
        statuses(302, 302, 302, 403, 403, 403, 302),
    ),
    "activity GET": (
        "get",
        lambda c, w: reverse("transfers:mobile:activity", args=[w.hosted.pk]),
        None,
        statuses(200, 403, 403, 200, 403, 403, 302),
    ),
    "activity POST": (
        "post",
        lambda c, w: reverse("transfers:mobile:activity", args=[w.hosted.pk]),
        lambda c, w: {"held_on": _today(), "activity": "主题党日"},
        statuses(302, 403, 403, 302, 403, 403, 302),
    ),
}
MATRIX = [(page, persona) for page in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(("page", "persona"), MATRIX, ids=[f"{p}-{r or 'anonymous'}" for p, r in MATRIX])
def test_access_matrix(page, persona, county, world, client_for):
    method, url, data, expected = PAGES[page]
    client = client_for(persona)
    extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-body"} if "htmx" in page else {}
    before = AuditEntry.objects.exclude(action__in=("token", "login")).count()
    target = url(county, world)
    response = client.get(target, **extra) if method == "get" else client.post(target, data(county, world))
    assert response.status_code == expected[persona], response.content.decode()[:2000]
    if method == "post":
        written = AuditEntry.objects.exclude(action__in=("token", "login")).count() - before
        assert written == (1 if response.status_code == 302 and persona else 0)


def test_the_host_sees_the_member_under_inflows_masked(county, world, client_for):
    page = client_for("secretary_b").get(reverse("transfers:mobile:list") + "?side=in").content.decode()
    assert "刘洋" in page and "139****5678" in page and "13912345678" not in page
    assert "陈静" not in page
    detail = (
        client_for("secretary_b")
        .get(reverse("transfers:mobile:detail", args=[world.hosted.pk]))
        .content.decode()
    )
    assert "139****5678" in detail and world.liu.id_number not in detail and "登记参加活动" in detail
    assert reverse("transfers:mobile:return", args=[world.hosted.pk]) not in detail
    home = client_for("secretary").get(reverse("transfers:mobile:list")).content.decode()
    assert "刘洋" in home and "陈静" in home


def test_a_long_stay_shows_the_advice_to_transfer(county, world, client_for):
    today = timezone.localdate()
    data = {
        "left_on": today.isoformat(),
        "expected_return_on": add_months(today, 7).isoformat(),
        "destination": "上海",
    }
    response = client_for("secretary").post(
        reverse("transfers:mobile:new", args=[world.fresh.pk]), data, follow=True
    )
    assert "应当转移正式组织关系" in response.content.decode()
    record = MobileRecord.objects.get(member=world.fresh)
    assert (
        "开具介绍信"
        in client_for("secretary").get(reverse("transfers:mobile:detail", args=[record.pk])).content.decode()
    )


def test_second_outflow_shows_why(county, world, client_for):
    data = {"left_on": _today(), "destination": "丙镇"}
    response = client_for("secretary").post(reverse("transfers:mobile:new", args=[world.liu.pk]), data)
    assert response.status_code == 409 and "先登记返回" in response.content.decode()
