"""The self-service pages (我的档案, 信息更正, 在线咨询) and the branch's counter (党员服务): who may open what,
and what the pages do. The member "dangyuan" is 李华 of 甲村党支部 (tests/conftest.py)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.members.models import Consultation, CorrectionRequest, Member
from dangjian.members.services import selfservice as services

from ..factories import make_member

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)


def statuses(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


MEMBER_ONLY = statuses(403, 403, 403, 403, 200, 403, 302)
DESK = statuses(200, 200, 200, 200, 403, 403, 302)
DESK_A1 = statuses(200, 200, 200, 404, 403, 403, 302)
DESK_A1_WRITE = statuses(302, 302, 302, 404, 403, 403, 302)


@pytest.fixture
def lihua_asked(personas):
    correction = services.correction_request_submit(
        actor=personas.member, field="education", requested_value="21", reason="已取得本科毕业证书"
    )
    question = services.consultation_ask(actor=personas.member, subject="党费标准", question="退休后怎么交？")
    return correction, question


# page → (method, url(correction, question), form data, expected status per persona)
PAGES = {
    "我的档案": ("get", lambda c, q: reverse("selfservice:record"), None, MEMBER_ONLY),
    "显示完整信息": ("post", lambda c, q: reverse("selfservice:reveal"), {}, MEMBER_ONLY),
    "我的更正申请": ("get", lambda c, q: reverse("selfservice:my_corrections:list"), None, MEMBER_ONLY),
    "申请更正 form": (
        "get",
        lambda c, q: reverse("selfservice:my_corrections:new") + "?field=native_place",
        None,
        MEMBER_ONLY,
    ),
    "申请更正 submit": (
        "post",
        lambda c, q: reverse("selfservice:my_corrections:new"),
        {"field": "native_place", "requested_value": "安徽旌德", "reason": "户口簿"},
        statuses(403, 403, 403, 403, 302, 403, 302),
    ),
    "在线咨询": ("get", lambda c, q: reverse("selfservice:my_consultations:list"), None, MEMBER_ONLY),
    "我要咨询 form": ("get", lambda c, q: reverse("selfservice:my_consultations:new"), None, MEMBER_ONLY),
    "我要咨询 submit": (
        "post",
        lambda c, q: reverse("selfservice:my_consultations:new"),
        {"subject": "学习", "question": "本月学什么？"},
        statuses(403, 403, 403, 403, 302, 403, 302),
    ),
    "我的一条咨询": (
        "get",
        lambda c, q: reverse("selfservice:my_consultations:detail", args=[q.pk]),
        None,
        MEMBER_ONLY,
    ),
    "更正审核": ("get", lambda c, q: reverse("selfservice:desk:corrections"), None, DESK),
    "更正审核 filtered": (
        "get",
        lambda c, q: reverse("selfservice:desk:corrections") + "?state=all&q=%E6%9D%8E",
        None,
        DESK,
    ),
    "一项更正申请": ("get", lambda c, q: reverse("selfservice:desk:correction", args=[c.pk]), None, DESK_A1),
    "同意更正": (
        "post",
        lambda c, q: reverse("selfservice:desk:correction_approve", args=[c.pk]),
        {"note": "已核对"},
        DESK_A1_WRITE,
    ),
    "驳回更正": (
        "post",
        lambda c, q: reverse("selfservice:desk:correction_reject", args=[c.pk]),
        {"note": "请带毕业证书来核对"},
        DESK_A1_WRITE,
    ),
    "咨询答复": ("get", lambda c, q: reverse("selfservice:desk:consultations"), None, DESK),
    "一条咨询": ("get", lambda c, q: reverse("selfservice:desk:consultation", args=[q.pk]), None, DESK_A1),
    "答复咨询": (
        "post",
        lambda c, q: reverse("selfservice:desk:consultation", args=[q.pk]),
        {"answer": "按退休费的 0.5% 交纳。"},
        DESK_A1_WRITE,
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(client_for, lihua_asked, page, persona):
    method, url, data, expected = PAGES[page]
    correction, question = lihua_asked
    client = client_for(persona)
    before = AuditEntry.objects.count()
    response = getattr(client, method)(url(correction, question), data or {})
    assert response.status_code == expected[persona], (page, persona)
    if response.status_code == 302 and persona is None:
        assert response["Location"].startswith(reverse("accounts:login"))
    if response.status_code in (403, 404):
        assert AuditEntry.objects.count() == before


# --- the member's record --------------------------------------------------------------------------------------


def test_the_record_is_masked_until_the_member_asks_and_the_reveal_is_audited(client_for, county):
    client = client_for("member")
    lihua = county.own_member
    page = client.get(reverse("selfservice:record")).content.decode()
    assert "138****5678" in page and lihua.id_number not in page and "13812345678" not in page
    assert "显示完整信息" in page and "甲村党支部" in page
    before = AuditEntry.objects.filter(action="reveal").count()
    partial = client.post(
        reverse("selfservice:reveal"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="personal-data"
    )
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    assert lihua.id_number in body and "13812345678" in body and 'id="personal-data"' in body
    entry = AuditEntry.objects.filter(action="reveal").latest("id")
    assert AuditEntry.objects.filter(action="reveal").count() == before + 1
    assert (entry.actor.username, entry.object_id) == ("dangyuan", str(lihua.pk))


def test_reveal_is_post_only(client_for, county):
    assert client_for("member").get(reverse("selfservice:reveal")).status_code == 405


def test_the_record_shows_transfers_status_changes_and_mobile_periods(client_for, county, personas):
    from dangjian.members.services import mobile, transfers

    lihua = county.own_member
    letter = transfers.transfer_issue(actor=personas.secretary, member=lihua, to_org=county.village_a2)
    transfers.transfer_cancel(actor=personas.secretary, transfer=letter, reason="本人暂不调动")
    mobile.mobile_outflow_record(
        actor=personas.secretary,
        member=lihua,
        left_on=letter.issued_on,
        destination="浙江省杭州市",
        host_org=county.village_b1,
    )
    page = client_for("member").get(reverse("selfservice:record")).content.decode()
    assert letter.letter_no in page and "已撤销" in page and "乙村党支部" in page
    assert "浙江省杭州市" in page and "外出中" in page and "丙村党支部" in page


def test_an_unlinked_member_account_is_told_so(client_for, personas):
    personas.member.member = None
    personas.member.save(update_fields=["member"])
    client = client_for("member")
    for name in (
        "selfservice:record",
        "selfservice:my_corrections:list",
        "selfservice:my_consultations:list",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200 and "尚未关联党员档案" in response.content.decode()


# --- correction requests ----------------------------------------------------------------------------------------


def test_request_a_correction_from_the_form(client_for, county):
    client = client_for("member")
    url = reverse("selfservice:my_corrections:new")
    form = client.get(url + "?field=education").content.decode()
    assert 'name="requested_value"' in form and "大学本科" in form  # a select of the code table
    response = client.post(url, {"field": "education", "requested_value": "21", "reason": "毕业证书"})
    assert response.status_code == 302 and response["Location"] == reverse("selfservice:my_corrections:list")
    correction = CorrectionRequest.objects.get()
    assert (correction.field, correction.requested_value, correction.state) == ("education", "21", "pending")
    listing = client.get(response["Location"]).content.decode()
    assert "大学本科" in listing and "待处理" in listing


def test_date_fields_say_the_branch_checks_the_archive(client_for, county):
    page = client_for("member").get(reverse("selfservice:my_corrections:new") + "?field=joined_on")
    assert 'type="date"' in page.content.decode() and "组织档案" in page.content.decode()


def test_bad_input_shows_the_message_next_to_the_field_and_writes_nothing(client_for, county):
    response = client_for("member").post(
        reverse("selfservice:my_corrections:new"),
        {"field": "phone", "requested_value": "1234", "reason": "换号"},
    )
    assert response.status_code == 422
    assert "手机号码应为 11 位数字" in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_a_second_pending_request_shows_why_it_is_refused(client_for, lihua_asked):
    response = client_for("member").post(
        reverse("selfservice:my_corrections:new"),
        {"field": "education", "requested_value": "31", "reason": "改为专科"},
    )
    assert response.status_code == 409
    assert "不能办理" in response.content.decode() and "尚未处理" in response.content.decode()
    assert CorrectionRequest.objects.count() == 1


def test_a_field_that_needs_documents_sends_the_member_back_with_the_reason(client_for, county):
    client = client_for("member")
    response = client.get(reverse("selfservice:my_corrections:new") + "?field=name", follow=True)
    assert response.redirect_chain[-1][0] == reverse("selfservice:my_corrections:list")
    assert "户籍证明" in response.content.decode()


def test_the_branch_approves_and_the_member_sees_the_outcome(client_for, county, lihua_asked):
    correction, _question = lihua_asked
    secretary = client_for("secretary")
    listing = secretary.get(reverse("selfservice:desk:corrections")).content.decode()
    assert "李华" in listing and "大学本科" in listing
    detail = secretary.get(reverse("selfservice:desk:correction", args=[correction.pk])).content.decode()
    assert "同意并更正档案" in detail and "驳回" in detail
    url = reverse("selfservice:desk:correction_approve", args=[correction.pk])
    assert secretary.post(url, {"note": "已核对毕业证书"}).status_code == 302
    assert Member.objects.get(pk=county.own_member.pk).education == "21"
    again = secretary.post(url, {"note": ""})
    assert again.status_code == 409 and "不能重复处理" in again.content.decode()
    mine = client_for("member").get(reverse("selfservice:my_corrections:list")).content.decode()
    assert "已同意" in mine and "已核对毕业证书" in mine


def test_rejecting_needs_a_reason(client_for, lihua_asked):
    correction, _question = lihua_asked
    url = reverse("selfservice:desk:correction_reject", args=[correction.pk])
    response = client_for("officer").post(url, {"note": ""})
    assert response.status_code == 422 and "请填写驳回理由" in response.content.decode()
    assert CorrectionRequest.objects.get(pk=correction.pk).state == "pending"


def test_the_list_filters_with_htmx_and_keeps_them_in_the_url(client_for, lihua_asked):
    client = client_for("admin")
    url = reverse("selfservice:desk:corrections") + "?state=all&q=李"
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "李华" in body
    assert response["HX-Push-Url"].startswith(reverse("selfservice:desk:corrections") + "?state=all")
    empty = client.get(reverse("selfservice:desk:corrections") + "?state=rejected").content.decode()
    assert "没有符合条件的更正申请" in empty


def test_the_list_pages_by_keyset(client_for, county, personas, monkeypatch):
    from dangjian.members import views_selfservice

    monkeypatch.setattr(views_selfservice, "PAGE_SIZE", 2)
    for field, value in (("native_place", "安徽泾县"), ("work_unit", "供销社"), ("job_title", "会计")):
        services.correction_request_submit(
            actor=personas.member, field=field, requested_value=value, reason="x"
        )
    client = client_for("secretary")
    first = client.get(reverse("selfservice:desk:corrections")).content.decode()
    link = re.search(r'href="(\?[^"]*before=\d+[^"]*)"', first)
    assert link and "会计" in first and "安徽泾县" not in first
    second = client.get(reverse("selfservice:desk:corrections") + link.group(1).replace("&amp;", "&"))
    assert "安徽泾县" in second.content.decode()


def test_secretary_of_another_branch_sees_none_of_it(client_for, lihua_asked):
    page = client_for("secretary_b").get(reverse("selfservice:desk:corrections") + "?state=all")
    assert "李华" not in page.content.decode()


# --- consultations -------------------------------------------------------------------------------------------------


def test_ask_answer_and_read_the_answer(client_for, county):
    member = client_for("member")
    response = member.post(
        reverse("selfservice:my_consultations:new"), {"subject": "组织关系", "question": "外出务工要转吗？"}
    )
    question = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:my_consultations:detail", args=[question.pk])
    assert "党组织尚未答复" in member.get(response["Location"]).content.decode()
    officer = client_for("officer")
    assert "组织关系" in officer.get(reverse("selfservice:desk:consultations")).content.decode()
    url = reverse("selfservice:desk:consultation", args=[question.pk])
    assert officer.post(url, {"answer": "半年以上要转接。"}).status_code == 302
    assert "半年以上要转接。" in member.get(response["Location"]).content.decode()
    again = client_for("secretary").post(url, {"answer": "补充"})
    assert again.status_code == 409 and "不能重复答复" in again.content.decode()


def test_someone_elses_question_is_404_for_a_member(client_for, county):
    other = make_member(county.village_a1, name="周八")
    account = User.objects.create_user(username="zhouba", password="x", role="member", member=other)
    question = services.consultation_ask(actor=account, subject="私事", question="……")
    response = client_for("member").get(reverse("selfservice:my_consultations:detail", args=[question.pk]))
    assert response.status_code == 404


# --- navigation and the rest of the site ---------------------------------------------------------------------------


def test_navigation_offers_each_role_its_entries(client_for, county):
    member_page = client_for("member").get(reverse("core:home")).content.decode()
    for label in ("我的档案", "信息更正", "在线咨询"):
        assert label in member_page
    assert "党员服务" not in member_page
    secretary_page = client_for("secretary").get(reverse("core:home")).content.decode()
    assert "党员服务" in secretary_page and reverse("selfservice:desk:corrections") in secretary_page
    assert reverse("selfservice:record") not in secretary_page


def _pages(resolver: URLResolver = None, prefix: str = "", namespace: str = ""):
    """(url, view name) of every page of the site, ids filled with `1` (api, admin and i18n left out)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _pages(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name}"


