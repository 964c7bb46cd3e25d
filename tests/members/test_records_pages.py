"""Member-record pages: who may open what (access matrix), and what the roster, member page and forms do.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1: 10 members + 李华) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2: 3 members)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1: 5 members)
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core import idnumber
from dangjian.core.models import AuditEntry
from dangjian.members import strokes
from dangjian.members.models import Member
from dangjian.members.services import records

from ..factories import make_member

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)
NEW_NUMBER = idnumber.build("341825", dt.date(1991, 4, 5), 311)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def statuses(admin, officer, secretary, secretary_b, member, reviewer, anonymous):
    return dict(
        zip(PERSONAS, (admin, officer, secretary, secretary_b, member, reviewer, anonymous), strict=True)
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _file(county, personas):
    upload = SimpleUploadedFile("入党志愿书.pdf", PDF, content_type="application/pdf")
    return records.member_file_add(
        actor=personas.admin, member=county.own_member, upload=upload, title="入党志愿书"
    )


def _new_member(county):
    return {
        "org": county.village_a1.pk,
        "name": "丁一",
        "id_number": NEW_NUMBER,
        "ethnicity": "01",
        "category": "full",
        "joined_on": "2015-07-01",
        "converted_on": "2016-07-01",
        "phone": "13900001111",
    }


def _edit(county):
    member = county.own_member
    return {
        "name": "李华",
        "ethnicity": "01",
        "joined_on": member.joined_on.isoformat(),
        "work_unit": "甲村村委会",
    }


# page → (method, url(county, file), data(county), expected per persona)
PAGES = {
    "roster": (
        "get",
        lambda c, f: reverse("members:roster"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "roster within 甲镇": (
        "get",
        lambda c, f: reverse("members:roster") + f"?within={c.town_a.pk}",
        None,
        statuses(200, 200, 404, 404, 403, 403, 302),
    ),
    "roster htmx page": (
        "get",
        lambda c, f: reverse("members:roster") + "?q=%E6%9D%8E",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "detail": (
        "get",
        lambda c, f: reverse("members:detail", args=[c.own_member.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "detail timeline htmx": (
        "get",
        lambda c, f: reverse("members:detail", args=[c.own_member.pk]) + "?tab=timeline",
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "detail files tab": (
        "get",
        lambda c, f: reverse("members:detail", args=[c.own_member.pk]) + "?tab=files",
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "detail history tab": (
        "get",
        lambda c, f: reverse("members:detail", args=[c.own_member.pk]) + "?tab=history",
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "create GET": (
        "get",
        lambda c, f: reverse("members:create"),
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    # A branch secretary always registers into their own branch (丙村 for secretary_b).
    "create POST": (
        "post",
        lambda c, f: reverse("members:create"),
        _new_member,
        statuses(302, 302, 302, 302, 403, 403, 302),
    ),
    "edit GET": (
        "get",
        lambda c, f: reverse("members:edit", args=[c.own_member.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "edit POST": (
        "post",
        lambda c, f: reverse("members:edit", args=[c.own_member.pk]),
        _edit,
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    # API.md: the county admin and the member's own branch secretary see ID number and phone in full.
    "reveal POST": (
        "post",
        lambda c, f: reverse("members:reveal", args=[c.own_member.pk]),
        lambda c: {},
        statuses(200, 403, 200, 404, 403, 403, 302),
    ),
    "file upload POST": (
        "post",
        lambda c, f: reverse("members:file_upload", args=[c.own_member.pk]),
        lambda c: {"title": "转正申请书", "file": SimpleUploadedFile("a.pdf", PDF)},
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "file download": (
        "get",
        lambda c, f: reverse("members:file", args=[c.own_member.pk, f.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
}
MATRIX = [(page, persona) for page in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(("page", "persona"), MATRIX, ids=[f"{p}-{r or 'anonymous'}" for p, r in MATRIX])
def test_access_matrix(page, persona, county, personas, client_for):
    method, url, data, expected = PAGES[page]
    attached = _file(county, personas)
    client = client_for(persona)
    target = url(county, attached)
    extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "member-tabs"} if "htmx" in page else {}
    before = AuditEntry.objects.exclude(action="login").count()
    response = client.get(target, **extra) if method == "get" else client.post(target, data(county))
    assert response.status_code == expected[persona], response.content.decode()[:2000]
    if persona is None:
        assert response.url.startswith(reverse("accounts:login"))
    written = AuditEntry.objects.exclude(action="login").count() - before
    # A write, a reveal and a download leave exactly one audit entry; a refusal leaves none.
    if method == "post" or page == "file download":
        assert written == (1 if response.status_code in (200, 302) and persona else 0)
    else:
        assert written == 0


def test_member_role_is_told_why_in_chinese(county, client_for):
    response = client_for("member").get(reverse("members:roster"))
    assert response.status_code == 403
    assert "您的角色无权访问组织管理功能" in response.content.decode()


def test_out_of_scope_member_is_404_and_named_nowhere(county, client_for):
    response = client_for("secretary_b").get(reverse("members:detail", args=[county.own_member.pk]))
    assert response.status_code == 404
    assert "李华" not in response.content.decode()


# --- the roster ----------------------------------------------------------------------------------------------


def test_roster_lists_the_scope_in_stroke_order_with_masked_data(county, client_for):
    make_member(county.village_a1, name="丁一")
    make_member(county.village_a1, name="王二")
    records.name_keys_fill()  # the factory leaves the stroke-order key to the bulk filler, as the seed does
    body = client_for("secretary").get(reverse("members:roster")).content.decode()
    assert body.index("丁一") < body.index("王二") < body.index("李华")  # 2, 4, 7 strokes
    number = county.own_member.id_number
    assert number not in body and f"{number[:6]}********{number[-4:]}" in body
    assert "138****5678" in body and "13812345678" not in body
    assert "丙村党支部" not in body
    assert "共 13 名" in body


def test_roster_filters_arrive_by_htmx_and_stay_in_the_url(county, client_for):
    response = client_for("admin").get(
        reverse("members:roster") + f"?within={county.village_b1.pk}&category=probationary",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="roster-results",
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "预备0" in body and "党员0" not in body
    assert (
        response["HX-Push-Url"]
        == reverse("members:roster") + f"?within={county.village_b1.pk}&category=probationary"
    )


def test_roster_search_by_exact_id_number(county, client_for):
    number = county.own_member.id_number
    body = client_for("admin").get(reverse("members:roster") + f"?q={number.lower()}").content.decode()
    assert "李华" in body and "共 1 名" in body


def test_roster_pages_follow_each_other_by_keyset(county, client_for, monkeypatch):
    from dangjian.members.selectors import records as selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 4)
    client = client_for("admin")
    expected = list(Member.objects.counted().order_by("name_key", "pk").values_list("pk", flat=True))
    seen, url = [], reverse("members:roster")
    while url:
        response = client.get(url)
        seen += [m.pk for m in response.context["page"].rows]
        cursor = response.context["page"].next_cursor
        url = reverse("members:roster") + f"?after={cursor}" if cursor else None
    assert seen == expected
    last_page_starts = expected.index(response.context["page"].rows[0].pk)
    back = client.get(reverse("members:roster") + f"?before={response.context['page'].prev_cursor}")
    assert [m.pk for m in back.context["page"].rows] == expected[last_page_starts - 4 : last_page_starts]


def test_roster_says_what_to_do_when_nothing_matches(county, client_for):
    body = client_for("admin").get(reverse("members:roster") + "?q=不存在的名字").content.decode()
    assert "没有符合条件的党员" in body


# --- the member page -----------------------------------------------------------------------------------------


def test_member_page_shows_record_with_masked_personal_data(county, client_for):
    member = county.own_member
    body = client_for("officer").get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "李华" in body and "正式党员" in body and "正常" in body and "甲村党支部" in body
    assert member.id_number not in body and "138****5678" in body
    assert "查看完整信息" not in body  # a township officer may not reveal
    assert "仅组织部管理员和该党员所在党支部书记可以查看" in body


def test_own_branch_secretary_reveals_by_htmx_and_it_is_audited(county, client_for, personas):
    member = county.own_member
    client = client_for("secretary")
    assert "查看完整信息" in client.get(reverse("members:detail", args=[member.pk])).content.decode()
    response = client.post(reverse("members:reveal", args=[member.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and member.id_number in body and "13812345678" in body
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == personas.secretary and entry.object_id == str(member.pk)
    assert member.id_number not in str(entry.after)


def test_reveal_needs_a_post(county, client_for):
    response = client_for("admin").get(reverse("members:reveal", args=[county.own_member.pk]))
    assert response.status_code == 405
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_timeline_lists_what_happened_newest_first(county, client_for, personas):
    member = county.own_member
    records.member_update(actor=personas.secretary, member=member, work_unit="甲村村委会")
    body = (
        client_for("secretary")
        .get(
            reverse("members:detail", args=[member.pk]) + "?tab=timeline",
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="member-tabs",
        )
        .content.decode()
    )
    assert "<html" not in body
    assert body.index("修改党员档案") < body.index("入党（成为预备党员）")
    assert "甲村村委会" in body and "工作单位" in body


def test_history_tab_shows_reveals_and_changes(county, client_for, personas):
    member = county.own_member
    records.member_reveal(actor=personas.admin, member=member)
    records.member_update(actor=personas.admin, member=member, education="21")
    body = (
        client_for("admin").get(reverse("members:detail", args=[member.pk]) + "?tab=history").content.decode()
    )
    assert "查看完整个人信息" in body and "修改党员档案" in body
    assert "大学本科" in body and "学历" in body


def test_a_full_member_without_conversion_date_is_flagged(county, client_for):
    member = make_member(county.village_a1, name="周八")
    body = client_for("admin").get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "转正日期未登记" in body


# --- the forms -----------------------------------------------------------------------------------------------


def test_secretary_registers_a_member_into_their_branch(county, client_for, personas):
    data = _new_member(county)
    data["org"] = county.village_a2.pk  # ignored: a secretary registers into their own branch
    response = client_for("secretary").post(reverse("members:create"), data)
    member = Member.objects.get(name="丁一")
    assert response.url == reverse("members:detail", args=[member.pk])
    assert member.org == county.village_a1 and member.name_key == strokes.name_key("丁一")
    assert (member.birth_date, member.gender) == (dt.date(1991, 4, 5), "male")


def test_create_shows_each_error_next_to_its_field_and_writes_nothing(county, client_for):
    data = {**_new_member(county), "id_number": NEW_NUMBER[:17] + "0" if NEW_NUMBER[17] != "0" else "1"}
    data["converted_on"] = "2015-08-01"
    before = Member.objects.count()
    response = client_for("admin").post(reverse("members:create"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "校验码错误" in body and "党章 第7条" in body
    assert Member.objects.count() == before


def test_create_without_a_branch_asks_for_one(county, client_for):
    data = _new_member(county)
    del data["org"]
    response = client_for("admin").post(reverse("members:create"), data)
    assert response.status_code == 422
    assert "请选择党员所在的党支部" in response.content.decode()


def test_branch_picker_searches_by_htmx(county, client_for):
    response = client_for("admin").get(
        reverse("members:create") + "?q=%E4%B8%99", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="branch-options"
    )
    body = response.content.decode()
    assert "丙村党支部" in body and "甲村党支部" not in body and "<form" not in body


def test_choosing_a_branch_offers_its_party_groups(county, client_for):
    response = client_for("admin").get(
        reverse("members:create") + f"?org={county.village_a1.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="group-field",
    )
    assert "甲村第一党小组" in response.content.decode()


def test_edit_keeps_personal_data_when_left_blank(county, client_for):
    member = county.own_member
    client = client_for("officer")
    page = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert member.id_number not in page and "留空则保持不变" in page
    response = client.post(
        reverse("members:edit", args=[member.pk]), {**_edit(county), "id_number": "", "phone": ""}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.work_unit == "甲村村委会" and member.phone == "13812345678"


def test_edit_of_a_member_who_died_is_refused_with_the_reason(county, client_for):
    member = make_member(county.village_a1, name="吴九", status="deceased")
    response = client_for("admin").get(reverse("members:edit", args=[member.pk]))
    assert response.status_code == 409
    assert "该党员已去世" in response.content.decode()


def test_the_export_link_carries_the_filters_shown(county, client_for):
    client = client_for("admin")
    query = f"?within={county.village_b1.pk}&gender=male&age_min=30"
    export_url = reverse("member_import:export") + query
    partial = client.get(
        reverse("members:roster") + query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="roster-results"
    )
    assert export_url.replace("&", "&amp;") in partial.content.decode()  # updated with every filter change
    exported = client.get(export_url)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
