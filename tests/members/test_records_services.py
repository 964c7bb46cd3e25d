"""Member records: create and correct through the services, with the ID number, date and scope rules.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.core import idnumber
from dangjian.core.crypto import lookup_hash
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members import rules, strokes
from dangjian.members.models import Member
from dangjian.members.services import records
from dangjian.orgs.rules import add_months

from ..factories import make_member, make_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BIRTH = dt.date(1990, 3, 15)
NUMBER = idnumber.build("341825", BIRTH, 123)  # odd sequence: male


def create(personas, county, **overrides):
    values = {
        "actor": personas.secretary,
        "org": county.village_a1,
        "name": "欧阳明",
        "id_number": NUMBER,
        "category": "full",
        "joined_on": dt.date(2012, 7, 1),
        "converted_on": dt.date(2013, 7, 1),
        "education": "21",
        "phone": "139 1234 5678",
    }
    values.update(overrides)
    return records.member_create(**values)


def field_errors(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return {error["field"]: error["message"] for error in exc.value.errors}


# --- creating a record -------------------------------------------------------------------------------------


def test_create_derives_birth_date_gender_and_keys_from_the_id_number(personas, county):
    member = create(personas, county)
    assert member.birth_date == BIRTH and member.gender == "male"
    assert member.id_hash == lookup_hash(NUMBER)
    assert member.org_path == county.village_a1.path
    assert member.name_key == strokes.name_key("欧阳明")
    assert member.phone == "13912345678"  # spaces dropped
    assert member.status == "active"


def test_created_id_number_and_phone_are_encrypted_at_rest(personas, county):
    member = create(personas, county)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_member WHERE id = %s", [member.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert NUMBER not in stored_id and "13912345678" not in stored_phone


def test_create_is_audited_with_masked_personal_data(personas, county):
    member = create(personas, county)
    entry = AuditEntry.objects.get(object_type="members.member", object_id=str(member.pk))
    assert entry.action == "create" and entry.actor == personas.secretary
    assert entry.org == county.village_a1
    assert entry.after["id_number"] == NUMBER[:6] + "********" + NUMBER[-4:]
    assert entry.after["phone"] == "139****5678"
    assert NUMBER not in str(entry.after) and "13912345678" not in str(entry.after)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1"), "校验码错误"),
        ("12345", "18位"),
        ("991825199003151234", "地址码"),
        (NUMBER[:10] + "1332" + NUMBER[14:], "出生日期无效"),
    ],
)
def test_an_invalid_id_number_is_refused_and_nothing_is_written(personas, county, number, message):
    before = Member.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, id_number=number)
    assert message in field_errors(exc)["id_number"]
    assert (Member.objects.count(), AuditEntry.objects.count()) == before


def test_gender_and_birth_date_given_must_agree_with_the_number(personas, county):
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, gender="female", birth_date=dt.date(1990, 3, 16))
    errors = field_errors(exc)
    assert "性别与公民身份号码不一致" in errors["gender"]
    assert "1990-03-15" in errors["birth_date"]
    # Every wrong field is reported at once.
    assert "；" in exc.value.message


def test_agreeing_gender_and_birth_date_are_accepted(personas, county):
    member = create(personas, county, gender="male", birth_date=BIRTH)
    assert member.gender == "male"


def test_joining_before_the_eighteenth_birthday_is_refused(personas, county):
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, joined_on=dt.date(2008, 3, 14), converted_on=None)
    assert "年满 18 周岁" in field_errors(exc)["joined_on"]
    assert "2008-03-15" in field_errors(exc)["joined_on"]


def test_joining_on_the_eighteenth_birthday_is_allowed(personas, county):
    member = create(personas, county, joined_on=dt.date(2008, 3, 15), converted_on=None)
    assert member.joined_on == dt.date(2008, 3, 15)


def test_someone_born_on_29_february_comes_of_age_on_1_march():
    birth = dt.date(2000, 2, 29)
    assert not records.old_enough_to_join(birth, dt.date(2018, 2, 28))
    assert records.old_enough_to_join(birth, dt.date(2018, 3, 1))


def test_dates_in_the_future_are_refused(personas, county):
    with pytest.raises(ValidationFailed) as exc:
        create(
            personas,
            county,
            category="probationary",
            joined_on=TODAY + dt.timedelta(days=1),
            converted_on=None,
        )
    assert "不能晚于今天" in field_errors(exc)["joined_on"]


@pytest.mark.parametrize(
    ("months_after_joining", "accepted"),
    [(11, False), (12, True), (18, True), (24, True), (25, False)],
)
def test_conversion_falls_one_to_two_years_after_joining(personas, county, months_after_joining, accepted):
    joined = dt.date(2015, 6, 30)
    converted = add_months(joined, months_after_joining)
    if accepted:
        assert create(personas, county, joined_on=joined, converted_on=converted).converted_on == converted
    else:
        with pytest.raises(ValidationFailed) as exc:
            create(personas, county, joined_on=joined, converted_on=converted)
        assert "党章 第7条" in field_errors(exc)["converted_on"]


def test_a_full_member_may_have_no_recorded_conversion_date(personas, county):
    assert create(personas, county, converted_on=None).converted_on is None


def test_a_probationary_member_has_no_conversion_date(personas, county):
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, category="probationary", joined_on=TODAY - dt.timedelta(days=30))
    assert "预备党员尚未转正" in field_errors(exc)["converted_on"]


def test_a_duplicate_number_in_scope_names_the_member(personas, county):
    own = county.own_member
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, id_number=own.id_number, birth_date=None, gender=None)
    message = field_errors(exc)["id_number"]
    assert "李华" in message and "甲村党支部" in message


def test_a_duplicate_number_outside_scope_names_nothing(personas, county):
    elsewhere = make_member(county.village_b1, name="赵六")
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, id_number=elsewhere.id_number.lower())
    message = field_errors(exc)["id_number"]
    assert "其他党组织" in message
    assert "赵六" not in message and "丙村" not in message


def test_members_are_registered_on_branches_only(personas, county):
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, actor=personas.officer, org=county.town_a)
    assert "党支部" in field_errors(exc)["org"]


def test_a_dissolved_branch_takes_no_members(personas, county):
    county.village_a2.dissolved_on = TODAY
    county.village_a2.save()
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, actor=personas.officer, org=county.village_a2)
    assert "已撤销" in field_errors(exc)["org"]


def test_the_party_group_belongs_to_the_branch(personas, county):
    member = create(personas, county, party_group=county.group_a1)
    assert member.party_group == county.group_a1
    other_group = make_org(name="乙村党小组", kind="group", domain="rural", parent=county.village_a2)
    with pytest.raises(ValidationFailed) as exc:
        create(personas, county, party_group=other_group, id_number=idnumber.build("341825", BIRTH, 125))
    assert "甲村党支部" in field_errors(exc)["party_group"]


@pytest.mark.parametrize("who", ["secretary_b", "member", "reviewer"])
def test_outside_scope_or_without_a_tree_role_nobody_creates(personas, county, who):
    with pytest.raises(PermissionDenied):
        create(personas, county, actor=getattr(personas, who))
    assert not Member.objects.filter(id_hash=lookup_hash(NUMBER)).exists()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2000, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_any_valid_number_gives_its_birth_date_and_gender(personas, county, birth, sequence):
    number = idnumber.build("110105", birth, sequence)
    Member.objects.filter(id_hash=lookup_hash(number)).delete()
    joined = rules.coming_of_age(birth) + dt.timedelta(days=1)
    member = create(personas, county, id_number=number, joined_on=joined, converted_on=None)
    assert member.birth_date == birth
    assert member.gender == ("male" if sequence % 2 else "female")


# --- correcting a record -----------------------------------------------------------------------------------


def test_update_corrects_fields_and_audits_only_what_changed(personas, county):
    member = county.own_member
    records.member_update(actor=personas.secretary, member=member, name="李华华", work_unit="甲村村委会")
    member.refresh_from_db()
    assert member.name == "李华华" and member.name_key == strokes.name_key("李华华")
    entry = AuditEntry.objects.get(object_type="members.member", object_id=str(member.pk), action="update")
    assert {k for k in entry.after if entry.after[k] != entry.before[k]} == {"name", "work_unit"}


def test_an_update_that_changes_nothing_writes_nothing(personas, county):
    member = county.own_member
    records.member_update(actor=personas.secretary, member=member, name=" 李华 ", phone="138-1234-5678")
    assert not AuditEntry.objects.filter(object_type="members.member").exists()


def test_a_new_id_number_recomputes_birth_date_gender_and_hash(personas, county):
    member = county.own_member
    number = idnumber.build("341825", dt.date(1985, 1, 2), 222)
    records.member_update(actor=personas.admin, member=member, id_number=number)
    member.refresh_from_db()
    assert (member.birth_date, member.gender) == (dt.date(1985, 1, 2), "female")
    assert member.id_hash == lookup_hash(number)
    entry = AuditEntry.objects.get(object_type="members.member", action="update")
    assert number not in str(entry.after) and number[-4:] in entry.after["id_number"]


def test_a_new_number_must_still_fit_the_join_date(personas, county):
    member = county.own_member  # joined 2005-07-01
    number = idnumber.build("341825", dt.date(1995, 1, 2), 221)
    with pytest.raises(ValidationFailed) as exc:
        records.member_update(actor=personas.admin, member=member, id_number=number)
    assert "年满 18 周岁" in field_errors(exc)["joined_on"]


@pytest.mark.parametrize(
    ("field", "value", "procedure"),
    [("org", None, "组织关系转接"), ("status", "left", "党籍异动"), ("category", "probationary", "转正")],
)
def test_organization_status_and_category_have_their_own_procedures(
    personas, county, field, value, procedure
):
    with pytest.raises(ValidationFailed) as exc:
        records.member_update(
            actor=personas.admin, member=county.own_member, **{field: value or county.village_a2}
        )
    assert procedure in exc.value.message


def test_the_record_of_a_member_who_left_is_kept_as_it_is(personas, county):
    gone = make_member(county.village_a1, name="王五", status="deceased")
    with pytest.raises(TransitionNotAllowed) as exc:
        records.member_update(actor=personas.admin, member=gone, work_unit="某单位")
    assert "去世" in exc.value.message


def test_update_outside_scope_is_refused(personas, county):
    with pytest.raises(PermissionDenied):
        records.member_update(actor=personas.secretary_b, member=county.own_member, name="某某")


def test_changing_the_number_to_one_already_registered_is_refused(personas, county):
    other = make_member(county.village_a1, name="钱七")
    with pytest.raises(ValidationFailed) as exc:
        records.member_update(actor=personas.secretary, member=county.own_member, id_number=other.id_number)
    assert "钱七" in field_errors(exc)["id_number"]


# --- stroke-order keys for bulk-loaded members --------------------------------------------------------------


def test_fill_name_keys_fills_only_missing_keys(county):
    Member.objects.update(name_key="")
    Member.objects.filter(pk=county.own_member.pk).update(name_key="keep")
    seen = []
    filled = records.name_keys_fill(batch_size=4, progress=seen.append)
    assert filled == Member.objects.count() - 1
    assert seen[-1] == filled and len(seen) > 1
    assert Member.objects.get(pk=county.own_member.pk).name_key == "keep"
    assert not Member.objects.filter(name_key="").exists()
    some = Member.objects.exclude(pk=county.own_member.pk).first()
    assert some.name_key == strokes.name_key(some.name)
