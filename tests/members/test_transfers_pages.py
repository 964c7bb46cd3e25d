"""The transfer pages: who may open what (access matrix), and what the pages do.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from dangjian.core import idnumber
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, Transfer
from dangjian.members.services import transfers as services

from ..factories import make_member

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)


def statuses(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


@pytest.fixture
def world(county, personas):
    wang = make_member(county.village_a1, name="王建国")
    li = make_member(county.village_a1, name="李明")
    return SimpleNamespace(
        wang=wang,
        li=li,
        fresh=make_member(county.village_a1, name="赵新"),
        to_b1=services.transfer_issue(actor=personas.secretary, member=wang, to_org=county.village_b1),
        to_a2=services.transfer_issue(actor=personas.secretary, member=li, to_org=county.village_a2),
    )


def _incoming(c, w):
    today = timezone.localdate()
    return {
        "to_org": str(c.village_b1.pk),
        "source_text": "外省某党委",
        "letter_no": "外组转〔2026〕第0009号",
        "issued_on": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=20)).isoformat(),
        "dues_paid_until": f"{today:%Y-%m}",
        "received_on": today.isoformat(),
        "name": "新来者",
        "id_number": idnumber.build("310104", dt.date(1985, 5, 5), 333),
        "ethnicity": "01",
        "category": "full",
        "joined_on": "2010-07-01",
        "converted_on": "2011-07-01",
    }


def _issue(c, w):
    return {
        "member": str(w.fresh.pk),
        "kind": "internal",
        "to_org": str(c.village_b1.pk),
        "valid_months": "3",
        "dues_paid_until": f"{timezone.localdate():%Y-%m}",
    }


letters = "transfers:letters:"
# page → (method, url(county, world), form data(county, world), expected status per persona)
PAGES = {
    "list": (
        "get",
        lambda c, w: reverse(letters + "list"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "list, all, htmx": (
        "get",
        lambda c, w: reverse(letters + "list") + "?tab=all&state=issued",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "list within 丙镇": (
        "get",
        lambda c, w: reverse(letters + "list") + f"?within={c.town_b.pk}",
        None,
        statuses(200, 404, 404, 404, 403, 403, 302),
    ),
    "issue GET": (
        "get",
        lambda c, w: reverse(letters + "new"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "issue GET for a member": (
        "get",
        lambda c, w: reverse(letters + "new") + f"?member={w.fresh.pk}",
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "issue POST": (
        "post",
        lambda c, w: reverse(letters + "new"),
        _issue,
        statuses(302, 302, 302, 422, 403, 403, 302),
    ),
    "member picker": (
        "get",
        lambda c, w: reverse(letters + "member_options") + "?member_q=%E7%8E%8B",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "branch picker": (
        "get",
        lambda c, w: reverse(letters + "org_options") + "?org_q=%E6%9D%91",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "detail A1→B1": (
        "get",
        lambda c, w: reverse(letters + "detail", args=[w.to_b1.pk]),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "detail A1→A2": (
        "get",
        lambda c, w: reverse(letters + "detail", args=[w.to_a2.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "receive GET": (
        "get",
        lambda c, w: reverse(letters + "receive", args=[w.to_b1.pk]),
        None,
        statuses(200, 403, 403, 200, 403, 403, 302),
    ),
    "receive POST": (
        "post",
        lambda c, w: reverse(letters + "receive", args=[w.to_b1.pk]),
        lambda c, w: {"received_on": timezone.localdate().isoformat()},
        statuses(302, 403, 403, 302, 403, 403, 302),
    ),
    "cancel GET": (
        "get",
        lambda c, w: reverse(letters + "cancel", args=[w.to_b1.pk]),
        None,
        statuses(200, 200, 200, 403, 403, 403, 302),
    ),
    "cancel POST": (
        "post",
        lambda c, w: reverse(letters + "cancel", args=[w.to_b1.pk]),
        lambda c, w: {"reason": "不再调动"},
        statuses(302, 302, 302, 403, 403, 403, 302),
    ),
    "letter .docx": (
        "get",
        lambda c, w: reverse(letters + "letter", args=[w.to_b1.pk]),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "print": (
        "get",
        lambda c, w: reverse(letters + "print", args=[w.to_a2.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "incoming GET": (
        "get",
        lambda c, w: reverse(letters + "incoming"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "incoming POST to 丙村": (
        "post",
        lambda c, w: reverse(letters + "incoming"),
        _incoming,
        statuses(302, 422, 422, 302, 403, 403, 302),
    ),
}
MATRIX = [(page, persona) for page in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(("page", "persona"), MATRIX, ids=[f"{p}-{r or 'anonymous'}" for p, r in MATRIX])
def test_access_matrix(page, persona, county, world, client_for):
    method, url, data, expected = PAGES[page]
    client = client_for(persona)
    target = url(county, world)
    extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-body"} if "htmx" in page else {}
    before = AuditEntry.objects.exclude(action__in=("token", "login")).count()
    response = client.get(target, **extra) if method == "get" else client.post(target, data(county, world))
    assert response.status_code == expected[persona], response.content.decode()[:2000]
    if persona is None:
        assert response.url.startswith(reverse("accounts:login"))
    if method == "post":
        written = AuditEntry.objects.exclude(action__in=("token", "login")).count() - before
        assert written == (1 if response.status_code == 302 and persona else 0)


def test_issue_page_writes_the_letter_and_says_so(county, world, client_for):
    response = client_for("secretary").post(reverse(letters + "new"), _issue(county, world), follow=True)
    transfer = Transfer.objects.get(member=world.fresh)
    assert transfer.to_org_id == county.village_b1.pk
    body = response.content.decode()
    assert transfer.letter_no in body and "下载 Word" in body


def test_issue_page_shows_the_rule_when_dues_are_not_paid_up(county, world, client_for):
    data = {**_issue(county, world), "dues_paid_until": "2000-01"}
    response = client_for("secretary").post(reverse(letters + "new"), data)
    assert response.status_code == 422
    assert "党费应交至转接当月" in response.content.decode()
    assert not Transfer.objects.filter(member=world.fresh).exists()


def test_issue_page_refuses_a_second_letter_with_the_reason(county, world, client_for):
    data = {**_issue(county, world), "member": str(world.wang.pk)}
    response = client_for("secretary").post(reverse(letters + "new"), data)
    assert response.status_code == 409
    assert world.to_b1.letter_no in response.content.decode()


def test_issue_page_to_outside_needs_the_destination(county, world, client_for):
    data = {**_issue(county, world), "kind": "outgoing", "to_org": ""}
    response = client_for("secretary").post(reverse(letters + "new"), data)
    assert response.status_code == 422 and "请填写系统外的转往单位" in response.content.decode()
    data["destination_text"] = "上海市某街道党工委"
    assert client_for("secretary").post(reverse(letters + "new"), data).status_code == 302
    assert Transfer.objects.get(member=world.fresh).kind == "outgoing"


def test_both_pending_tabs_list_the_letter(county, world, client_for):
    incoming = client_for("secretary_b").get(reverse(letters + "list") + "?tab=incoming").content.decode()
    assert world.to_b1.letter_no in incoming and world.to_a2.letter_no not in incoming
    outgoing = client_for("secretary").get(reverse(letters + "list") + "?tab=outgoing").content.decode()
    assert world.to_b1.letter_no in outgoing and world.to_a2.letter_no in outgoing
    mine = client_for("secretary").get(reverse(letters + "list") + "?tab=incoming").content.decode()
    assert world.to_b1.letter_no not in mine


def test_list_filters_through_htmx_keep_the_url(county, world, client_for):
    response = client_for("secretary").get(
        reverse(letters + "list") + "?tab=all&q=%E7%8E%8B", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body"
    )
    body = response.content.decode()
    assert "<html" not in body and world.to_b1.letter_no in body and world.to_a2.letter_no not in body
    assert response["HX-Push-Url"] == reverse(letters + "list") + "?tab=all&q=%E7%8E%8B"


def test_list_pages_with_keyset_links(county, world, client_for, personas, monkeypatch):
    from dangjian.members import views_transfers

    monkeypatch.setattr(views_transfers, "PAGE_SIZE", 1)
    first = client_for("secretary").get(reverse(letters + "list") + "?tab=outgoing").content.decode()
    assert world.to_a2.letter_no in first and world.to_b1.letter_no not in first
    second = client_for("secretary").get(reverse(letters + "list") + f"?tab=outgoing&before={world.to_a2.pk}")
    assert world.to_b1.letter_no in second.content.decode()


def test_receive_page_moves_the_member(county, world, client_for):
    url = reverse(letters + "receive", args=[world.to_b1.pk])
    response = client_for("secretary_b").post(url, {"received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert Member.objects.get(pk=world.wang.pk).org_id == county.village_b1.pk
    again = client_for("secretary_b").get(url)
    assert again.status_code == 409 and "已接收" in again.content.decode()
    assert '<form method="post" novalidate' not in again.content.decode()  # not offered


def test_expired_letter_is_shown_expired_and_not_offered(county, world, client_for):
    Transfer.objects.filter(pk=world.to_b1.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    detail = (
        client_for("secretary_b").get(reverse(letters + "detail", args=[world.to_b1.pk])).content.decode()
    )
    assert "已过期" in detail and reverse(letters + "receive", args=[world.to_b1.pk]) not in detail
    response = client_for("secretary_b").get(reverse(letters + "receive", args=[world.to_b1.pk]))
    assert response.status_code == 409 and "超过有效期" in response.content.decode()


def test_letter_download_is_an_audited_export_and_print_a_reveal(county, world, client_for):
    response = client_for("secretary").get(reverse(letters + "letter", args=[world.to_b1.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert world.wang.id_number in text
    printed = client_for("secretary").get(reverse(letters + "print", args=[world.to_b1.pk])).content.decode()
    assert world.wang.id_number in printed and "沿此线剪开" in printed and "（回执）" in printed
    entries = AuditEntry.objects.filter(object_type="members.transfer", object_id=str(world.to_b1.pk))
    assert list(entries.exclude(action="create").order_by("id").values_list("action", flat=True)) == [
        "export",
        "reveal",
    ]
    assert all(entry.actor.username == "zhibu" for entry in entries.filter(action__in=["export", "reveal"]))
    detail = client_for("secretary").get(reverse(letters + "detail", args=[world.to_b1.pk])).content.decode()
    assert world.wang.id_number not in detail  # the page itself shows the number masked


def test_incoming_page_registers_and_receives(county, world, client_for):
    response = client_for("secretary_b").post(reverse(letters + "incoming"), _incoming(county, world))
    assert response.status_code == 302
    member = Member.objects.get(name="新来者")
    assert member.org_id == county.village_b1.pk and member.status == "active"


def test_navigation_offers_transfers_and_mobile_to_tree_roles(county, client_for):
    body = client_for("secretary").get(reverse(letters + "list")).content.decode()
    assert "组织关系转接" in body and "流动党员" in body
    assert 'aria-current="page"' in body


def test_the_letter_stays_chinese_when_the_interface_is_english(county, world, client_for):
    client = client_for("secretary")
    # The middleware switches this thread to English: override restores the language afterwards.
    with translation.override(settings.LANGUAGE_CODE):
        printed = client.get(
            reverse(letters + "print", args=[world.to_b1.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        response = client.get(reverse(letters + "letter", args=[world.to_b1.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "王建国同志（男，" in printed and "正式党员" in printed and "党费交到" in printed
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "（男，" in text and "正式党员" in text and "年" in text
