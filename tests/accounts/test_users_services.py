"""The rules of account management, at the service layer (accounts.services).

County admin (admin): every account of the county, any role, never demoting or deactivating themselves.
Committee officer (xiangzhen, 甲镇): branch-secretary and member accounts of 甲镇 only.
"""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, User
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member

from ..conftest import PASSWORD
from ..factories import make_member

pytestmark = pytest.mark.django_db

STRONG = "Hongqi-2026-pass"


def _create(actor, **overrides):
    values = {
        "username": "xinzhanghao",
        "display_name": "新账号",
        "role": "branch_secretary",
        "org": None,
        "password": STRONG,
    }
    values.update(overrides)
    return services.user_create(actor=actor, **values)


def _field(exc: pytest.ExceptionInfo) -> str:
    return exc.value.errors[0]["field"]


def _token_works(raw: str) -> bool:
    response = Client().get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code == 200


def _signs_in(username: str, password: str) -> bool:
    response = Client().post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    return response.status_code == 200


# --- who may open which account ------------------------------------------------------------------------------


def test_the_officer_opens_a_secretary_account_in_their_township(personas, county):
    account = _create(personas.officer, org=county.village_a2)
    assert (account.role, account.org, account.is_active) == ("branch_secretary", county.village_a2, True)
    assert _signs_in("xinzhanghao", STRONG)


@pytest.mark.parametrize("role", ["county_admin", "committee_officer", "reviewer"])
def test_the_officer_cannot_open_an_account_of_a_higher_role(personas, county, role):
    with pytest.raises(PermissionDenied):
        _create(personas.officer, role=role, org=county.town_a)
    assert not User.objects.filter(username="xinzhanghao").exists()


def test_the_officer_cannot_open_accounts_outside_their_township(personas, county):
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        _create(personas.officer, org=county.village_b1)


@pytest.mark.parametrize("persona", ["secretary", "member", "reviewer"])
def test_nobody_else_manages_accounts(personas, county, persona):
    with pytest.raises(PermissionDenied, match="无权管理用户账号"):
        _create(getattr(personas, persona), org=county.village_a1)
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=getattr(personas, persona), user=personas.member, password=STRONG)


def test_the_county_admin_opens_an_officer_account_on_a_committee(personas, county):
    account = _create(personas.admin, role="committee_officer", org=county.town_b)
    assert account.org == county.town_b


@pytest.mark.parametrize(
    ("role", "org", "message"),
    [
        ("branch_secretary", "town_a", "应属于党支部或党总支"),
        ("committee_officer", "village_a1", "应属于党委或党工委"),
        ("county_admin", "village_a1", "应属于党委或党工委"),
        ("reviewer", "group_a1", "党小组不单独开设账号"),
    ],
)
def test_the_organization_must_fit_the_role(personas, county, role, org, message):
    with pytest.raises(ValidationFailed, match=message) as exc:
        _create(personas.admin, role=role, org=getattr(county, org))
    assert _field(exc) == "org"


def test_a_dissolved_organization_takes_no_accounts(personas, county):
    county.village_a2.dissolved_on = dt.date(2025, 1, 1)
    county.village_a2.save()
    with pytest.raises(ValidationFailed, match="已撤销") as exc:
        _create(personas.admin, org=county.village_a2)
    assert _field(exc) == "org"


# --- member accounts --------------------------------------------------------------------------------------------


def _free_member(org) -> Member:
    return Member.objects.filter(org=org, account__isnull=True).order_by("pk").first()


def test_a_member_account_is_linked_to_a_member_of_that_branch(personas, county):
    member = _free_member(county.village_a1)
    account = _create(personas.officer, role="member", org=county.village_a1, member=member)
    assert account.member == member


def test_a_member_account_needs_a_member(personas, county):
    with pytest.raises(ValidationFailed, match="须关联本支部名册中的一名党员") as exc:
        _create(personas.officer, role="member", org=county.village_a1)
    assert _field(exc) == "member"


def test_a_member_account_needs_a_member_of_that_branch(personas, county):
    other = _free_member(county.village_a2)
    with pytest.raises(ValidationFailed, match="组织关系不在“甲村党支部”") as exc:
        _create(personas.officer, role="member", org=county.village_a1, member=other)
    assert _field(exc) == "member"


def test_a_member_has_only_one_account(personas, county):
    with pytest.raises(ValidationFailed, match="已有账号“dangyuan”") as exc:
        _create(personas.officer, role="member", org=county.village_a1, member=county.own_member)
    assert _field(exc) == "member"


