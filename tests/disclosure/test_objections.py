"""Objections to a proposed demonstration site from the public board: filed through the service, a clear
message and nothing stored on bad input, a thank-you page, a per-visitor limit, and no address kept."""

import datetime as dt

import pytest
from django.db import connection

from dangjian.core.models import AuditEntry
from dangjian.sites.models import Objection

pytestmark = pytest.mark.django_db

TEXT = "该村活动场所实际已出租作仓库，与申报材料不符。"


def url(application) -> str:
    return f"/public/objections/{application.pk}/"


def test_the_form_names_the_site_and_the_notice_period(client, walk):
    application = walk("publicized")
    page = client.get(url(application))
    assert page.status_code == 200
    html = page.content.decode()
    notice = application.notice
    assert "甲村党支部" in html and f"{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}" in html
    assert "csrfmiddlewaretoken" in html and "异议内容" in html


def test_an_objection_is_filed_and_thanked_for_without_keeping_the_address(client, walk):
    application = walk("publicized")
    response = client.post(
        url(application), {"text": TEXT, "contact": "13900001111"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302 and response["Location"] == "/public/objections/thanks/"
    objection = Objection.objects.get(application=application)
    assert (
        objection.text == TEXT and objection.notice_id == application.notice_id and objection.state == "open"
    )
    assert objection.contact == "13900001111"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM sites_objection WHERE id = %s", [objection.pk])
        assert "13900001111" not in cursor.fetchone()[0]  # encrypted at rest
    entry = AuditEntry.objects.get(object_type="sites.objection", object_id=str(objection.pk))
    assert entry.ip is None and entry.actor is None
    assert "203.0.113.7" not in str(entry.after) and "13900001111" not in str(entry.after)
    thanks = client.get("/public/objections/thanks/")
    assert thanks.status_code == 200 and "认真核实" in thanks.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请填写异议内容"),
        ({"text": "不行"}, "至少 5 个字"),
        ({"text": "字" * 2001}, "最多 2000 个字"),
        ({"text": TEXT, "contact": "电" * 101}, "最多 100 个字"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(client, walk, data, message):
    application = walk("publicized")
    audits = AuditEntry.objects.count()
    response = client.post(url(application), data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Objection.objects.exists() and AuditEntry.objects.count() == audits


def test_no_objection_once_the_notice_has_ended_or_to_what_is_not_publicized(client, walk, clock, county):
    evaluated = walk("evaluated", org=county.village_a2)
    assert client.get(url(evaluated)).status_code == 404
    assert client.post(url(evaluated), {"text": TEXT}).status_code == 404
    application = walk("publicized")
    clock.move_to(application.notice.ends_on + dt.timedelta(days=1))
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application), {"text": TEXT}).status_code == 404
    assert client.get("/public/objections/999999/").status_code == 404
    assert not Objection.objects.exists()


def test_one_visitor_is_stopped_after_the_hourly_limit_on_one_notice(client, walk, settings, clock):
    settings.DANGJIAN_DISCLOSURE = {**settings.DANGJIAN_DISCLOSURE, "OBJECTIONS_PER_HOUR": 2}
    application = walk("publicized")
    for _ in range(2):
        assert client.post(url(application), {"text": TEXT}, REMOTE_ADDR="198.51.100.1").status_code == 302
    refused = client.post(url(application), {"text": TEXT}, REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429 and "一小时后再试" in refused.content.decode()
    assert Objection.objects.count() == 2
    # Someone else is not stopped; the same visitor may object again an hour later.
    assert client.post(url(application), {"text": TEXT}, REMOTE_ADDR="198.51.100.2").status_code == 302
    clock.move_to(dt.date(2026, 4, 16))  # the notice still runs
    assert client.post(url(application), {"text": TEXT}, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert Objection.objects.count() == 4


def test_the_limit_counts_filed_objections_not_mistakes(client, walk, settings):
    settings.DANGJIAN_DISCLOSURE = {**settings.DANGJIAN_DISCLOSURE, "OBJECTIONS_PER_HOUR": 1}
    application = walk("publicized")
    for _ in range(3):
        assert client.post(url(application), {"text": "短"}).status_code == 422
    assert client.post(url(application), {"text": TEXT}).status_code == 302
    assert client.post(url(application), {"text": TEXT}).status_code == 429
    assert Objection.objects.count() == 1
