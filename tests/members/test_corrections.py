"""Correction requests (信息更正): what a member may ask, how the branch decides, and what it does to the
record. The member persona "dangyuan" is 李华 of 甲村党支部: a full member born 1980-05-17, joined 2005-07-01,
no conversion date on record, phone 13812345678."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from dangjian.accounts.models import User
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import CorrectionRequest, Member
from dangjian.members.services import selfservice as services

from ..factories import make_member

pytestmark = pytest.mark.django_db


def submit(personas, field, value, reason="见证明材料"):
    return services.correction_request_submit(
        actor=personas.member, field=field, requested_value=value, reason=reason
    )


def lihua(county) -> Member:
    return Member.objects.get(pk=county.own_member.pk)


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("native_place", "安徽省旌德县", "安徽省旌德县"),
        ("ethnicity", "03", "03"),
        ("education", "31", "31"),
        ("degree", "bachelor", "bachelor"),
        ("occupation", "08", "08"),
        ("work_unit", "旌德县供销合作社", "旌德县供销合作社"),
        ("job_title", "会计", "会计"),
        ("phone", "139-0000-2222", "13900002222"),
        ("address", "安徽省宣城市旌德县旌阳镇和平路 8 号", "安徽省宣城市旌德县旌阳镇和平路 8 号"),
        ("joined_on", "2006-01-01", dt.date(2006, 1, 1)),
        ("converted_on", "2006-07-01", dt.date(2006, 7, 1)),
    ],
)
def test_every_correctable_field_is_applied_when_the_branch_agrees(county, personas, field, value, stored):
    """GIVEN a request for one field WHEN the branch secretary approves THEN the record holds the new value,
    the request is closed, and the member's audit trail has the change before → after."""
    correction = submit(personas, field, value)
    assert correction.state == "pending"
    services.correction_approve(actor=personas.secretary, correction=correction, note="已核对")
    assert getattr(lihua(county), field) == stored
    correction.refresh_from_db()
    assert (correction.state, correction.decided_by, correction.decision_note) == (
        "approved",
        personas.secretary,
        "已核对",
    )
    change = AuditEntry.objects.filter(object_type="members.member", action="update").latest("id")
    assert field in {name for name, *_ in change.changes()}


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("name", "户籍证明"),
        ("id_number", "户籍证明"),
        ("gender", "户籍证明"),
        ("birth_date", "户籍证明"),
        ("org", "组织关系转接"),
        ("party_group", "党支部安排"),
        ("status", "不能申请更正"),
        ("category", "支部大会"),
        ("salary", "不能申请更正"),
        ("", "请选择"),
    ],
)
def test_fields_outside_the_whitelist_say_where_to_go(county, personas, field, words):
    with pytest.raises(ValidationFailed) as caught:
        submit(personas, field, "x")
    assert words in caught.value.message and caught.value.errors[0]["field"] == "field"
    assert not CorrectionRequest.objects.exists()


def test_a_probationary_member_has_no_conversion_date_to_correct(county, personas):
    probationer = make_member(
        county.village_a1, name="预备甲", category="probationary", joined_on=dt.date(2026, 1, 5)
    )
    personas.member.member = probationer
    personas.member.save(update_fields=["member"])
    with pytest.raises(ValidationFailed, match="预备党员"):
        submit(personas, "converted_on", "2027-01-05")


def test_a_join_date_that_no_longer_fits_the_conversion_date_asks_for_both(county, personas):
    Member.objects.filter(pk=county.own_member.pk).update(converted_on=dt.date(2006, 7, 1))
    with pytest.raises(ValidationFailed, match="一并更正"):
        submit(personas, "joined_on", "2008-03-01")


def test_conversion_date_outside_the_probation_window_is_refused_with_the_window(county, personas):
    with pytest.raises(ValidationFailed) as caught:
        submit(personas, "converted_on", "2010-01-01")
    assert "2006-07-01 至 2007-07-01" in caught.value.message


def test_the_same_value_as_on_record_is_refused(county, personas):
    with pytest.raises(ValidationFailed, match="相同"):
        submit(personas, "phone", "138 1234 5678")


def test_a_reason_is_required(county, personas):
    with pytest.raises(ValidationFailed) as caught:
        submit(personas, "job_title", "会计", reason="  ")
    assert caught.value.errors[0]["field"] == "reason"


