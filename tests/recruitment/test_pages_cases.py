"""The case list, the application form (step 1), the case page with its stepper and tabs, corrections,
withdrawal, revealing personal data and attached files — through the pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.recruitment.models import CaseFile, DevelopmentCase

from ._flow import id_for

pytestmark = pytest.mark.django_db
D = dt.date
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def application(county, **changes):
    return {
        "org": county.village_a1.pk,
        "person_name": "王小二",
        "id_number": id_for(D(1999, 3, 4), 51),
        "applied_on": "2024-01-05",
        "ethnicity": "01",
        "education": "21",
        "phone": "13900002222",
        **changes,
    }


# --- step 1 -------------------------------------------------------------------------------------------------


def test_an_application_registered_on_the_page_opens_a_case(client_for, county, traveller):
    client = client_for("secretary")
    page = client.get(reverse("recruitment:case_create")).content.decode()
    assert "登记入党申请" in page and "细则 第5条" in page
    response = client.post(reverse("recruitment:case_create"), application(county))
    assert response.status_code == 302
    case = DevelopmentCase.objects.get(person_name="王小二")
    assert response["Location"] == reverse("recruitment:case_detail", args=[case.pk])
    assert (case.stage, case.applied_on, case.birth_date, case.gender) == (
        "applicant",
        D(2024, 1, 5),
        D(1999, 3, 4),
        "male",
    )
    assert case.steps.get().step == 1
    assert (
        AuditEntry.objects.filter(object_type="recruitment.developmentcase", object_id=str(case.pk)).count()
        == 1
    )


def test_an_applicant_under_eighteen_is_refused_next_to_the_date(client_for, county, traveller):
    client = client_for("secretary")
    count = DevelopmentCase.objects.count()
    young = application(county, id_number=id_for(D(2006, 2, 1), 53))  # 17 on 5 January 2024
    response = client.post(reverse("recruitment:case_create"), young)
    assert response.status_code == 422
    page = response.content.decode()
    assert "年满十八岁才能申请入党（细则 第5条）" in page and "2024-02-01 起方可申请" in page
    assert DevelopmentCase.objects.count() == count


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "341825199903040000"}, "校验"),
        ({"id_number": ""}, "请填写公民身份号码"),
        ({"person_name": ""}, "请填写姓名"),
        ({"applied_on": "2024-02-01"}, "不能晚于今天"),
        ({"phone": "12345"}, "手机号码应为 11 位数字"),
        ({"org": "999999"}, "请选择管理范围内的党支部"),
    ],
)
def test_bad_applications_come_back_with_the_reason_next_to_the_field(
    client_for, county, traveller, changes, message
):
    count = DevelopmentCase.objects.count()
    response = client_for("secretary").post(
        reverse("recruitment:case_create"), application(county, **changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert DevelopmentCase.objects.count() == count


def test_someone_already_a_member_cannot_apply(client_for, county, traveller):
    member = county.own_member
    response = client_for("secretary").post(
        reverse("recruitment:case_create"), application(county, id_number=member.id_number)
    )
    assert response.status_code == 422 and "已有党员档案" in response.content.decode()


def test_a_secretary_can_only_register_on_their_own_branch(client_for, county, traveller):
    page = client_for("secretary").get(reverse("recruitment:case_create")).content.decode()
    assert f'value="{county.village_a1.pk}"' in page and f'value="{county.village_a2.pk}"' not in page
    response = client_for("secretary").post(
        reverse("recruitment:case_create"), application(county, org=county.village_b1.pk)
    )
    assert response.status_code == 422
    assert not DevelopmentCase.objects.filter(person_name="王小二").exists()


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_counts_stages_filters_and_flags_what_is_overdue(client_for, county, flow):
    overdue = flow.new_case(person_name="赵逾期")  # the talk was due within a month: 2024-02-08
    activist = flow.to(flow.new_case(person_name="钱积极"), 3)
    other = flow.new_case(person_name="孙乙村", org=county.village_a2)
    flow.at(D(2024, 3, 20))
    client = client_for("officer")
    page = client.get(reverse("recruitment:case_list")).content.decode()
    for case in (overdue, activist, other):
        assert case.person_name in page
    assert "逾期" in page and "入党申请人谈话（收到申请一个月内）" in page
    assert overdue.id_number not in page and "341825********" in page  # ID numbers masked
    only = client.get(reverse("recruitment:case_list") + "?stage=activist").content.decode()
    assert "钱积极" in only and "赵逾期" not in only
    within = client.get(reverse("recruitment:case_list") + f"?within={county.village_a2.pk}").content.decode()
    assert "孙乙村" in within and "钱积极" not in within
    searched = client.get(reverse("recruitment:case_list") + f"?q={activist.id_number}").content.decode()
    assert "钱积极" in searched and "赵逾期" not in searched
    secretary = client_for("secretary").get(reverse("recruitment:case_list")).content.decode()
    assert "孙乙村" not in secretary  # 乙村 lies outside 甲村's scope


def test_the_filter_bar_answers_htmx_with_the_table_and_the_stage_cards(client_for, flow):
    flow.to(flow.new_case(person_name="钱积极"), 3)
    flow.new_case(person_name="赵申请")
    response = client_for("secretary").get(
        reverse("recruitment:case_list") + "?stage=activist",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="case-table",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "钱积极" in page and "赵申请" not in page
    assert 'id="case-cards" hx-swap-oob="true"' in page
    assert response["HX-Push-Url"] == reverse("recruitment:case_list") + "?stage=activist"


# --- one case -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("last", [1, 7, 17, 25])
def test_the_case_page_shows_its_stage_the_stepper_and_every_tab(client_for, flow, last):
    case = flow.to(flow.new_case(), last)
    client = client_for("admin")
    detail = reverse("recruitment:case_detail", args=[case.pk])
    page = client.get(detail).content.decode()
    assert case.get_stage_display() in page
    assert "办理进度：五个阶段、二十五个步骤" in page
    assert page.count('class="stepper__step ') == 25
    assert page.count("stepper__step is-done") == last
    for tab in ("steps", "files", "history"):
        assert client.get(detail + f"?tab={tab}").status_code == 200
    steps = client.get(
        detail + "?tab=steps", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-tabs"
    ).content.decode()
    assert "<html" not in steps and steps.count("history-item") >= last
    history = client.get(detail + "?tab=history").content.decode()
    assert "登记入党申请" in history


def test_the_steps_tab_shows_vote_figures_and_reasons_and_offers_the_documents(client_for, flow):
    case = flow.to(flow.new_case(), 17)
    page = client_for("secretary").get(reverse("recruitment:case_detail", args=[case.pk]) + "?tab=steps")
    text = page.content.decode()
    assert "有表决权 9 人，应到会 9 人，实到会 9 人" in text
    assert "党员大会须有表决权的到会人数超过应到会人数的半数" in text
    assert reverse("recruitment:document_docx", args=[case.pk, "resolution"]) in text
    assert reverse("recruitment:document_docx", args=[case.pk, "approval"]) in text
    assert "2025-05-20 — 2026-05-20" in text  # the probation on the approval


def test_revealing_the_id_number_is_for_the_own_secretary_and_is_audited(client_for, flow):
    case = flow.new_case()
    url = reverse("recruitment:case_reveal", args=[case.pk])
    officer = client_for("officer")
    assert (
        "查看完整信息" not in officer.get(reverse("recruitment:case_detail", args=[case.pk])).content.decode()
    )
    assert officer.post(url).status_code == 403
    client = client_for("secretary")
    reveals = AuditEntry.objects.filter(action="reveal").count()
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and case.id_number in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal").count() == reveals + 1


def test_corrections_before_admission_are_saved_and_audited(client_for, flow):
    case = flow.new_case()
    client = client_for("secretary")
    response = client.post(
        reverse("recruitment:case_edit", args=[case.pk]),
        {"person_name": "张晓明", "ethnicity": "01", "work_unit": "甲村合作社"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.person_name, case.work_unit) == ("张晓明", "甲村合作社")
    assert case.id_number  # a blank ID number field keeps the number


def test_withdrawal_ends_the_case_and_keeps_it(client_for, flow):
    case = flow.to(flow.new_case(), 3)
    flow.at(D(2024, 4, 1))
    client = client_for("secretary")
    response = client.post(
        reverse("recruitment:case_withdraw", args=[case.pk]), {"date": "2024-04-01", "reason": "本人撤回申请"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.closed_on, case.close_reason) == ("withdrawn", D(2024, 4, 1), "本人撤回申请")
    page = client.get(reverse("recruitment:case_detail", args=[case.pk])).content.decode()
    assert "已终止" in page and "本人撤回申请" in page
    assert reverse("recruitment:step_record", args=[case.pk, 4]) not in page  # nothing is offered any more


def test_a_probationary_member_cannot_be_withdrawn_and_the_page_says_why(client_for, flow):
    case = flow.to(flow.new_case(), 17)
    flow.at(D(2025, 7, 1))
    client = client_for("secretary")
    page = client.get(reverse("recruitment:case_detail", args=[case.pk])).content.decode()
    assert reverse("recruitment:case_withdraw", args=[case.pk]) not in page
    response = client.post(
        reverse("recruitment:case_withdraw", args=[case.pk]), {"date": "2025-07-01", "reason": "劝退"}
    )
    assert response.status_code == 409
    assert "党章 第7条" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "probationary"


def test_files_are_uploaded_through_the_service_and_downloads_are_audited(client_for, flow):
    case = flow.to(flow.new_case(), 2)
    client = client_for("secretary")
    talk = case.steps.get(step=2)
    upload = SimpleUploadedFile("谈话记录.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("recruitment:case_file_upload", args=[case.pk]),
        {"title": "谈话记录", "step": talk.pk, "file": upload},
    )
    assert response.status_code == 302
    record = CaseFile.objects.get(case=case)
    assert (record.title, record.step) == ("谈话记录", talk)
    reveals = AuditEntry.objects.filter(action="reveal").count()
    download = client.get(reverse("recruitment:case_file", args=[case.pk, record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="reveal").count() == reveals + 1
    assert (
        client_for("secretary_b").get(reverse("recruitment:case_file", args=[case.pk, record.pk])).status_code
        == 404
    )
    bad = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("recruitment:case_file_upload", args=[case.pk]), {"file": bad})
    assert response.status_code == 422 and CaseFile.objects.filter(case=case).count() == 1
