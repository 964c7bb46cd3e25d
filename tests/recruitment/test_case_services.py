"""Registering, correcting, withdrawing and revealing development cases; files (services)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.crypto import lookup_hash
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.recruitment import services
from dangjian.recruitment.models import CaseStep, DevelopmentCase

from ..factories import make_member
from ._flow import id_for

pytestmark = pytest.mark.django_db
D = dt.date


def create(personas, county, actor="secretary", **values):
    values = {
        "org": county.village_a1,
        "person_name": "赵青",
        "id_number": id_for(D(2000, 6, 15), 21),
        "applied_on": D(2024, 1, 8),
        **values,
    }
    return services.case_create(actor=getattr(personas, actor), **values)


def test_an_application_opens_a_case_with_step_one(personas, county, traveller):
    before = AuditEntry.objects.count()
    case = create(personas, county, phone="139 0000 1111", ethnicity="03", education="31")
    assert (case.stage, case.applied_on, case.org_path) == (
        "applicant",
        D(2024, 1, 8),
        county.village_a1.path,
    )
    assert (case.birth_date, case.gender) == (D(2000, 6, 15), "male")
    assert case.phone == "13900001111" and case.id_hash == lookup_hash(case.id_number)
    step = CaseStep.objects.get(case=case)
    assert (step.step, step.date, step.decided_by_id) == (1, D(2024, 1, 8), county.village_a1.pk)
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1 and entry.action == "create"
    assert case.id_number not in str(entry.after) and "********" in entry.after["id_number"]


@pytest.mark.parametrize(("applied_on", "ok"), [(D(2024, 6, 14), False), (D(2024, 6, 15), True)])
def test_the_applicant_must_be_eighteen_on_the_day(personas, county, traveller, applied_on, ok):
    traveller.move_to(dt.datetime(2024, 7, 1, 10, tzinfo=dt.UTC))
    number = id_for(D(2006, 6, 15), 23)
    if ok:
        assert create(personas, county, id_number=number, applied_on=applied_on).stage == "applicant"
    else:
        with pytest.raises(ValidationFailed) as caught:
            create(personas, county, id_number=number, applied_on=applied_on)
        assert caught.value.errors[0]["field"] == "applied_on" and "细则 第5条" in caught.value.message
        assert not DevelopmentCase.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"id_number": "341825200006150210"}, "id_number"),
        ({"person_name": " "}, "person_name"),
        ({"applied_on": D(2024, 1, 9)}, "applied_on"),
        ({"phone": "12345"}, "phone"),
        ({"ethnicity": "99"}, "ethnicity"),
        ({"education": "xx"}, "education"),
        ({"occupation": "77"}, "occupation"),
        ({"work_unit": "单" * 101}, "work_unit"),
    ],
)
def test_bad_input_is_422_and_nothing_is_written(personas, county, traveller, values, field):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        create(personas, county, **values)
    assert any(e["field"] == field for e in caught.value.errors)
    assert not DevelopmentCase.objects.exists() and AuditEntry.objects.count() == before


def test_applications_go_to_a_branch(personas, county, traveller):
    with pytest.raises(ValidationFailed) as caught:
        create(personas, county, actor="officer", org=county.town_a)
    assert caught.value.errors[0]["field"] == "org"


@pytest.mark.parametrize("actor", ["secretary_b", "member", "reviewer"])
def test_only_managers_of_the_branch_register_applications(personas, county, traveller, actor):
    with pytest.raises(PermissionDenied):
        create(personas, county, actor=actor)


def test_one_open_case_per_person_and_none_for_a_member(personas, county, traveller):
    create(personas, county)
    with pytest.raises(ValidationFailed, match="正在办理"):
        create(personas, county, actor="officer", org=county.village_a2)
    member = make_member(county.village_a1, name="钱进")
    with pytest.raises(ValidationFailed, match="钱进已有党员档案"):
        create(personas, county, id_number=member.id_number)


def test_a_member_outside_scope_is_not_named(personas, county, traveller):
    other = make_member(county.village_b1, name="孙远")
    with pytest.raises(ValidationFailed) as caught:
        create(personas, county, id_number=other.id_number)
    assert "孙远" not in caught.value.message and "已有党员档案" in caught.value.message


def test_after_withdrawal_the_person_may_apply_again(personas, county, traveller):
    case = create(personas, county)
    services.case_withdraw(actor=personas.secretary, case=case, date=D(2024, 1, 8), reason="本人申请撤回")
    again = create(personas, county)
    assert again.pk != case.pk and DevelopmentCase.objects.get(pk=case.pk).stage == "withdrawn"


def test_withdrawal_needs_a_reason_and_a_date_after_the_last_step(personas, county, traveller):
    case = create(personas, county)
    with pytest.raises(ValidationFailed) as caught:
        services.case_withdraw(actor=personas.secretary, case=case, date=D(2024, 1, 7), reason="")
    assert {e["field"] for e in caught.value.errors} == {"reason", "date"}
    case = services.case_withdraw(actor=personas.secretary, case=case, date=D(2024, 1, 8), reason="迁往外地")
    assert (case.stage, case.closed_on, case.close_reason) == ("withdrawn", D(2024, 1, 8), "迁往外地")
    with pytest.raises(TransitionNotAllowed):
        services.case_withdraw(actor=personas.secretary, case=case, date=D(2024, 1, 8), reason="再次")


def test_a_probationary_member_is_not_withdrawn(flow, personas):
    case = flow.to(flow.new_case(), 17)
    with pytest.raises(TransitionNotAllowed, match="取消预备党员资格"):
        services.case_withdraw(
            actor=personas.secretary, case=case, date=dt.date(2025, 6, 15), reason="本人要求"
        )


def test_correcting_the_person_before_admission(personas, county, traveller):
    case = create(personas, county)
    case = services.case_update(
        actor=personas.secretary, case=case, person_name="赵清", id_number=id_for(D(2000, 6, 16), 22)
    )
    assert (case.person_name, case.birth_date, case.gender) == ("赵清", D(2000, 6, 16), "female")
    assert case.id_hash == lookup_hash(case.id_number)
    with pytest.raises(ValidationFailed):
        services.case_update(actor=personas.secretary, case=case, stage="full")


def test_after_admission_the_member_record_is_corrected_instead(flow, personas):
    case = flow.to(flow.new_case(), 17)
    with pytest.raises(TransitionNotAllowed, match="党员档案"):
        services.case_update(actor=personas.secretary, case=case, person_name="改名")


@pytest.mark.parametrize(
    ("actor", "allowed"), [("admin", True), ("secretary", True), ("officer", False), ("secretary_b", False)]
)
def test_reveal_is_for_the_county_admin_and_the_branch_secretary_and_is_audited(
    personas, county, traveller, actor, allowed
):
    case = create(personas, county, phone="13900001111")
    before = AuditEntry.objects.filter(action="reveal").count()
    if allowed:
        shown = services.case_reveal(actor=getattr(personas, actor), case=case)
        assert shown == {"id_number": case.id_number, "phone": "13900001111"}
        assert AuditEntry.objects.filter(action="reveal").count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            services.case_reveal(actor=getattr(personas, actor), case=case)
        assert AuditEntry.objects.filter(action="reveal").count() == before


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_files_are_checked_and_their_download_audited(personas, county, traveller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = create(personas, county)
    step = case.steps.get()
    record = services.case_file_add(
        actor=personas.secretary, case=case, step=step, upload=SimpleUploadedFile("入党申请书.pdf", PDF)
    )
    assert record.title == "入党申请书" and record.step == step and record.size == len(PDF)
    with pytest.raises(ValidationFailed):
        services.case_file_add(actor=personas.secretary, case=case, upload=SimpleUploadedFile("a.pdf", b"MZ"))
    services.case_file_download(actor=personas.officer, case_file=record)
    assert AuditEntry.objects.filter(action="reveal", object_id=str(case.pk)).count() == 1


def test_values_of_the_wrong_type_are_422(personas, county, traveller):
    with pytest.raises(ValidationFailed) as caught:
        create(personas, county, person_name=["赵"], applied_on="2024-01-08")
    assert {e["field"] for e in caught.value.errors} >= {"person_name", "applied_on"}
