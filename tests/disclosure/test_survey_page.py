"""The public survey page: a code opens the questionnaire of `sites.survey`; one answer per code; an unknown,
used or closed code gets the same message ("无效或已使用"); the answer keeps no address; no session cookie."""

import pytest
from django.conf import settings as django_settings

from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import SurveyCode, SurveyResponse

from .conftest import TODAY

pytestmark = pytest.mark.django_db

GOOD = {"overall": "satisfied", "service": "good", "openness": "fair", "conduct": "good"}
INVALID = "测评码无效或已使用"


def one_code(application, personas) -> str:
    return services.survey_codes_generate(actor=personas.officer, application=application, count=1)[0]


def test_the_entry_page_takes_a_code_in_any_case_with_or_without_the_dash(client, walk, personas):
    application = walk("submitted")
    code = one_code(application, personas)
    entry = client.get("/public/survey/")
    assert entry.status_code == 200 and "测评码" in entry.content.decode()
    typed = client.get("/public/survey/", {"code": code.replace("-", "").lower()})
    assert typed.status_code == 302 and typed["Location"] == f"/public/survey/{code}/"


def test_a_malformed_code_is_refused_on_the_entry_page(client, county):
    response = client.get("/public/survey/", {"code": "12"})
    assert response.status_code == 422 and "8 位字母和数字" in response.content.decode()
    empty = client.get("/public/survey/", {"code": ""})
    assert empty.status_code == 422 and "请输入测评码" in empty.content.decode()


def test_the_questionnaire_names_the_organization_and_has_big_radio_choices(client, walk, personas):
    application = walk("submitted")
    code = one_code(application, personas)
    page = client.get(f"/public/survey/{code}/")
    html = page.content.decode()
    assert page.status_code == 200 and "甲村党支部" in html and code in html
    for text in ("您对该党组织领导班子的总体评价", "满意", "基本满意", "不满意", "党员干部的工作作风"):
        assert text in html
    assert html.count('type="radio"') == 3 * 4
    assert "no-cache" in page["Cache-Control"]


def test_a_code_answers_once_and_the_sheet_keeps_no_address(client, walk, personas):
    application = walk("submitted")
    code = one_code(application, personas)
    audits = AuditEntry.objects.count()
    response = client.post(
        f"/public/survey/{code}/", {**GOOD, "comment": "希望多办实事"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302 and response["Location"] == "/public/survey/done/"
    sheet = SurveyResponse.objects.get(application=application)
    assert sheet.answers == {**GOOD, "comment": "希望多办实事"} and sheet.satisfied is True
    assert sheet.answered_on == TODAY
    assert {f.name for f in SurveyResponse._meta.get_fields()} == {
        "id",
        "application",
        "answers",
        "satisfied",
        "answered_on",
    }
    assert AuditEntry.objects.count() == audits  # an entry would keep the sender's address
    assert SurveyCode.objects.get(application=application).used is True
    done = client.get("/public/survey/done/")
    assert done.status_code == 200 and "感谢您的参与" in done.content.decode()
    again = client.post(f"/public/survey/{code}/", GOOD)
    assert again.status_code == 404 and INVALID in again.content.decode()
    assert client.get(f"/public/survey/{code}/").status_code == 404
    assert SurveyResponse.objects.filter(application=application).count() == 1


def test_unknown_used_and_closed_codes_get_the_same_answer(client, walk, personas, county):
    application = walk("submitted")
    used = one_code(application, personas)
    services.survey_answer(code=used, answers=GOOD)
    unknown = "ABCD-EFGH"
    answers = [client.get(f"/public/survey/{code}/") for code in (used, unknown, "short", "0000-0000")]
    assert {r.status_code for r in answers} == {404}
    assert all(INVALID in r.content.decode() for r in answers)
    assert all("该测评码已经使用过" not in r.content.decode() for r in answers)  # the service's own words


def test_a_missing_answer_is_asked_for_and_leaves_the_code_unused(client, walk, personas):
    application = walk("submitted")
    code = one_code(application, personas)
    response = client.post(f"/public/survey/{code}/", {**GOOD, "overall": ""})
    assert response.status_code == 422 and "请选择一项" in response.content.decode()
    wrong = client.post(f"/public/survey/{code}/", {**GOOD, "service": "excellent"})
    assert wrong.status_code == 422 and "请从选项中选择" in wrong.content.decode()
    long = client.post(f"/public/survey/{code}/", {**GOOD, "comment": "很" * 301})
    assert long.status_code == 422 and "最多 300 个字" in long.content.decode()
    assert SurveyCode.objects.get(application=application).used is False
    assert not SurveyResponse.objects.exists()
    assert client.post(f"/public/survey/{code}/", GOOD).status_code == 302


def test_no_cookie_but_the_csrf_one(client, walk, personas):
    application = walk("submitted")
    code = one_code(application, personas)
    page = client.get(f"/public/survey/{code}/")
    assert set(page.cookies) <= {django_settings.CSRF_COOKIE_NAME}
    answered = client.post(f"/public/survey/{code}/", GOOD)
    assert django_settings.SESSION_COOKIE_NAME not in answered.cookies
    assert set(client.cookies) <= {django_settings.CSRF_COOKIE_NAME}


def test_a_visitor_trying_codes_is_stopped_after_the_hourly_limit(client, walk, personas, settings):
    settings.DANGJIAN_DISCLOSURE = {**settings.DANGJIAN_DISCLOSURE, "SURVEY_TRIES_PER_HOUR": 3}
    application = walk("submitted")
    code = one_code(application, personas)
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert client.get(f"/public/survey/{guess}/", REMOTE_ADDR="192.0.2.5").status_code == 404
    stopped = client.get(f"/public/survey/{code}/", REMOTE_ADDR="192.0.2.5")
    assert stopped.status_code == 429 and "尝试次数过多" in stopped.content.decode()
    assert client.post(f"/public/survey/{code}/", GOOD, REMOTE_ADDR="192.0.2.5").status_code == 429
    assert SurveyCode.objects.get(application=application).used is False
    assert client.post(f"/public/survey/{code}/", GOOD, REMOTE_ADDR="192.0.2.6").status_code == 302
