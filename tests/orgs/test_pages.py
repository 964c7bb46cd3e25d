"""The organization pages: who may open what (access matrix), and what the write pages do.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1, 10 members) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2, 3 members)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1, 5 members)
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.orgs.models import LeadershipPosition, Organization

from ..factories import PositionFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)
TODAY = timezone.localdate()


def statuses(admin, officer, secretary, secretary_b, member, reviewer, anonymous):
    return dict(
        zip(PERSONAS, (admin, officer, secretary, secretary_b, member, reviewer, anonymous), strict=True)
    )


def _position(county):
    return PositionFactory(org=county.village_a1, post="deputy_secretary", person_name="王副书记")


# page → (method, url(county, position), form data(county), expected status per persona)
# 302 for the anonymous visitor is the redirect to the sign-in page; a successful write also answers 302.
PAGES = {
    "home": ("get", lambda c, p: reverse("core:home"), None, statuses(200, 200, 200, 200, 200, 200, 302)),
    "tree": ("get", lambda c, p: reverse("orgs:tree"), None, statuses(200, 200, 200, 200, 403, 403, 302)),
    "tree children partial": (
        "get",
        lambda c, p: reverse("orgs:children", args=[c.town_a.pk]),
        None,
        statuses(200, 200, 404, 404, 403, 403, 302),
    ),
    "search": (
        "get",
        lambda c, p: reverse("orgs:search") + "?q=%E6%9D%91",
        None,
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "detail in scope (甲村)": (
        "get",
        lambda c, p: reverse("orgs:detail", args=[c.village_a1.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "detail out of scope (丙村)": (
        "get",
        lambda c, p: reverse("orgs:detail", args=[c.village_b1.pk]),
        None,
        statuses(200, 404, 404, 200, 403, 403, 302),
    ),
    "detail tab via htmx": (
        "get",
        lambda c, p: reverse("orgs:detail", args=[c.village_a1.pk]) + "?tab=history",
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "create child GET": (
        "get",
        lambda c, p: reverse("orgs:create_child", args=[c.village_a1.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "create child POST": (
        "post",
        lambda c, p: reverse("orgs:create_child", args=[c.village_a1.pk]),
        lambda c: {
            "name": "第二党小组",
            "code": "A1G2",
            "kind": "group",
            "domain": "rural",
            "unit_count": "1",
        },
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "edit GET (own branch of the secretary)": (
        "get",
        lambda c, p: reverse("orgs:edit", args=[c.village_a1.pk]),
        None,
        statuses(200, 200, 403, 404, 403, 403, 302),
    ),
    "edit POST": (
        "post",
        lambda c, p: reverse("orgs:edit", args=[c.village_a1.pk]),
        lambda c: {"name": "甲村党总支", "code": "A1", "domain": "rural", "unit_count": "1"},
        statuses(302, 302, 403, 404, 403, 403, 302),
    ),
    "term GET": (
        "get",
        lambda c, p: reverse("orgs:term", args=[c.village_a1.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "term POST": (
        "post",
        lambda c, p: reverse("orgs:term", args=[c.village_a1.pk]),
        lambda c: {"term_started_on": "2025-01-15"},
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "move GET": (
        "get",
        lambda c, p: reverse("orgs:move", args=[c.village_a1.pk]),
        None,
        statuses(200, 200, 403, 404, 403, 403, 302),
    ),
    # The officer's scope holds no other committee, so 丙镇党委 is not a choice for them: 422.
    "move POST": (
        "post",
        lambda c, p: reverse("orgs:move", args=[c.village_a1.pk]),
        lambda c: {"parent": str(c.town_b.pk)},
        statuses(302, 422, 403, 404, 403, 403, 302),
    ),
    "dissolve GET": (
        "get",
        lambda c, p: reverse("orgs:dissolve", args=[c.group_a1.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "dissolve POST": (
        "post",
        lambda c, p: reverse("orgs:dissolve", args=[c.group_a1.pk]),
        lambda c: {"dissolved_on": TODAY.isoformat(), "reason": "党员人数减少，并入支部"},
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "appoint GET": (
        "get",
        lambda c, p: reverse("orgs:appoint", args=[c.village_a1.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "appoint POST": (
        "post",
        lambda c, p: reverse("orgs:appoint", args=[c.village_a1.pk]),
        lambda c: {"post": "secretary", "member": str(c.own_member.pk), "started_on": "2025-01-15"},
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "end position GET": (
        "get",
        lambda c, p: reverse("orgs:position_end", args=[c.village_a1.pk, p.pk]),
        None,
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "end position POST": (
        "post",
        lambda c, p: reverse("orgs:position_end", args=[c.village_a1.pk, p.pk]),
        lambda c: {"ended_on": TODAY.isoformat(), "reason": "换届"},
        statuses(302, 302, 302, 404, 403, 403, 302),
    ),
    "audit log": (
        "get",
        lambda c, p: reverse("core:audit_log"),
        None,
        statuses(200, 403, 403, 403, 403, 403, 302),
    ),
}

MATRIX = [(page, persona) for page in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(
    ("page", "persona"), MATRIX, ids=[f"{page}-{persona or 'anonymous'}" for page, persona in MATRIX]
)
def test_access_matrix(page, persona, county, client_for):
    method, url, data, expected = PAGES[page]
    position = _position(county)
    client = client_for(persona)
    target = url(county, position)
    extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "org-tabs"} if "htmx" in page else {}
    response = client.get(target, **extra) if method == "get" else client.post(target, data(county))
    assert response.status_code == expected[persona], response.content.decode()[:2000]
    if persona is None:
        assert response.url.startswith(reverse("accounts:login"))


def test_forbidden_page_says_why_in_chinese(county, client_for):
    response = client_for("secretary").get(reverse("orgs:edit", args=[county.village_a1.pk]))
    assert response.status_code == 403
    assert "本组织的设立、调整和撤销由上级党组织决定" in response.content.decode()


def test_out_of_scope_page_is_404_in_chinese(county, client_for):
    response = client_for("officer").get(reverse("orgs:detail", args=[county.village_b1.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "丙村" not in body


# --- the tree ----------------------------------------------------------------------------------------------


def test_tree_shows_scope_root_with_children_and_member_counts(county, client_for):
    body = client_for("officer").get(reverse("orgs:tree")).content.decode()
    assert "甲镇党委" in body and "甲村党支部" in body and "乙村党支部" in body
    assert "丙镇党委" not in body and "旌德县委" not in body.split("<main")[1]
    # 甲村 is expandable (it has a 党小组), loaded lazily from the children partial.
    assert reverse("orgs:children", args=[county.village_a1.pk]) in body


def test_children_partial_lists_rows_with_counts(county, client_for):
    response = client_for("admin").get(
        reverse("orgs:children", args=[county.town_a.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "甲村党支部" in body and "乙村党支部" in body
    assert ">11<" in body  # 甲村: 8 full + 2 probationary + 李华
    assert ">3<" in body  # 乙村


def test_dissolved_orgs_are_hidden_unless_asked_for(county, client_for):
    Organization.objects.filter(pk=county.village_a2.pk).update(dissolved_on=dt.date(2024, 1, 1))
    client = client_for("admin")
    url = reverse("orgs:children", args=[county.town_a.pk])
    assert "乙村党支部" not in client.get(url).content.decode()
    shown = client.get(url + "?dissolved=1").content.decode()
    assert "乙村党支部" in shown and "已撤销" in shown


def test_search_by_exact_code_shows_the_path(county, client_for):
    response = client_for("admin").get(reverse("orgs:search") + "?q=A1G1", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "甲村第一党小组" in body
    assert "旌德县委" in body and "甲镇党委" in body and "甲村党支部" in body  # the hit's path
    assert response["HX-Push-Url"] == reverse("orgs:tree") + "?q=A1G1"


def test_search_stays_inside_scope(county, client_for):
    body = client_for("officer").get(reverse("orgs:tree") + "?q=%E4%B8%99").content.decode()  # 丙
    assert "丙村党支部" not in body
    assert "没有找到符合条件的组织" in body


def test_kind_filter_is_kept_in_the_url(county, client_for):
    body = client_for("admin").get(reverse("orgs:tree") + "?kind=branch").content.decode()
    assert "乙村党支部" in body and "丙村党支部" in body and "甲村第一党小组" not in body
    assert '<option value="branch" selected>' in body


# --- the detail page ---------------------------------------------------------------------------------------


def test_detail_shows_header_counts_and_findings(county, client_for):
    client = client_for("secretary")
    body = client.get(reverse("orgs:detail", args=[county.village_a1.pk])).content.decode()
    assert "甲村党支部" in body and "党支部" in body and "农村" in body and "A1" in body
    assert "项问题" in body
    structure = client.get(reverse("orgs:detail", args=[county.village_a1.pk]) + "?tab=structure")
    text = structure.content.decode()
    # 9 full members and no committee: an error, shown with an icon and the word, and its source.
    assert "应设立由 3 至 5 人组成的支部委员会" in text
    assert "bi-x-octagon-fill" in text and "问题" in text and "支部条例 第20条" in text


def test_secretary_is_offered_only_what_they_may_do(county, client_for):
    body = client_for("secretary").get(reverse("orgs:detail", args=[county.village_a1.pk])).content.decode()
    assert reverse("orgs:create_child", args=[county.village_a1.pk]) in body
    assert reverse("orgs:appoint", args=[county.village_a1.pk]) in body
    assert reverse("orgs:edit", args=[county.village_a1.pk]) not in body
    assert reverse("orgs:move", args=[county.village_a1.pk]) not in body
    assert reverse("orgs:dissolve", args=[county.village_a1.pk]) not in body


def test_tabs_load_as_htmx_partials_and_history_restores_whole_pages(county, client_for):
    client = client_for("officer")
    url = reverse("orgs:detail", args=[county.village_a1.pk]) + "?tab=children"
    partial = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="org-tabs").content.decode()
    assert "<html" not in partial and "甲村第一党小组" in partial and 'aria-current="page"' in partial
    restore = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true").content.decode()
    assert "<html" in restore and "甲村第一党小组" in restore


def test_team_tab_shows_term_and_positions(county, client_for):
    PositionFactory(
        org=county.village_a1, post="secretary", person_name="赵书记", started_on=dt.date(2022, 1, 10)
    )
    PositionFactory(
        org=county.village_a1,
        post="organization",
        person_name="钱委员",
        started_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2021, 12, 31),
        end_reason="换届",
    )
    body = (
        client_for("officer")
        .get(reverse("orgs:detail", args=[county.village_a1.pk]) + "?tab=team")
        .content.decode()
    )
    assert "赵书记" in body and "2022-01-10" in body
    assert "2027-01-10" in body  # 5-year term of a village branch
    assert "钱委员" in body and "历任" in body


def test_history_tab_lists_the_orgs_audit_entries(county, client_for, personas):
    client = client_for("officer")
    client.post(
        reverse("orgs:edit", args=[county.village_a2.pk]),
        {"name": "乙村联合党支部", "code": "A2", "domain": "rural", "unit_count": "2"},
    )
    body = client.get(reverse("orgs:detail", args=[county.village_a2.pk]) + "?tab=history").content.decode()
    assert "更名为“乙村联合党支部”" in body
    assert "乙村党支部" in body and "乙村联合党支部" in body  # before → after
    assert "xiangzhen" in body


# --- writes ------------------------------------------------------------------------------------------------


def test_secretary_creates_a_party_group_and_it_is_audited(county, client_for, personas):
    response = client_for("secretary").post(
        reverse("orgs:create_child", args=[county.village_a1.pk]),
        {"name": "甲村第二党小组", "code": "A1G2", "kind": "group", "domain": "rural", "unit_count": "1"},
        follow=True,
    )
    group = Organization.objects.get(code="A1G2")
    assert group.parent == county.village_a1 and group.kind == "group"
    assert response.redirect_chain[-1][0] == reverse("orgs:detail", args=[group.pk])
    assert "已在“甲村党支部”下设立党小组“甲村第二党小组”" in response.content.decode()
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(group.pk))
    assert entry.action == "create" and entry.actor == personas.secretary and entry.org == group


def test_secretary_is_offered_only_the_party_group_kind(county, client_for):
    client = client_for("secretary")
    body = client.get(reverse("orgs:create_child", args=[county.village_a1.pk])).content.decode()
    assert '<option value="group"' in body and '<option value="branch"' not in body
    response = client.post(
        reverse("orgs:create_child", args=[county.village_a1.pk]),
        {"name": "甲村第二支部", "code": "A1B2", "kind": "branch", "domain": "rural", "unit_count": "1"},
    )
    assert response.status_code == 422
    assert not Organization.objects.filter(code="A1B2").exists()


def test_officer_renames_and_it_is_in_the_history(county, client_for):
    response = client_for("officer").post(
        reverse("orgs:edit", args=[county.village_a1.pk]),
        {"name": "甲村党总支部", "code": "A1", "domain": "rural", "unit_count": "1"},
        follow=True,
    )
    assert "“甲村党支部”已更名为“甲村党总支部”" in response.content.decode()
    county.village_a1.refresh_from_db()
    assert county.village_a1.name == "甲村党总支部"
    entry = AuditEntry.objects.get(org=county.village_a1, action="update")
    assert entry.before["name"] == "甲村党支部" and entry.after["name"] == "甲村党总支部"


def test_dissolve_is_refused_while_members_remain(county, client_for):
    before = AuditEntry.objects.exclude(action="login").count()
    response = client_for("officer").post(
        reverse("orgs:dissolve", args=[county.village_a2.pk]),
        {"dissolved_on": TODAY.isoformat(), "reason": "合并"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "不能办理" in body and "该组织还有 3 名党员" in body
    county.village_a2.refresh_from_db()
    assert county.village_a2.dissolved_on is None
    assert AuditEntry.objects.exclude(action="login").count() == before


def test_dissolve_of_an_empty_group_works(county, client_for):
    response = client_for("secretary").post(
        reverse("orgs:dissolve", args=[county.group_a1.pk]),
        {"dissolved_on": TODAY.isoformat(), "reason": "并入支部"},
    )
    assert response.status_code == 302
    county.group_a1.refresh_from_db()
    assert county.group_a1.dissolved_on == TODAY
    # A dissolved organization offers no more actions, and its forms say why.
    again = client_for("secretary").get(reverse("orgs:appoint", args=[county.group_a1.pk]))
    assert again.status_code == 409 and "已于" in again.content.decode()


def test_move_puts_the_subtree_under_the_new_parent(county, client_for):
    response = client_for("admin").post(
        reverse("orgs:move", args=[county.village_a1.pk]), {"parent": str(county.town_b.pk)}
    )
    assert response.status_code == 302
    county.group_a1.refresh_from_db()
    assert county.group_a1.path.startswith(county.town_b.path)


def test_move_page_searches_parent_options_with_htmx(county, client_for):
    response = client_for("admin").get(
        reverse("orgs:move", args=[county.village_a1.pk]) + "?q=%E4%B8%99",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="parent-options",
    )
    body = response.content.decode()
    assert "丙镇党委" in body and "<html" not in body
    assert "甲镇党委" not in body.replace("旌德县委", "")  # the current parent is not offered


def test_appoint_and_end_a_position(county, client_for):
    client = client_for("secretary")
    response = client.post(
        reverse("orgs:appoint", args=[county.village_a1.pk]),
        {
            "post": "secretary",
            "member": str(county.own_member.pk),
            "started_on": "2024-03-01",
            "decision_ref": "甲镇委〔2024〕3号",
        },
    )
    assert response.status_code == 302
    position = LeadershipPosition.objects.get(org=county.village_a1, post="secretary")
    assert position.person_name == "李华" and position.member == county.own_member
    second = client.post(
        reverse("orgs:appoint", args=[county.village_a1.pk]),
        {"post": "secretary", "person_name": "周某", "started_on": "2024-03-01"},
    )
    assert second.status_code == 409 and "现任书记为李华" in second.content.decode()
    ended = client.post(
        reverse("orgs:position_end", args=[county.village_a1.pk, position.pk]),
        {"ended_on": "2024-02-01", "reason": "调离"},
    )
    assert ended.status_code == 422 and "离任日期不能早于任职日期" in ended.content.decode()
    ok = client.post(
        reverse("orgs:position_end", args=[county.village_a1.pk, position.pk]),
        {"ended_on": TODAY.isoformat(), "reason": "调离"},
    )
    assert ok.status_code == 302
    position.refresh_from_db()
    assert position.ended_on == TODAY


def test_appoint_needs_a_member_or_a_name(county, client_for):
    response = client_for("officer").post(
        reverse("orgs:appoint", args=[county.village_a1.pk]),
        {"post": "publicity", "started_on": "2024-03-01"},
    )
    assert response.status_code == 422
    assert "请填写姓名或选择党员" in response.content.decode()


def test_appoint_rejects_a_member_of_another_branch(county, client_for):
    other = county.village_b1.members.first()
    response = client_for("admin").post(
        reverse("orgs:appoint", args=[county.village_a1.pk]),
        {"post": "publicity", "member": str(other.pk), "started_on": "2024-03-01"},
    )
    assert response.status_code == 422
    assert not LeadershipPosition.objects.filter(org=county.village_a1).exists()


# --- bad input: a Chinese message next to the field, and nothing changed ------------------------------------


def _snapshot():
    return (
        list(Organization.objects.values_list("pk", "name", "code", "term_started_on", "dissolved_on")),
        AuditEntry.objects.exclude(action="login").count(),
    )


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        (
            "create_child",
            {"name": "", "code": "A1G9", "kind": "group", "domain": "rural", "unit_count": "1"},
            "请填写组织名称",
        ),
        (
            "create_child",
            {"name": "重复编码小组", "code": "B1", "kind": "group", "domain": "rural", "unit_count": "1"},
            "组织编码“B1”已被使用",
        ),
        (
            "create_child",
            {
                "name": "未来小组",
                "code": "A1G9",
                "kind": "group",
                "domain": "rural",
                "unit_count": "1",
                "established_on": (TODAY + dt.timedelta(days=3)).isoformat(),
            },
            "成立日期不能晚于今天",
        ),
        (
            "create_child",
            {"name": "坏日期小组", "code": "A1G9", "kind": "group", "domain": "rural", "unit_count": "0"},
            "覆盖单位数至少为 1",
        ),
        ("edit", {"name": "  ", "code": "A1", "domain": "rural", "unit_count": "1"}, "请填写组织名称"),
        (
            "edit",
            {"name": "甲村党支部", "code": "A2", "domain": "rural", "unit_count": "1"},
            "组织编码“A2”已被使用",
        ),
        ("term", {"term_started_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "选举日期不能晚于今天"),
        ("term", {"term_started_on": "2024-13-45"}, "日期格式应为"),
        (
            "dissolve_group",
            {"dissolved_on": (TODAY + dt.timedelta(days=1)).isoformat(), "reason": "x"},
            "撤销日期不能晚于今天",
        ),
        ("dissolve_group", {"dissolved_on": TODAY.isoformat(), "reason": ""}, "请填写撤销原因或批复文号"),
        (
            "appoint",
            {
                "post": "secretary",
                "person_name": "孙某",
                "started_on": (TODAY + dt.timedelta(days=1)).isoformat(),
            },
            "任职日期不能晚于今天",
        ),
    ],
)
def test_bad_input_shows_chinese_message_and_changes_nothing(page, data, message, county, client_for):
    pk = county.group_a1.pk if page == "dissolve_group" else county.village_a1.pk
    url_name = {"dissolve_group": "dissolve", "create_child": "create_child"}.get(page, page)
    before = _snapshot()
    response = client_for("admin").post(reverse(f"orgs:{url_name}", args=[pk]), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert "invalid-feedback" in body or "alert" in body
    assert _snapshot() == before


def test_history_names_codes_members_and_only_parents_in_scope(county, client_for, personas):
    from django.test import Client

    from dangjian.accounts.models import User

    admin = client_for("admin")
    admin.post(
        reverse("orgs:appoint", args=[county.village_a2.pk]),
        {
            "post": "organization",
            "member": str(county.village_a2.members.first().pk),
            "started_on": "2024-03-01",
        },
    )
    admin.post(reverse("orgs:move", args=[county.village_a2.pk]), {"parent": str(county.town_b.pk)})
    url = reverse("orgs:detail", args=[county.village_a2.pk]) + "?tab=history"
    body = admin.get(url).content.decode()
    assert "组织委员" in body and "党员0" in body  # the post's label and the member's name, not codes
    assert "甲镇党委" in body and "丙镇党委" in body  # 上级组织 before → after
    # An officer of 丙镇 sees the move but not the name of the township it came from.
    officer_b = User.objects.create_user(
        username="bingzhen", password="x", role="committee_officer", org=county.town_b
    )
    client = Client()
    client.force_login(officer_b)
    seen = client.get(url).content.decode()
    assert "丙镇党委" in seen and "甲镇党委" not in seen and "管理范围外的组织" in seen