ALLOWED_TO_MEMBERS = (
    "core:home",
    "notifications:inbox",  # every user's own inbox
    "orglife:compliance:my_hours",  # a member's own study hours
    "selfservice:record",
    "selfservice:my_",
    "accounts:login",
    "accounts:logout",
    "set_language",
    # The public face (党务公开栏, survey, objections) is open to everyone, signed in or not.
    "disclosure:board",
    "disclosure:org_board",
    "disclosure:survey",
    "disclosure:item",
    "disclosure:objection",
)
SKIPPED_PREFIXES = ("api/", "django-admin/", "i18n/", "static/")


def test_a_member_gets_nothing_but_their_own_pages(client_for, county):
    """GIVEN the member persona WHEN it opens every other page of the site (ids of its own branch filled in)
    THEN each refuses: 403, 404 or 405 — never the page."""
    client = client_for("member")
    tried = 0
    for route, name in _pages():
        if (
            route.startswith(SKIPPED_PREFIXES)
            or name.startswith(ALLOWED_TO_MEMBERS)
            or name == "selfservice:reveal"
        ):
            continue
        url = "/" + re.sub(r"<(?:int:)?\w+>", str(county.village_a1.pk), route).replace("^", "").rstrip("$")
        if "<" in url:
            continue
        response = client.get(url)
        assert response.status_code in (403, 404, 405), (url, name, response.status_code)
        tried += 1
    assert tried >= 40
