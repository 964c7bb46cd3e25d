"""Personal data is encrypted at rest, found by keyed hash, and masked for display."""

import io

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


def test_rotating_in_a_new_key_keeps_old_values_readable_and_lookups_valid(county, settings):
    from cryptography.fernet import Fernet

    from dangjian.core import crypto

    member = county.own_member
    old_key = settings.FIELD_ENCRYPTION_KEY
    old_hash = lookup_hash(member.id_number)
    try:
        settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old_key}"
        crypto._fernet.cache_clear()
        crypto._hash_key.cache_clear()
        assert Member.objects.get(pk=member.pk).id_number == member.id_number
        assert lookup_hash(member.id_number) == old_hash
        Member.objects.get(pk=member.pk).save()  # re-encrypted with the new key
        assert Member.objects.get(id_hash=old_hash).phone == member.phone
    finally:
        settings.FIELD_ENCRYPTION_KEY = old_key
        crypto._fernet.cache_clear()
        crypto._hash_key.cache_clear()


def test_reencrypt_command_moves_every_value_to_the_newest_key(county, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from dangjian.core import crypto

    member = county.own_member
    old_key, new_key = settings.FIELD_ENCRYPTION_KEY, Fernet.generate_key().decode()
    old_hash = lookup_hash(member.id_number)
    try:
        settings.FIELD_HASH_KEY = old_key  # pinned before the old key goes
        settings.FIELD_ENCRYPTION_KEY = f"{new_key},{old_key}"
        crypto._fernet.cache_clear()
        crypto._hash_key.cache_clear()
        call_command("reencrypt", stdout=io.StringIO())
        settings.FIELD_ENCRYPTION_KEY = new_key  # the old key removed
        crypto._fernet.cache_clear()
        crypto._hash_key.cache_clear()
        reloaded = Member.objects.get(id_hash=old_hash)
        assert (reloaded.pk, reloaded.id_number, reloaded.phone) == (
            member.pk,
            member.id_number,
            member.phone,
        )
    finally:
        settings.FIELD_ENCRYPTION_KEY = old_key
        settings.FIELD_HASH_KEY = ""
        crypto._fernet.cache_clear()
        crypto._hash_key.cache_clear()


def test_the_raw_database_holds_no_plaintext_id_number_or_phone(county):
    """Every byte the database keeps, not only the member columns, is free of the clear values."""
    member = county.own_member
    clear = [member.id_number.encode(), member.phone.encode()]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection.serialize()  # the whole database file image
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT string_agg(t::text, '|') FROM members_member t")
            members = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(string_agg(t::text, '|'), '') FROM core_auditentry t")
            audit = cursor.fetchone()[0]
        raw = (members + audit).encode()
    assert len(raw) > 1000
    for value in clear:
        assert value not in raw