def test_a_member_who_left_gets_no_account(personas, county):
    gone = make_member(county.village_a1, name="王已故", status="deceased")
    with pytest.raises(ValidationFailed, match="党籍状态为“去世”"):
        _create(personas.officer, role="member", org=county.village_a1, member=gone)


# --- user name and password -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["zhibu", "ZhiBu", " zhibu "])
def test_user_names_are_unique_regardless_of_case(personas, county, username):
    with pytest.raises(ValidationFailed, match="已被使用") as exc:
        _create(personas.admin, username=username, org=county.village_a1)
    assert _field(exc) == "username"


@pytest.mark.parametrize("username", ["", "li ming", "a/b", "x" * 151])
def test_bad_user_names_are_refused(personas, county, username):
    with pytest.raises(ValidationFailed) as exc:
        _create(personas.admin, username=username, org=county.village_a1)
    assert _field(exc) == "username"


def test_a_chinese_user_name_is_fine(personas, county):
    assert _create(personas.admin, username="李明", org=county.village_a1).username == "李明"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "请填写密码"),
        ("Ab1-", "至少需要 8 个字符"),
        ("12345678901", "密码不能全是数字"),
        ("password123", "密码过于常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(personas, county, password, message):
    with pytest.raises(ValidationFailed, match=message) as exc:
        _create(personas.admin, org=county.village_a1, password=password)
    assert _field(exc) == "password"
    assert not User.objects.filter(username="xinzhanghao").exists()


# --- changing an account ----------------------------------------------------------------------------------------


def test_the_officer_cannot_touch_accounts_outside_their_subtree(personas):
    outside = personas.secretary_b
    for call in (
        lambda: services.user_update(actor=personas.officer, user=outside, display_name="x"),
        lambda: services.user_set_password(actor=personas.officer, user=outside, password=STRONG),
        lambda: services.user_deactivate(actor=personas.officer, user=outside),
        lambda: services.user_unlock(actor=personas.officer, user=outside),
        lambda: services.user_tokens_revoke(actor=personas.officer, user=outside),
    ):
        with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
            call()
    outside.refresh_from_db()
    assert outside.is_active and outside.display_name == "zhibu_b"


def test_the_officer_cannot_manage_officer_accounts_not_even_their_own(personas, county):
    colleague = User.objects.create_user(
        "tongshi", password=PASSWORD, role="committee_officer", org=county.town_a
    )
    for target in (colleague, personas.officer):
        with pytest.raises(PermissionDenied, match="只能管理党支部书记和党员的账号"):
            services.user_update(actor=personas.officer, user=target, display_name="x")


def test_the_officer_cannot_promote_a_secretary(personas, county):
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=personas.officer, user=personas.secretary, role="committee_officer", org=county.town_a
        )
    personas.secretary.refresh_from_db()
    assert personas.secretary.role == "branch_secretary"


def test_the_county_admin_cannot_deactivate_or_demote_themselves(personas, county):
    admin = personas.admin
    with pytest.raises(PermissionDenied, match="不能停用自己的账号"):
        services.user_deactivate(actor=admin, user=admin)
    with pytest.raises(PermissionDenied, match="不能停用自己的账号"):
        services.user_update(actor=admin, user=admin, is_active=False)
    with pytest.raises(PermissionDenied, match="不能更改自己的角色"):
        services.user_update(actor=admin, user=admin, role="reviewer")
    with pytest.raises(PermissionDenied, match="不能更改自己的所属组织"):
        services.user_update(actor=admin, user=admin, org=county.town_a)
    admin.refresh_from_db()
    assert (admin.is_active, admin.role, admin.org) == (True, "county_admin", county.root)
    # Their own name and password are theirs to change.
    services.user_update(actor=admin, user=admin, display_name="县委组织部")
    services.user_set_password(actor=admin, user=admin, password=STRONG)


def test_the_county_admin_may_deactivate_another_admin(personas, county):
    other = User.objects.create_user("admin2", password=PASSWORD, role="county_admin", org=county.root)
    services.user_deactivate(actor=personas.admin, user=other)
    assert not User.objects.get(pk=other.pk).is_active


def test_moving_a_secretary_to_another_branch_and_making_them_a_member(personas, county):
    member = _free_member(county.village_a2)
    account = services.user_update(
        actor=personas.officer, user=personas.secretary, role="member", org=county.village_a2, member=member
    )
    assert (account.role, account.org, account.member) == ("member", county.village_a2, member)


def test_an_unchanged_account_records_nothing(personas):
    before = AuditEntry.objects.count()
    services.user_update(actor=personas.admin, user=personas.secretary, display_name="zhibu")
    assert AuditEntry.objects.count() == before


