"""An application walked through the staff pages: applying, the plan, the self-evaluation with evidence,
submitting, recommending, survey codes, reviewers and their scores, the evaluation, the public notice and
the plaque. A good action moves the state (and writes one audit entry); a refused one answers with the
reason and changes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import (
    Application,
    ApplicationState,
    Evidence,
    Method,
    ReviewPhoto,
    ReviewScore,
    SelfScore,
    Site,
    SurveyCode,
)

from .conftest import PLAN, full_marks

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def entries() -> int:
    """Audit entries of writes (signing in a test client records one of its own)."""
    return AuditEntry.objects.exclude(action="login").count()


def url(application, tail: str = "") -> str:
    return f"/sites/applications/{application.pk}/{tail}"


def text(response) -> str:
    return response.content.decode()


# --- applying and the draft --------------------------------------------------------------------------------------


def test_a_secretary_applies_for_their_branch_with_a_plan(client_for, county, campaign):
    client = client_for("secretary")
    page = client.get("/sites/applications/new/")
    assert page.status_code == 200 and "甲村党支部" in text(page) and "乙村党支部" not in text(page)
    before = entries()
    response = client.post(
        "/sites/applications/new/",
        {"campaign": campaign.pk, "org": county.village_a1.pk, "tier": "county", **PLAN},
    )
    application = Application.objects.get(org=county.village_a1)
    assert response.status_code == 302 and response["Location"] == url(application)
    assert application.state == ApplicationState.DRAFT and application.goals == PLAN["goals"]
    assert application.plan_filed_on is not None and entries() == before + 1


def test_bad_input_on_the_application_form_is_answered_next_to_the_field_and_stores_nothing(
    client_for, county, campaign
):
    client = client_for("secretary")
    before = entries()
    response = client.post(
        "/sites/applications/new/",
        {"campaign": campaign.pk, "org": county.village_b1.pk, "tier": "city", "site_area": "-5"},
    )
    assert response.status_code == 422
    page = text(response)
    assert "面积不能为负数" in page and "选择一个有效的选项" in page
    assert not Application.objects.exists() and entries() == before


def test_a_second_application_of_the_same_org_and_tier_is_refused_on_the_form(
    client_for, county, campaign, walk
):
    walk("draft")
    response = client_for("secretary").post(
        "/sites/applications/new/", {"campaign": campaign.pk, "org": county.village_a1.pk, "tier": "county"}
    )
    assert response.status_code == 422 and "该组织本年度已有同一层级的申报" in text(response)
    assert Application.objects.count() == 1


def test_the_plan_is_edited_while_a_draft_and_refused_after_submission(client_for, walk, county):
    application = walk("draft")
    client = client_for("secretary")
    response = client.post(url(application, "plan/"), {**PLAN, "goals": "争创市级示范点"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.goals == "争创市级示范点"
    submitted = walk("submitted", org=county.village_a2)
    response = client_for("officer").get(url(submitted, "plan/"))
    assert response.status_code == 409 and "只有草稿可以修改" in text(response)
    before = entries()
    response = client_for("officer").post(url(submitted, "plan/"), {**PLAN, "goals": "改"})
    assert response.status_code == 409 and "申报已提交，不能再修改创建计划" in text(response)
    submitted.refresh_from_db()
    assert submitted.goals == PLAN["goals"] and entries() == before


def test_the_self_evaluation_form_saves_scores_and_refuses_one_above_the_criterion_maximum(client_for, walk):
    application = walk("draft")
    client = client_for("secretary")
    manual = list(application.catalogue.criteria.filter(method=Method.MANUAL).order_by("sort_order"))
    first, second = manual[0], manual[1]
    page = client.get(url(application, "self-evaluation/"))
    assert page.status_code == 200 and first.title in text(page)
    response = client.post(
        url(application, "self-evaluation/"),
        {f"score_{first.code}": "1.5", f"note_{first.code}": "已挂牌", f"score_{second.code}": "99"},
    )
    assert response.status_code == 422 and "得分不能超过该项分值" in text(response)
    assert not SelfScore.objects.exists()
    response = client.post(
        url(application, "self-evaluation/"), {f"score_{first.code}": "1.5", f"note_{first.code}": "已挂牌"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=self")
    saved = SelfScore.objects.get()
    assert (saved.criterion_id, str(saved.score), saved.note) == (first.pk, "1.5", "已挂牌")
    tab = client.get(url(application, "?tab=self"))
    assert "已挂牌" in text(tab) and "未自评" in text(tab)


def test_evidence_is_uploaded_on_the_page_and_downloaded_by_those_who_see_the_application(
    client_for, walk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = walk("draft")
    response = client_for("secretary").post(
        url(application, "evidence/new/"), {"criterion": "A02", "file": SimpleUploadedFile("阵地.pdf", PDF)}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.criterion.code == "A02"
    tab = client_for("officer").get(url(application, "?tab=self"))
    assert "阵地.pdf" in text(tab)
    download = client_for("officer").get(url(application, f"evidence/{evidence.pk}/"))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for("secretary_b").get(url(application, f"evidence/{evidence.pk}/")).status_code == 404
    wrong = client_for("secretary").post(
        url(application, "evidence/new/"), {"file": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")}
    )
    assert wrong.status_code == 422 and Evidence.objects.count() == 1


# --- actions -----------------------------------------------------------------------------------------------------


def test_submitting_an_incomplete_application_says_what_is_missing_and_changes_nothing(client_for, walk):
    application = walk("draft")
    page = client_for("secretary").get(url(application))
    assert "提交申报" in text(page) and "授牌" not in text(page).split("申报进度")[0]
    before = entries()
    response = client_for("secretary").post(url(application, "submit/"))
    assert response.status_code == 422 and "基层自评不完整" in text(response)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and entries() == before


def test_a_complete_application_is_submitted_and_recommended_by_the_township_not_by_itself(client_for, walk):
    application = walk("draft")
    services.self_scores_record(
        actor=application.created_by, application=application, items=full_marks(application)
    )
    response = client_for("secretary").post(url(application, "submit/"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    page = text(client_for("secretary").get(url(application)))
    assert f'action="{url(application, "recommend/")}"' not in page
    before = entries()
    assert client_for("secretary").post(url(application, "recommend/")).status_code == 403
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and entries() == before

    page = text(client_for("officer").get(url(application)))
    assert f'action="{url(application, "recommend/")}"' in page
    response = client_for("officer").post(url(application, "recommend/"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.RECOMMENDED and entries() == before + 1


def test_an_action_not_allowed_in_the_state_answers_409_with_the_rule_and_changes_nothing(client_for, walk):
    application = walk("draft")
    before = entries()
    response = client_for("admin").post(url(application, "designate/"))
    assert response.status_code == 409
    assert "申报当前为“草稿”，此时不能授牌" in text(response) and "方案三" in text(response)
    response = client_for("admin").get(url(application, "publicize/"))
    assert response.status_code == 409 and "只能在“已考评”时进行" in text(response)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and entries() == before


def test_returning_needs_a_reason_and_shows_it_to_the_applicant(client_for, walk):
    application = walk("submitted")
    client = client_for("officer")
    response = client.post(url(application, "return/"), {"reason": ""})
    assert response.status_code == 422 and "请填写原因" in text(response)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    response = client.post(url(application, "return/"), {"reason": "进度安排不具体"})
    assert response.status_code == 302
    page = text(client_for("secretary").get(url(application)))
    assert "已退回修改：" in page and "进度安排不具体" in page


def test_evaluating_before_the_reviewers_scored_is_refused_with_the_reason(client_for, walk, personas):
    application = walk("recommended")
    before = entries()
    response = client_for("admin").post(url(application, "evaluate/"))
    assert response.status_code == 409 and "尚未安排评审人员" in text(response)
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    response = client_for("admin").post(url(application, "evaluate/"))
    assert response.status_code == 409 and "尚未完成全部评分" in text(response)
    application.refresh_from_db()
    assert application.state == ApplicationState.RECOMMENDED and entries() == before + 1  # the assignment


# --- the three-way evaluation ------------------------------------------------------------------------------------


def test_survey_codes_are_generated_on_the_page_and_shown_once(client_for, walk):
    application = walk("recommended")
    tab = text(client_for("officer").get(url(application, "?tab=survey")))
    assert "生成并显示测评码" in tab
    assert f'action="{reverse("disclosure:survey_sheet", args=[application.pk])}"' in tab  # the QR sheet
    assert "生成并显示测评码" not in text(client_for("secretary").get(url(application, "?tab=survey")))
    response = client_for("officer").post(url(application, "survey-codes/"), {"count": "3"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert SurveyCode.objects.filter(application=application).count() == 3
    shown = [line for line in text(response).split("<li>")[1:] if line[:4].isalnum()]
    codes = [line.split("</li>")[0] for line in shown]
    assert len(codes) == 3 and all(len(code) == 9 and code[4] == "-" for code in codes)
    assert reverse("disclosure:survey_entry") in text(response)  # where the public answers
    services.survey_answer(
        code=codes[0],
        answers={"overall": "satisfied", "service": "good", "openness": "good", "conduct": "good"},
    )
    tab = text(client_for("officer").get(url(application, "?tab=survey")))
    assert "已使用 1，未使用 2" in tab and "100%" in tab
    too_many = client_for("officer").post(url(application, "survey-codes/"), {"count": "501"})
    assert too_many.status_code == 422 and SurveyCode.objects.count() == 3


def test_a_reviewer_is_assigned_on_the_page_then_scores_with_method_note_and_photo(
    client_for, walk, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = walk("recommended")
    tab = text(client_for("admin").get(url(application, "?tab=review")))
    assert "安排评审人员" in tab and "pingshen" in tab
    response = client_for("admin").post(url(application, "reviewers/"), {"reviewer": personas.reviewer.pk})
    assert response.status_code == 302
    again = client_for("admin").post(url(application, "reviewers/"), {"reviewer": personas.reviewer.pk})
    assert again.status_code == 422

    reviewer = client_for("reviewer")
    assert "分配给您" in text(reviewer.get("/sites/review/")) and "甲村党支部" in text(
        reviewer.get("/sites/review/")
    )
    manual = list(application.catalogue.criteria.filter(method=Method.MANUAL).order_by("sort_order"))
    first = manual[0]
    response = reviewer.post(
        f"/sites/review/{application.pk}/",
        {f"method_{first.code}": "on_site", f"score_{first.code}": "9", f"note_{first.code}": ""},
    )
    assert response.status_code == 422 and "得分不能超过该项分值" in text(response)
    assert not ReviewScore.objects.exists()
    data = {}
    for criterion in manual:
        data[f"method_{criterion.code}"] = "on_site"
        data[f"score_{criterion.code}"] = str(criterion.max_score)
        data[f"note_{criterion.code}"] = "现场查看"
    response = reviewer.post(f"/sites/review/{application.pk}/", data)
    assert response.status_code == 302
    assert ReviewScore.objects.filter(method="on_site").count() == len(manual)
    response = reviewer.post(
        f"/sites/review/{application.pk}/photos/",
        {"criterion": first.code, "method": "on_site", "file": SimpleUploadedFile("现场.png", PNG)},
    )
    assert response.status_code == 302 and ReviewPhoto.objects.count() == 1
    page = text(reviewer.get(f"/sites/review/{application.pk}/"))
    assert "全部条目已评分" in page and "现场.png" in page
    # The officer above sees every reviewer's scores; another branch's secretary does not see the page.
    tab = text(client_for("officer").get(url(application, "?tab=review")))
    assert "pingshen 的评分" in tab and "已完成评分" in tab


def test_the_evaluation_publicity_and_plaque_through_the_pages(client_for, walk, clock, personas):
    application = walk("recommended")
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    services.review_scores_record(
        actor=personas.reviewer, application=application, items=full_marks(application, method="interview")
    )
    codes = services.survey_codes_generate(actor=personas.officer, application=application, count=2)
    for code in codes:
        services.survey_answer(
            code=code,
            answers={"overall": "satisfied", "service": "good", "openness": "good", "conduct": "good"},
        )
    admin = client_for("admin")
    assert admin.post(url(application, "evaluate/")).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.EVALUATED and application.total_score is not None
    ranking = text(admin.get(f"/sites/campaigns/{application.campaign_id}/ranking/"))
    assert "甲村党支部" in ranking and f"{application.total_score.normalize():f}" in ranking

    response = admin.post(url(application, "publicize/"), {"working_days": "5"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.PUBLICIZED
    before = entries()
    response = admin.post(url(application, "designate/"))
    assert response.status_code == 409 and "公示期至 2026-04-21 结束" in text(response)
    assert entries() == before and not Site.objects.exists()

    clock.move_to(dt.date(2026, 4, 22))
    admin = client_for("admin")  # a new day, a new session
    response = admin.post(url(application, "designate/"))
    assert response.status_code == 302
    site = Site.objects.get()
    page = text(admin.get(url(application)))
    assert site.plaque_no in page and 'aria-current="step"' in page
    current = page.split('aria-current="step"')[0].rsplit("<li", 1)[1]
    assert "is-current" in current


def test_the_list_filters_in_the_url_and_answers_htmx_with_the_list_alone(client_for, walk, county):
    walk("draft")
    walk("submitted", org=county.village_a2)
    client = client_for("admin")
    full = text(client.get("/sites/applications/?state=submitted"))
    assert "乙村党支部" in full and "甲村党支部" not in full.split('id="list-body"')[1]
    response = client.get(
        "/sites/applications/?state=draft", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body"
    )
    assert response.status_code == 200 and "<html" not in text(response)
    assert "甲村党支部" in text(response) and "乙村党支部" not in text(response)
    assert response["HX-Push-Url"] == "/sites/applications/?state=draft"


def test_the_history_and_log_tabs_show_what_happened_and_reviewers_get_no_log(client_for, walk, personas):
    application = walk("submitted")
    history = text(client_for("secretary").get(url(application, "?tab=history")))
    assert "创建申报" in history and "提交申报" in history
    log = text(client_for("admin").get(url(application, "?tab=log")))
    assert "提交申报" in log and "基层自评" in log
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    reviewer = client_for("reviewer")
    assert "操作记录" not in text(reviewer.get(url(application)))
    assert "提交申报" not in text(reviewer.get(url(application, "?tab=log")))  # falls back to the plan
