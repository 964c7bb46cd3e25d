"""Personal data is encrypted at rest, found by keyed hash, and masked for display."""

import pytest
from django.db import connection

from dangjian.core.crypto import lookup_hash, mask_id_number, mask_phone
from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


def test_id_number_and_phone_are_not_stored_in_clear(county):
    member = county.own_member
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_hash FROM members_member WHERE id = %s", [member.pk])
        stored_id, stored_phone, stored_hash = cursor.fetchone()
    assert member.id_number not in stored_id
    assert member.phone not in stored_phone
    assert stored_id.startswith("gAAAA")  # a Fernet token
    assert stored_hash == lookup_hash(member.id_number)
    assert Member.objects.get(pk=member.pk).id_number == member.id_number


def test_exact_lookup_by_keyed_hash_is_case_insensitive_for_x(county):
    member = county.own_member
    assert Member.objects.get(id_hash=lookup_hash(member.id_number.lower())).pk == member.pk


def test_masks_keep_only_the_agreed_characters():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_phone(None) == ""