def test_one_pending_request_per_field_then_a_new_one_after_the_decision(county, personas):
    first = submit(personas, "education", "21")
    submit(personas, "job_title", "会计")  # another field is fine
    with pytest.raises(TransitionNotAllowed, match="尚未处理"):
        submit(personas, "education", "31")
    services.correction_reject(actor=personas.secretary, correction=first, note="请带证书来")
    again = submit(personas, "education", "31")
    assert again.state == "pending" and CorrectionRequest.objects.count() == 3


def test_the_database_holds_one_pending_request_per_field_too(county, personas):
    first = submit(personas, "education", "21")
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionRequest.objects.create(
            member=first.member, field="education", requested_value="31", reason="x"
        )


def test_phone_and_address_are_stored_encrypted_and_shown_masked(county, personas):
    correction = submit(personas, "address", "安徽省宣城市旌德县旌阳镇文昌路 12 号")
    assert correction.requested_value == "安徽省宣城市****"
    assert correction.requested_secret == "安徽省宣城市旌德县旌阳镇文昌路 12 号"
    created = AuditEntry.objects.filter(object_type="members.correctionrequest").latest("id")
    assert "文昌路" not in str(created.after)


@pytest.mark.parametrize("who", ["secretary", "officer", "admin"])
def test_the_branch_or_a_higher_organization_decides(county, personas, who):
    correction = submit(personas, "education", "21")
    services.correction_approve(actor=getattr(personas, who), correction=correction)
    assert lihua(county).education == "21"


@pytest.mark.parametrize("who", ["secretary_b", "reviewer", "member"])
def test_others_may_not_decide(county, personas, who):
    correction = submit(personas, "education", "21")
    for decide in (services.correction_approve, services.correction_reject):
        with pytest.raises(PermissionDenied):
            decide(actor=getattr(personas, who), correction=correction, note="x")
    assert CorrectionRequest.objects.get(pk=correction.pk).state == "pending"


def test_deciding_twice_is_409_and_writes_nothing(county, personas):
    correction = submit(personas, "education", "21")
    services.correction_approve(actor=personas.secretary, correction=correction)
    before = AuditEntry.objects.count()
    with pytest.raises(TransitionNotAllowed, match="已同意"):
        services.correction_reject(actor=personas.officer, correction=correction, note="不同意")
    with pytest.raises(TransitionNotAllowed):
        services.correction_approve(actor=personas.officer, correction=correction)
    assert AuditEntry.objects.count() == before


def test_approval_rechecks_the_record_and_changes_nothing_when_it_no_longer_fits(county, personas):
    """GIVEN a join-date request WHEN the conversion date is recorded meanwhile so they no longer agree
    THEN approval is refused with the rule (422), the record and the request stay as they were."""
    correction = submit(personas, "joined_on", "2006-01-01")
    Member.objects.filter(pk=county.own_member.pk).update(converted_on=dt.date(2006, 7, 1))
    with pytest.raises(ValidationFailed, match="党章 第7条"):
        services.correction_approve(actor=personas.secretary, correction=correction)
    assert lihua(county).joined_on == dt.date(2005, 7, 1)
    assert CorrectionRequest.objects.get(pk=correction.pk).state == "pending"


def test_a_closed_record_takes_no_requests(county, personas):
    Member.objects.filter(pk=county.own_member.pk).update(status="deceased")
    with pytest.raises(TransitionNotAllowed, match="档案已封存"):
        submit(personas, "education", "21")


def test_only_a_linked_member_account_may_request(county, personas):
    with pytest.raises(PermissionDenied):
        services.correction_request_submit(
            actor=personas.secretary, field="education", requested_value="21", reason="x"
        )
    unlinked = User.objects.create_user(username="weiguanlian", password="x", role="member")
    with pytest.raises(PermissionDenied, match="尚未关联"):
        services.correction_request_submit(
            actor=unlinked, field="education", requested_value="21", reason="x"
        )


def test_after_a_transfer_the_new_branch_decides(county, personas):
    correction = submit(personas, "education", "21")
    Member.objects.filter(pk=county.own_member.pk).update(
        org=county.village_b1, org_path=county.village_b1.path
    )
    with pytest.raises(PermissionDenied):
        services.correction_approve(actor=personas.secretary, correction=correction)
    services.correction_approve(actor=personas.secretary_b, correction=correction)
    assert lihua(county).education == "21"
