"""The Django admin (/django-admin/) is a maintenance back door for superusers only.

It must load for a superuser, keep the audit log read-only, and never show a member's ID number or phone.
"""

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.models import AuditEntry

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(db):
    root = User.objects.create_superuser("weihu", password=PASSWORD, email="")
    client = Client()
    client.force_login(root)
    return client


@pytest.fixture
def entry(personas, county):
    return audit.record(actor=personas.admin, action="update", obj=county.village_a1, org=county.village_a1)


CHANGELISTS = [
    "accounts_user",
    "accounts_apitoken",
    "orgs_organization",
    "orgs_leadershipposition",
    "core_auditentry",
    "members_member",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_change_lists_load_for_a_superuser(superuser_client, personas, entry, model):
    response = superuser_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_change_forms_load_for_a_superuser(superuser_client, personas, county, entry):
    for url in (
        reverse("admin:accounts_user_change", args=[personas.member.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:orgs_organization_change", args=[county.village_a1.pk]),
        reverse("admin:members_member_change", args=[county.own_member.pk]),
        reverse("admin:core_auditentry_change", args=[entry.pk]),
    ):
        assert superuser_client.get(url).status_code == 200, url


def test_member_pages_hide_id_numbers_and_phones(superuser_client, county):
    member = county.own_member
    listing = superuser_client.get(reverse("admin:members_member_changelist")).content.decode()
    change = superuser_client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    for page in (listing, change):
        assert member.id_number not in page
        assert member.phone not in page
    assert mask_id_number(member.id_number) in change
    assert mask_phone(member.phone) in change
    assert 'name="id_number"' not in change and 'name="phone"' not in change
    assert mask_id_number(member.id_number) not in listing


def test_an_exact_id_number_finds_the_member(superuser_client, county):
    member = county.own_member
    response = superuser_client.get(reverse("admin:members_member_changelist"), {"q": member.id_number})
    assert list(response.context["cl"].result_list) == [member]


def test_the_audit_log_is_read_only(superuser_client, entry):
    assert superuser_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert superuser_client.get(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403
    response = superuser_client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"summary": "改写"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.summary == ""
    assert AuditEntry.objects.count() >= 1


@pytest.mark.parametrize("persona", ["admin", "officer", "member"])
def test_platform_accounts_do_not_get_in(client_for, persona):
    response = client_for(persona).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_status_alone_does_not_open_the_back_door(county):
    staff = User.objects.create_user("yunwei", password=PASSWORD, is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:members_member_changelist")).status_code == 302


def test_the_admin_index_is_in_chinese(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert "维护后台" in page and "党员" in page and "操作日志" in page
