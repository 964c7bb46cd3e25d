"""授牌 and what surrounds it: the notice period, objections, quotas per domain and tier, plaque numbers,
recommendation to the city tier, commendation before 七一."""

import datetime as dt

import pytest
from django.db import connection

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import Application, EventKind, Objection, PublicNotice, Quota, Site, SiteEvent

from .conftest import TODAY, answer_survey, full_marks

pytestmark = pytest.mark.django_db


def ended(application):
    PublicNotice.objects.filter(pk=application.notice_id).update(
        starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 4, 8)
    )


def designate(client, api_for, application, who="admin"):
    return client.post(
        f"/api/v1/sites/applications/{application.pk}/designate",
        {},
        content_type="application/json",
        **api_for(who),
    )


def test_designation_waits_for_the_last_day_of_the_notice(client, api_for, walk, clock):
    application = walk("publicized")
    notice = application.notice
    assert (notice.starts_on, notice.ends_on) == (TODAY, dt.date(2026, 4, 21))
    clock.move_to(dt.date(2026, 4, 21))
    response = designate(client, api_for, application)
    assert response.status_code == 409 and "2026-04-21" in response.json()["detail"]
    clock.move_to(dt.date(2026, 4, 22))
    assert designate(client, api_for, application).status_code == 200


def test_a_designation_makes_a_site_an_event_and_one_audit_entry(client, api_for, walk):
    application = walk("publicized")
    ended(application)
    headers = api_for("admin")  # issuing a token is itself audited
    audits = AuditEntry.objects.count()
    body = client.post(
        f"/api/v1/sites/applications/{application.pk}/designate",
        {},
        content_type="application/json",
        **headers,
    ).json()
    site = Site.objects.get(application=application)
    assert body["site"]["id"] == site.pk and site.designated_on == TODAY
    assert (site.tier, site.domain, site.org_id) == ("county", "rural", application.org_id)
    assert AuditEntry.objects.count() == audits + 1
    assert SiteEvent.objects.filter(site=site, kind=EventKind.DESIGNATED, note=site.plaque_no).exists()


def test_only_the_organization_department_designates_a_county_site(client, api_for, walk):
    application = walk("publicized")
    ended(application)
    assert designate(client, api_for, application, "officer").status_code == 403
    assert designate(client, api_for, application, "secretary").status_code == 403
    assert designate(client, api_for, application, "secretary_b").status_code == 404
    assert Application.objects.get(pk=application.pk).state == "publicized"


def test_an_open_objection_blocks_designation_until_resolved(client, api_for, walk, personas):
    application = walk("publicized")
    objection = services.objection_file(application=application, text="该村党员大会记录不全")
    ended(application)
    response = designate(client, api_for, application)
    assert response.status_code == 409 and "1 条异议尚未处理" in response.json()["detail"]
    services.objection_resolve(
        actor=personas.admin, objection=objection, upheld=False, resolution="经核实记录齐全"
    )
    assert designate(client, api_for, application).status_code == 200


def test_an_upheld_objection_then_a_rejection(client, api_for, walk, personas):
    application = walk("publicized")
    objection = services.objection_file(application=application, text="该村活动场所已改作仓库")
    services.objection_resolve(
        actor=personas.admin, objection=objection, upheld=True, resolution="经核实属实"
    )
    response = client.post(
        f"/api/v1/sites/applications/{application.pk}/reject",
        {"reason": "公示期间异议经核实属实"},
        content_type="application/json",
        **api_for("admin"),
    )
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert not Site.objects.exists()


def test_objections_only_while_the_notice_runs_and_only_to_what_is_publicized(client, walk, clock, personas):
    draft = walk("evaluated")
    response = client.post(
        "/api/v1/sites/objections",
        {"application_id": draft.pk, "text": "不同意此项"},
        content_type="application/json",
    )
    assert response.status_code == 404  # not under a notice: the public does not even learn it exists
    application = services.application_publicize(
        actor=draft.created_by.__class__.objects.get(username="admin"), application=draft
    )
    short = client.post(
        "/api/v1/sites/objections",
        {"application_id": application.pk, "text": "不"},
        content_type="application/json",
    )
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "text"
    clock.move_to(dt.date(2026, 4, 22))
    late = client.post(
        "/api/v1/sites/objections",
        {"application_id": application.pk, "text": "活动场所面积不足"},
        content_type="application/json",
    )
    assert late.status_code == 409 and "公示期为 2026-04-15 至 2026-04-21" in late.json()["detail"]
    assert Objection.objects.count() == 0


