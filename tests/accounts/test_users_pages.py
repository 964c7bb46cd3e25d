"""The account management pages (用户管理): who may open what (access matrix), and what the pages do.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 (officer xiangzhen) ─┬─ 甲村党支部 (zhibu, dangyuan)
                                     │                                └─ 乙村党支部
                                     └─ 丙镇党委 ─── 丙村党支部 (zhibu_b)
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import ApiToken, User
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)
NEW_PASSWORD = "Hongqi-2026-pass"


def statuses(admin, officer, secretary, secretary_b, member, reviewer, anonymous):
    return dict(
        zip(PERSONAS, (admin, officer, secretary, secretary_b, member, reviewer, anonymous), strict=True)
    )


@pytest.fixture
def t(county, personas):
    """The personas, the tree, and one deactivated account in 乙村党支部."""
    retired = User.objects.create_user(
        username="tuixiu",
        password=PASSWORD,
        role="branch_secretary",
        org=county.village_a2,
        display_name="退休书记",
        is_active=False,
    )
    return SimpleNamespace(c=county, p=personas, retired=retired)


def _free_member(t) -> Member:
    return Member.objects.filter(org=t.c.village_a1, account__isnull=True).order_by("pk").first()


def _url(name, *args):
    return lambda t: reverse(f"accounts:{name}", args=[arg(t) for arg in args])


def zhibu(t):
    return t.p.secretary.pk


def NO_DATA(t):
    return {}


FORBIDDEN = (403, 403, 403, 403, 302)  # secretary, secretary_b, member, reviewer, anonymous

# page → (method, url(t), form data(t), expected status per persona)
# 302 for the anonymous visitor is the redirect to the sign-in page; a successful write also answers 302.
PAGES = {
    "list": ("get", _url("users"), None, statuses(200, 200, *FORBIDDEN)),
    "list htmx": ("get", _url("users"), None, statuses(200, 200, *FORBIDDEN)),
    "create: choose organization": ("get", _url("user_create"), None, statuses(200, 200, *FORBIDDEN)),
    "create form (甲村)": (
        "get",
        lambda t: reverse("accounts:user_create") + f"?org={t.c.village_a1.pk}",
        None,
        statuses(200, 200, *FORBIDDEN),
    ),
    "create form (丙村)": (
        "get",
        lambda t: reverse("accounts:user_create") + f"?org={t.c.village_b1.pk}",
        None,
        statuses(200, 404, *FORBIDDEN),
    ),
    "create POST (member account in 甲村)": (
        "post",
        _url("user_create"),
        lambda t: {
            "org": t.c.village_a1.pk,
            "username": "xinzhanghao",
            "display_name": "新党员",
            "role": "member",
            "member": _free_member(t).pk,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
        statuses(302, 302, *FORBIDDEN),
    ),
    "detail (zhibu)": ("get", _url("user_detail", zhibu), None, statuses(200, 200, *FORBIDDEN)),
    "detail (zhibu_b, another township)": (
        "get",
        _url("user_detail", lambda t: t.p.secretary_b.pk),
        None,
        statuses(200, 404, *FORBIDDEN),
    ),
    "detail (the officer's own account)": (
        "get",
        _url("user_detail", lambda t: t.p.officer.pk),
        None,
        statuses(200, 200, *FORBIDDEN),
    ),
    "detail (the county admin)": (
        "get",
        _url("user_detail", lambda t: t.p.admin.pk),
        None,
        statuses(200, 404, *FORBIDDEN),
    ),
    "edit GET (zhibu)": ("get", _url("user_edit", zhibu), None, statuses(200, 200, *FORBIDDEN)),
    "edit GET (an officer's account)": (
        "get",
        _url("user_edit", lambda t: t.p.officer.pk),
        None,
        statuses(200, 403, *FORBIDDEN),
    ),
    "edit: choose another organization": (
        "get",
        lambda t: reverse("accounts:user_edit", args=[zhibu(t)]) + "?pick=1",
        None,
        statuses(200, 200, *FORBIDDEN),
    ),
    "edit POST (zhibu)": (
        "post",
        _url("user_edit", zhibu),
        lambda t: {"org": t.c.village_a1.pk, "display_name": "甲村书记", "role": "branch_secretary"},
        statuses(302, 302, *FORBIDDEN),
    ),
    "edit POST moving zhibu to 丙村": (
        "post",
        _url("user_edit", zhibu),
        lambda t: {"org": t.c.village_b1.pk, "display_name": "甲村书记", "role": "branch_secretary"},
        statuses(302, 404, *FORBIDDEN),
    ),
    "password GET": ("get", _url("user_password", zhibu), None, statuses(200, 200, *FORBIDDEN)),
    "password POST": (
        "post",
        _url("user_password", zhibu),
        lambda t: {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        statuses(302, 302, *FORBIDDEN),
    ),
    "deactivate POST (zhibu)": (
        "post",
        _url("user_deactivate", zhibu),
        NO_DATA,
        statuses(302, 302, *FORBIDDEN),
    ),
    "deactivate POST (zhibu_b)": (
        "post",
        _url("user_deactivate", lambda t: t.p.secretary_b.pk),
        NO_DATA,
        statuses(302, 404, *FORBIDDEN),
    ),
    "deactivate POST (the county admin)": (
        "post",
        _url("user_deactivate", lambda t: t.p.admin.pk),
        NO_DATA,
        statuses(403, 404, *FORBIDDEN),
    ),
    "deactivate GET is not a way in": (
        "get",
        _url("user_deactivate", zhibu),
        None,
        statuses(405, 405, 405, 405, 405, 405, 302),
    ),
    "reactivate POST": (
        "post",
        _url("user_reactivate", lambda t: t.retired.pk),
        NO_DATA,
        statuses(302, 302, *FORBIDDEN),
    ),
    "unlock POST": ("post", _url("user_unlock", zhibu), NO_DATA, statuses(302, 302, *FORBIDDEN)),
    "revoke tokens POST": (
        "post",
        _url("user_revoke_tokens", zhibu),
        NO_DATA,
        statuses(302, 302, *FORBIDDEN),
    ),
}

MATRIX = [(page, persona) for page in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(
    ("page", "persona"), MATRIX, ids=[f"{page}-{persona or 'anonymous'}" for page, persona in MATRIX]
)
def test_access_matrix(page, persona, t, client_for):
    method, url, data, expected = PAGES[page]
    client = client_for(persona)
    target = url(t)
    entries_before = AuditEntry.objects.count()
    if method == "get":
        extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "user-results"} if "htmx" in page else {}
        response = client.get(target, **extra)
    else:
        response = client.post(target, data(t))
    assert response.status_code == expected[persona], response.content.decode()[:2000]
    if persona is None:
        assert response.url.startswith(reverse("accounts:login"))
    if method == "post":
        written = AuditEntry.objects.count() - entries_before
        assert written == (1 if response.status_code == 302 and persona else 0)


# --- the list ------------------------------------------------------------------------------------------------


def _rows(response) -> set[str]:
    return {account.username for account in response.context["rows"]}


def test_the_officer_sees_the_accounts_of_their_township_only(t, client_for):
    response = client_for("officer").get(reverse("accounts:users"))
    assert _rows(response) == {"xiangzhen", "zhibu", "dangyuan", "tuixiu"}


def test_the_county_admin_sees_every_account_of_the_county(t, client_for):
    response = client_for("admin").get(reverse("accounts:users"))
    assert _rows(response) == {"admin", "xiangzhen", "zhibu", "zhibu_b", "dangyuan", "pingshen", "tuixiu"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?role=branch_secretary", {"zhibu", "zhibu_b", "tuixiu"}),
        ("?active=0", {"tuixiu"}),
        ("?active=1&role=branch_secretary", {"zhibu", "zhibu_b"}),
        ("?org=甲村", {"zhibu", "dangyuan"}),
        ("?org=B1", {"zhibu_b"}),
        ("?q=ZHIBU", {"zhibu", "zhibu_b"}),
        (
            "?role=nonsense&sort=nonsense",
            {"admin", "xiangzhen", "zhibu", "zhibu_b", "dangyuan", "pingshen", "tuixiu"},
        ),
    ],
)
def test_list_filters(t, client_for, query, expected):
    response = client_for("admin").get(reverse("accounts:users") + query)
    assert response.status_code == 200
    assert _rows(response) == expected


def test_the_filter_bar_updates_the_results_with_htmx_and_keeps_the_filters_in_the_url(t, client_for):
    client = client_for("admin")
    page = client.get(reverse("accounts:users") + "?role=member").content.decode()
    assert 'hx-push-url="true"' in page and 'hx-target="#user-results"' in page
    assert '<option value="member" selected>' in page
    partial = client.get(
        reverse("accounts:users") + "?role=member", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="user-results"
    ).content.decode()
    assert "<html" not in partial and "dangyuan" in partial and "zhibu_b" not in partial


def test_the_list_is_paginated(t, client_for, county):
    for i in range(55):
        User.objects.create_user(
            username=f"zh{i:02d}", password=PASSWORD, role="branch_secretary", org=county.village_a2
        )
    client = client_for("admin")
    first = client.get(reverse("accounts:users") + "?sort=username")
    assert len(first.context["rows"]) == 50
    assert "page=2" in first.content.decode()
    second = client.get(reverse("accounts:users") + "?sort=username&page=2")
    assert len(second.context["rows"]) == 62 - 50
    assert not _rows(first) & _rows(second)


def test_a_locked_account_is_marked_in_the_list(t, client_for, client):
    _lock(client, "zhibu")
    page = client_for("admin").get(reverse("accounts:users") + "?q=zhibu").content.decode()
    assert "登录已锁定" in page


def test_the_navigation_offers_account_management_to_managers_only(t, client_for):
    for persona, shown in [("admin", True), ("officer", True), ("secretary", False), ("member", False)]:
        page = client_for(persona).get(reverse("core:home")).content.decode()
        assert (reverse("accounts:users") in page) == shown, persona


# --- opening an account ----------------------------------------------------------------------------------------


def test_the_organization_picker_searches_with_htmx(t, client_for):
    client = client_for("officer")
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert "甲村党支部" in page and "丙村党支部" not in page
    assert "甲村第一党小组" not in page  # a 党小组 keeps no accounts
    partial = client.get(
        reverse("accounts:user_create") + "?q=乙村", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="org-options"
    ).content.decode()
    assert "<html" not in partial and "乙村党支部" in partial and "甲村党支部" not in partial


def test_the_officer_is_offered_only_secretary_and_member_roles(t, client_for):
    response = client_for("officer").get(reverse("accounts:user_create") + f"?org={t.c.village_a1.pk}")
    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert roles == ["", "branch_secretary", "member"]


def test_the_member_choice_lists_the_branch_members_without_an_account(t, client_for):
    response = client_for("admin").get(reverse("accounts:user_create") + f"?org={t.c.village_a1.pk}")
    members = set(response.context["form"].fields["member"].queryset)
    assert t.c.own_member not in members  # dangyuan's own record already has an account
    assert members == set(Member.objects.filter(org=t.c.village_a1).exclude(pk=t.c.own_member.pk))


def test_opening_an_account_lets_its_owner_sign_in(t, client_for, client):
    member = _free_member(t)
    response = client_for("officer").post(
        reverse("accounts:user_create"),
        {
            "org": t.c.village_a1.pk,
            "username": "liming",
            "display_name": "黎明",
            "role": "member",
            "member": member.pk,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    account = User.objects.get(username="liming")
    assert response.url == reverse("accounts:user_detail", args=[account.pk])
    assert (account.role, account.org, account.member) == ("member", t.c.village_a1, member)
    assert signs_in("liming", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "ZHIBU"}, "username", "用户名“ZHIBU”已被使用"),
        ({"username": "li ming"}, "username", "不能有空格"),
        ({"password": "12345678", "password_again": "12345678"}, "password", "密码不能全是数字"),
        ({"password": "abc", "password_again": "abc"}, "password", "至少需要 8 个字符"),
        ({"password_again": "something-else"}, "password_again", "两次输入的密码不一致"),
        ({"member": ""}, "member", "党员账号须关联本支部名册中的一名党员"),
        ({"role": "county_admin"}, "role", "请从列表中选择您可以设置的角色"),
        ({"role": ""}, "role", "请选择角色"),
        ({"display_name": ""}, "display_name", "请填写姓名"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_and_changes_nothing(t, client_for, change, field, message):
    data = {
        "org": t.c.village_a1.pk,
        "username": "liming",
        "display_name": "黎明",
        "role": "member",
        "member": _free_member(t).pk,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **change,
    }
    officer = client_for("officer")
    users, entries = User.objects.count(), AuditEntry.objects.count()
    response = officer.post(reverse("accounts:user_create"), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_a_dissolved_organization_is_refused_next_to_the_organization(t, client_for):
    t.c.village_a2.dissolved_on = t.c.village_a2.established_on or dt.date(2025, 1, 1)
    t.c.village_a2.save()
    response = client_for("admin").post(
        reverse("accounts:user_create"),
        {
            "org": t.c.village_a2.pk,
            "username": "liming",
            "display_name": "黎明",
            "role": "reviewer",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_org_error"' in body and "“乙村党支部”已撤销" in body
    assert not User.objects.filter(username="liming").exists()


# --- one account -----------------------------------------------------------------------------------------------


def _buttons(response) -> dict[str, bool]:
    body = response.content.decode()
    account = response.context["account"]
    names = ["user_edit", "user_password", "user_deactivate", "user_reactivate", "user_unlock"]
    return {name: reverse(f"accounts:{name}", args=[account.pk]) in body for name in names}


def test_the_account_page_offers_what_the_manager_may_do(t, client_for):
    buttons = _buttons(client_for("admin").get(reverse("accounts:user_detail", args=[t.p.secretary.pk])))
    assert buttons == {
        "user_edit": True,
        "user_password": True,
        "user_deactivate": True,
        "user_reactivate": False,
        "user_unlock": False,  # nothing to unlock
    }


def test_the_county_admin_is_not_offered_to_deactivate_themselves(t, client_for):
    buttons = _buttons(client_for("admin").get(reverse("accounts:user_detail", args=[t.p.admin.pk])))
    assert buttons["user_edit"] and not buttons["user_deactivate"]


def test_the_officer_sees_their_own_account_but_cannot_change_it(t, client_for):
    response = client_for("officer").get(reverse("accounts:user_detail", args=[t.p.officer.pk]))
    assert not any(_buttons(response).values())
    assert "党（工）委工作人员只能管理党支部书记和党员的账号" in response.content.decode()


def test_a_deactivated_account_is_offered_reactivation(t, client_for):
    buttons = _buttons(client_for("officer").get(reverse("accounts:user_detail", args=[t.retired.pk])))
    assert buttons["user_reactivate"] and not buttons["user_deactivate"]


def test_deactivating_from_the_page_ends_sign_in_and_tokens(t, client_for, api_for, client):
    headers = api_for("secretary")
    signed_in = client_for("secretary")
    response = client_for("officer").post(reverse("accounts:user_deactivate", args=[t.p.secretary.pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=t.p.secretary.pk).is_active
    assert client.get("/api/v1/orgs", **headers).status_code == 401
    assert signed_in.get(reverse("core:home")).status_code == 302  # the session no longer signs in
    assert not signs_in("zhibu", PASSWORD)


def test_deactivating_twice_says_why(t, client_for):
    client = client_for("admin")
    response = client.post(reverse("accounts:user_deactivate", args=[t.retired.pk]))
    assert response.status_code == 409
    assert "该账号已停用" in response.content.decode()


def test_unlock_button_clears_a_lock(t, client_for, client):
    _lock(client, "zhibu")
    detail = client_for("admin").get(reverse("accounts:user_detail", args=[t.p.secretary.pk]))
    assert _buttons(detail)["user_unlock"] and "登录已锁定" in detail.content.decode()
    client_for("admin").post(reverse("accounts:user_unlock", args=[t.p.secretary.pk]))
    response = client.post(
        "/api/v1/auth/token", {"username": "zhibu", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200


def test_editing_moves_a_secretary_to_another_branch(t, client_for):
    edit = reverse("accounts:user_edit", args=[t.p.secretary.pk])
    client = client_for("officer")
    picker = client.get(edit + "?pick=1").content.decode()
    assert f"{edit}?org={t.c.village_a2.pk}" in picker
    form = client.get(f"{edit}?org={t.c.village_a2.pk}").content.decode()
    assert "乙村党支部" in form and "保存后生效" in form
    response = client.post(
        edit, {"org": t.c.village_a2.pk, "display_name": "乙村书记", "role": "branch_secretary"}
    )
    assert response.status_code == 302
    account = User.objects.get(pk=t.p.secretary.pk)
    assert (account.org, account.display_name) == (t.c.village_a2, "乙村书记")
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(account.pk)).first()
    assert entry.before["org_id"] == t.c.village_a1.pk and entry.after["org_id"] == t.c.village_a2.pk


def test_the_officer_cannot_promote_a_secretary_through_a_forged_form(t, client_for):
    response = client_for("officer").post(
        reverse("accounts:user_edit", args=[t.p.secretary.pk]),
        {"org": t.c.village_a1.pk, "display_name": "zhibu", "role": "county_admin"},
    )
    assert response.status_code == 422
    assert User.objects.get(pk=t.p.secretary.pk).role == "branch_secretary"


def test_the_admin_cannot_change_their_own_role(t, client_for):
    client = client_for("admin")
    form = client.get(reverse("accounts:user_edit", args=[t.p.admin.pk]))
    assert form.context["form"].fields["role"].disabled
    assert "?pick=1" not in form.content.decode()
    response = client.post(
        reverse("accounts:user_edit", args=[t.p.admin.pk]),
        {"org": t.c.root.pk, "display_name": "县委组织部", "role": "member"},
    )
    assert response.status_code == 302
    admin = User.objects.get(pk=t.p.admin.pk)
    assert (admin.role, admin.display_name) == ("county_admin", "县委组织部")


def test_resetting_a_password_from_the_page(t, client_for, client):
    response = client_for("officer").post(
        reverse("accounts:user_password", args=[t.p.secretary.pk]),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signs_in("zhibu", NEW_PASSWORD)
    assert not ApiToken.objects.active().filter(user=t.p.secretary).exists()


def test_a_weak_new_password_is_refused_in_chinese(t, client_for, client):
    response = client_for("officer").post(
        reverse("accounts:user_password", args=[t.p.secretary.pk]),
        {"password": "password", "password_again": "password"},
    )
    assert response.status_code == 422
    assert "密码过于常见" in response.content.decode()
    assert signs_in("zhibu", PASSWORD)


def signs_in(username: str, password: str) -> bool:
    """The sign-in page accepts the pair (through axes and the audit, as a person would sign in)."""
    response = Client().post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


def _lock(client, username):
    for _attempt in range(5):
        client.post(
            "/api/v1/auth/token", {"username": username, "password": "wrong"}, content_type="application/json"
        )
    locked = client.post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 429


def test_a_taken_user_name_and_a_weak_password_are_both_reported_at_once(t, client_for):
    response = client_for("admin").post(
        reverse("accounts:user_create"),
        {
            "org": t.c.village_a1.pk,
            "username": "zhibu",
            "display_name": "黎明",
            "role": "reviewer",
            "password": "123",
            "password_again": "123",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "至少需要 8 个字符" in errors["password"][0]
    assert "已被使用" in errors["username"][0]