# --- deactivation, tokens, lock-out --------------------------------------------------------------------------------


def test_deactivation_revokes_tokens_and_blocks_sign_in(personas):
    raw = services.api_token_issue(user=personas.secretary)
    assert _token_works(raw)
    services.user_deactivate(actor=personas.officer, user=personas.secretary)
    assert not _token_works(raw)
    assert ApiToken.objects.filter(user=personas.secretary, revoked=False).count() == 0
    assert not _signs_in("zhibu", PASSWORD)
    with pytest.raises(TransitionNotAllowed, match="该账号已停用"):
        services.user_deactivate(actor=personas.officer, user=personas.secretary)


def test_reactivation_lets_the_user_sign_in_again_but_not_with_old_tokens(personas):
    raw = services.api_token_issue(user=personas.secretary)
    services.user_deactivate(actor=personas.admin, user=personas.secretary)
    services.user_reactivate(actor=personas.admin, user=personas.secretary)
    assert _signs_in("zhibu", PASSWORD)
    assert not _token_works(raw)
    with pytest.raises(TransitionNotAllowed, match="该账号未停用"):
        services.user_reactivate(actor=personas.admin, user=personas.secretary)


def test_a_password_reset_revokes_tokens_and_replaces_the_old_password(personas):
    raw = services.api_token_issue(user=personas.secretary)
    services.user_set_password(actor=personas.officer, user=personas.secretary, password=STRONG)
    assert not _token_works(raw)
    assert _signs_in("zhibu", STRONG)
    assert not _signs_in("zhibu", PASSWORD)


def test_revoking_tokens_of_a_user(personas):
    first, second = (services.api_token_issue(user=personas.secretary) for _ in range(2))
    assert services.user_tokens_revoke(actor=personas.officer, user=personas.secretary) == 2
    assert not _token_works(first) and not _token_works(second)
    assert _signs_in("zhibu", PASSWORD)  # the account itself stays usable


def test_unlock_clears_a_lock_made_by_five_wrong_api_logins(personas):
    client = Client()
    for _attempt in range(5):
        client.post(
            "/api/v1/auth/token", {"username": "zhibu", "password": "wrong"}, content_type="application/json"
        )
    locked = client.post(
        "/api/v1/auth/token", {"username": "zhibu", "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 429
    assert services.user_unlock(actor=personas.officer, user=personas.secretary) >= 1
    entry = AuditEntry.objects.filter(object_id=str(personas.secretary.pk)).first()
    assert entry.summary.startswith("解除登录锁定") and entry.actor == personas.officer
    response = client.post(
        "/api/v1/auth/token", {"username": "zhibu", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200


# --- the audit trail -------------------------------------------------------------------------------------------------


def _entries_about(account):
    return list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(account.pk)).order_by("id")
    )


def test_every_write_is_audited_and_no_entry_holds_a_password(personas, county):
    actor = personas.officer
    account = _create(actor, org=county.village_a1)
    services.user_update(actor=actor, user=account, display_name="改名")
    services.user_set_password(actor=actor, user=account, password="Another-2026-pass")
    services.user_deactivate(actor=actor, user=account)
    services.user_reactivate(actor=actor, user=account)
    services.user_tokens_revoke(actor=actor, user=account)
    services.user_unlock(actor=actor, user=account)
    entries = _entries_about(account)
    assert [e.action for e in entries] == [
        "create",
        "update",
        "update",
        "update",
        "update",
        "update",
        "update",
    ]
    assert [e.summary for e in entries] == [
        "开设党支部书记/组织委员账号",
        "修改账号信息",
        "重设密码",
        "停用账号",
        "启用账号",
        "吊销接口令牌 0 个",
        "解除登录锁定（清除失败登录记录 0 条）",
    ]
    assert all(e.actor == actor and e.org == county.village_a1 for e in entries)
    assert entries[0].after == {
        "username": "xinzhanghao",
        "display_name": "新账号",
        "role": "branch_secretary",
        "org_id": county.village_a1.pk,
        "member_id": None,
        "is_active": True,
    }
    assert (entries[3].before["is_active"], entries[3].after["is_active"]) == (True, False)
    account.refresh_from_db()
    for entry in AuditEntry.objects.all():
        text = json.dumps([entry.summary, entry.before, entry.after, entry.object_repr], ensure_ascii=False)
        assert STRONG not in text and "Another-2026-pass" not in text
        assert "password" not in text and account.password not in text


def test_refused_writes_leave_no_entry(personas, county):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed):
        _create(personas.admin, org=county.village_a1, password="123")
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=personas.admin, user=personas.admin)
    assert AuditEntry.objects.count() == before