def test_the_objectors_contact_is_encrypted_and_kept_out_of_the_log(walk):
    application = walk("publicized")
    objection = services.objection_file(
        application=application, text="情况不属实，请核查", contact="13900001111"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM sites_objection WHERE id = %s", [objection.pk])
        raw = cursor.fetchone()[0]
    assert "13900001111" not in raw
    assert Objection.objects.get(pk=objection.pk).contact == "13900001111"
    assert not any("13900001111" in str(e.after) for e in AuditEntry.objects.all())


def test_designation_beyond_the_quota_is_409(client, api_for, walk, county):
    Quota.objects.filter(domain="rural", tier="county").update(number=1)
    first = walk("publicized")
    second = walk("publicized", org=county.village_a2)
    ended(first)
    ended(second)
    assert designate(client, api_for, first).status_code == 200
    response = designate(client, api_for, second)
    assert response.status_code == 409 and "名额 1 个已用完" in response.json()["detail"]
    assert Application.objects.get(pk=second.pk).state == "publicized"


def test_no_quota_for_a_domain_and_tier_means_no_designation(client, api_for, walk):
    Quota.objects.filter(domain="rural", tier="county").delete()
    application = walk("publicized")
    ended(application)
    assert designate(client, api_for, application).status_code == 409


def test_quota_can_be_raised_but_not_below_what_is_designated(client, api_for, walk, campaign):
    application = walk("publicized")
    ended(application)
    designate(client, api_for, application)
    url = f"/api/v1/sites/campaigns/{campaign.pk}/quotas"
    headers = api_for("admin")
    response = client.post(
        url, {"domain": "rural", "tier": "county", "number": 0}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    response = client.post(
        url, {"domain": "rural", "tier": "city", "number": 2}, content_type="application/json", **headers
    )
    assert response.status_code == 200
    city = next(q for q in response.json()["quotas"] if q["tier"] == "city")
    assert city == {"domain": "rural", "tier": "city", "quota": 2, "designated": 0, "left": 2, "by_state": {}}


def test_plaque_numbers_run_per_campaign_and_tier(walk, county, personas):
    first = walk("publicized")
    second = walk("publicized", org=county.village_a2)
    for application in (first, second):
        ended(application)
        services.application_designate(actor=personas.admin, application=application)
    assert sorted(Site.objects.values_list("plaque_no", flat=True)) == [
        "示范点〔2026〕县级第001号",
        "示范点〔2026〕县级第002号",
    ]


def test_a_county_site_is_recommended_to_the_city_and_designated_there(
    client, api_for, walk, personas, campaign
):
    county_site = walk("designated")
    headers = api_for("admin")
    response = client.post(
        f"/api/v1/sites/applications/{county_site.pk}/recommend-city",
        {},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    city = response.json()
    assert (city["tier"], city["state"], city["recommended_from_id"]) == (
        "city",
        "recommended",
        county_site.pk,
    )
    assert city["goals"] == county_site.goals
    again = client.post(
        f"/api/v1/sites/applications/{county_site.pk}/recommend-city",
        {},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    application = Application.objects.get(pk=city["id"])
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    services.review_scores_record(
        actor=personas.reviewer, application=application, items=full_marks(application, method="on_site")
    )
    answer_survey(application, personas, satisfied=2)
    application = services.application_evaluate(actor=personas.admin, application=application)
    application = services.application_publicize(actor=personas.admin, application=application)
    ended(application)
    with pytest.raises(TransitionNotAllowed, match="名额"):
        services.application_designate(actor=personas.admin, application=application)
    services.quota_set(actor=personas.admin, campaign=campaign, domain="rural", tier="city", number=1)
    site = services.application_designate(actor=personas.admin, application=application)
    assert site.plaque_no == "示范点〔2026〕市级第001号"
    assert "党员先锋" in SiteEvent.objects.get(site=site, kind=EventKind.DESIGNATED).note


def test_a_city_application_cannot_be_made_directly(client, api_for, campaign, county):
    response = client.post(
        "/api/v1/sites/applications",
        {"campaign_id": campaign.pk, "org_id": county.village_a1.pk, "tier": "city"},
        content_type="application/json",
        **api_for("secretary"),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "tier"


def test_commendation_before_july_first(client, api_for, walk, clock):
    site = walk("designated").site
    url = f"/api/v1/sites/sites/{site.pk}/commend"
    late = client.post(
        url, {"commended_on": "2026-07-02"}, content_type="application/json", **api_for("admin")
    )
    assert late.status_code == 422 and "七一" in late.json()["detail"]
    early = client.post(
        url, {"commended_on": "2026-04-10"}, content_type="application/json", **api_for("admin")
    )
    assert early.status_code == 422  # before it was designated
    ok = client.post(url, {"commended_on": "2026-07-01"}, content_type="application/json", **api_for("admin"))
    assert ok.status_code == 200 and ok.json()["commended"] is True
    twice = client.post(url, {}, content_type="application/json", **api_for("admin"))
    assert twice.status_code == 409
    assert client.post(url, {}, content_type="application/json", **api_for("officer")).status_code == 403


def test_applications_only_from_grassroots_organizations_of_the_campaign(personas, campaign, county):
    for org in (county.group_a1, county.root):
        with pytest.raises(ValidationFailed):
            services.application_create(actor=personas.admin, campaign=campaign, org=org)
    services.application_create(actor=personas.admin, campaign=campaign, org=county.village_a2)
    with pytest.raises(ValidationFailed, match="已有同一层级"):
        services.application_create(actor=personas.admin, campaign=campaign, org=county.village_a2)
    assert Application.objects.count() == 1


def test_submission_closes_after_the_implementation_deadline(walk, personas, clock):
    application = walk("draft")
    services.self_scores_record(
        actor=personas.secretary,
        application=application,
        items=__import__("tests.sites.conftest", fromlist=["x"]).full_marks(application),
    )
    clock.move_to(dt.date(2026, 6, 11))
    with pytest.raises(TransitionNotAllowed, match="申报截止日期（2026-06-10"):
        services.application_submit(actor=personas.secretary, application=application)


def test_objections_through_the_api_are_limited_per_visitor_and_notice(client, walk, settings):
    settings.DANGJIAN_DISCLOSURE = {**settings.DANGJIAN_DISCLOSURE, "OBJECTIONS_PER_HOUR": 2}
    application = walk("publicized")

    def send(address="198.51.100.7"):
        return client.post(
            "/api/v1/sites/objections",
            {"application_id": application.pk, "text": "活动场所面积不足，请核实"},
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    assert [send().status_code for _ in range(2)] == [201, 201]
    refused = send()
    assert refused.status_code == 429 and "一小时后再试" in refused.json()["detail"]
    assert Objection.objects.count() == 2  # the refused one was not saved
    assert send("198.51.100.8").status_code == 201  # another visitor still may
