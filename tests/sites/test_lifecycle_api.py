"""The whole programme through the API, as the people of the seeds would do it.

GIVEN the 2026 catalogues and a county campaign
WHEN 甲村党支部 applies, 甲镇党委 recommends it, the masses answer the survey, a reviewer scores it, the
     organization department evaluates, publicizes, settles an objection and designates it
THEN it holds a plaque on the public list; and when the 2027 re-review finds it below standard, its
     plaque is removed and it leaves the list, every step kept in its history.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import Application, Site, SurveyResponse

from .conftest import PLAN, TODAY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", **headers)


def test_from_application_to_plaque_and_from_rereview_to_revocation(
    client, api_for, personas, county, clock, catalogues, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    admin, officer, secretary, reviewer = (api_for(n) for n in ("admin", "officer", "secretary", "reviewer"))

    # The organization department opens the year's campaign with the seeds' quotas.
    response = post(client, "/api/v1/sites/campaigns", admin, {"year": 2026, "survey_min_answers": 4})
    assert response.status_code == 201, response.content
    campaign = response.json()
    assert campaign["progress"]["quota_total"] == 40 and campaign["weights"] == {
        "self": 20,
        "mass": 40,
        "org": 40,
    }
    assert campaign["implementation_by"] == "2026-06-10" and campaign["progress"]["phase"] == "implementation"

    # The branch drafts its application with a creation plan.
    response = post(
        client,
        "/api/v1/sites/applications",
        secretary,
        {"campaign_id": campaign["id"], "org_id": county.village_a1.pk, **PLAN},
    )
    assert response.status_code == 201, response.content
    application = response.json()
    url = f"/api/v1/sites/applications/{application['id']}"
    assert application["state"] == "draft" and application["domain"] == "rural"
    assert application["catalogue_id"] == catalogues["rural"].pk and application["plan_filed_on"] == str(
        TODAY
    )
    assert application["allowed_actions"] == ["submit"]

    # Submitting before the self-evaluation is complete is refused, and says what is missing.
    response = post(client, f"{url}/submit", secretary)
    assert response.status_code == 422 and "基层自评不完整" in response.json()["detail"]
    sheet = client.get(f"{url}/scores", **secretary).json()
    manual = [c for c in sheet["criteria"] if c["method"] == "manual"]
    assert sheet["missing_self"] == [c["code"] for c in manual]
    items = [{"code": c["code"], "score": c["max_score"] - 0.5, "note": "自查"} for c in manual]
    response = post(client, f"{url}/scores", secretary, {"kind": "self", "items": items})
    assert response.status_code == 200 and response.json()["missing_self"] == []
    response = client.post(
        f"{url}/evidence",
        {"file": SimpleUploadedFile("阵地照片说明.pdf", PDF), "criterion": "A02"},
        **secretary,
    )
    assert response.status_code == 201 and response.json()["criterion"] == "A02"
    response = post(client, f"{url}/submit", secretary)
    assert response.status_code == 200 and response.json()["state"] == "submitted"

    # The branch cannot recommend itself; its township committee does (好中选优).
    assert post(client, f"{url}/recommend", secretary).status_code == 403
    response = post(client, f"{url}/recommend", officer)
    assert response.status_code == 200 and response.json()["state"] == "recommended"

    # A reviewer is assigned; survey codes are made and answered by the public, anonymously.
    response = post(client, f"{url}/assignments", admin, {"reviewer_id": personas.reviewer.pk})
    assert response.status_code == 201
    response = post(client, f"{url}/survey-codes", officer, {"count": 4})
    assert response.status_code == 201
    codes = response.json()["codes"]
    assert len(codes) == 4 and len(set(codes)) == 4
    form = client.get(f"/api/v1/sites/surveys/{codes[0]}")
    assert form.status_code == 200 and form.json()["application"]["org_name"] == "甲村党支部"
    for index, code in enumerate(codes):
        overall = "dissatisfied" if index == 3 else "satisfied"
        answer = {"overall": overall, "service": "good", "openness": "fair", "conduct": "good"}
        response = client.post(f"/api/v1/sites/surveys/{code}", answer, content_type="application/json")
        assert response.status_code == 201, response.content

    # Not evaluated before the reviewer has scored.
    response = post(client, f"{url}/evaluate", admin)
    assert response.status_code == 409 and "尚未完成全部评分" in response.json()["detail"]
    items = [{"code": c["code"], "score": c["max_score"], "method": "on_site"} for c in manual]
    response = post(client, f"{url}/scores", reviewer, {"kind": "review", "items": items})
    assert response.status_code == 200, response.content
    response = post(client, f"{url}/evaluate", admin)
    assert response.status_code == 200, response.content
    evaluated = response.json()
    assert evaluated["state"] == "evaluated" and evaluated["mass_score"] == 75.0
    sheet = client.get(f"{url}/scores", **admin).json()
    assert sheet["parts"]["frozen"] is True and sheet["survey"] == {
        "answered": 4,
        "satisfied": 3,
        "rate": 75.0,
        "threshold": 90,
        "met": False,
    }
    expected = round((evaluated["self_score"] * 20 + 75.0 * 40 + evaluated["org_score"] * 40) / 100, 2)
    assert evaluated["total_score"] == pytest.approx(expected, abs=0.01)
    ranking = client.get(f"/api/v1/sites/campaigns/{campaign['id']}/ranking", **admin).json()
    assert ranking["items"][0]["items"][0]["application_id"] == application["id"]

    # Publicized for five working days: Wednesday 15 April to Tuesday 21 April.
    response = post(client, f"{url}/publicize", admin)
    assert response.status_code == 200 and response.json()["state"] == "publicized"
    notice = client.get(f"/api/v1/sites/campaigns/{campaign['id']}/notices", **admin).json()["items"][0]
    assert (notice["starts_on"], notice["ends_on"]) == ("2026-04-15", "2026-04-21")
    board = client.get("/api/v1/sites/public").json()
    assert board["notices"][0]["items"][0]["org_name"] == "甲村党支部"

    # Someone objects; designation waits for the notice to end and for the objection to be settled.
    response = client.post(
        "/api/v1/sites/objections",
        {"application_id": application["id"], "text": "活动场所面积不足，请核实", "contact": "13900001111"},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = post(client, f"{url}/designate", admin)
    assert response.status_code == 409 and "2026-04-21" in response.json()["detail"]
    clock.move_to(dt.date(2026, 4, 22))
    response = post(client, f"{url}/designate", admin)
    assert response.status_code == 409 and "异议尚未处理" in response.json()["detail"]
    objection = client.get("/api/v1/sites/objections?state=open", **admin).json()["items"][0]
    response = post(
        client,
        f"/api/v1/sites/objections/{objection['id']}/resolve",
        admin,
        {"upheld": False, "resolution": "经现场测量，面积 150 平方米，符合标准"},
    )
    assert response.status_code == 200
    response = post(client, f"{url}/designate", admin)
    assert response.status_code == 200, response.content
    designated = response.json()
    assert designated["state"] == "designated"
    assert designated["site"]["plaque_no"] == "示范点〔2026〕县级第001号"

    sites = client.get(f"/api/v1/sites/sites?campaign={campaign['id']}", **admin).json()
    assert sites["count"] == 1 and sites["items"][0]["org_name"] == "甲村党支部"
    site_id = sites["items"][0]["id"]
    assert [s["plaque_no"] for s in client.get("/api/v1/sites/public").json()["sites"]] == [
        "示范点〔2026〕县级第001号"
    ]
    clock.move_to(dt.date(2026, 6, 28))
    admin = api_for("admin")  # tokens last 30 days
    response = post(client, f"/api/v1/sites/sites/{site_id}/commend", admin)
    assert response.status_code == 200 and response.json()["commended_on"] == "2026-06-28"

    # 2027: the re-review finds the site below standard; its plaque is removed with a reason.
    clock.move_to(dt.date(2027, 4, 12))
    admin = api_for("admin")
    services.catalogue_load(year=2027)
    response = post(client, "/api/v1/sites/campaigns", admin, {"year": 2027})
    assert response.status_code == 201
    next_year = response.json()
    response = post(client, f"/api/v1/sites/campaigns/{next_year['id']}/re-reviews", admin)
    assert response.status_code == 201 and response.json()["count"] == 1
    rereview = response.json()["items"][0]
    assert rereview["site_id"] == site_id and rereview["state"] == "open"
    catalogue = client.get(f"/api/v1/sites/catalogues/{rereview['catalogue_id']}", **admin).json()
    assert catalogue["year"] == 2027
    hand = [
        c["code"]
        for c in catalogue["criteria"]
        if c["method"] == "manual" or c["metric"] == "satisfaction_rate"
    ]
    rurl = f"/api/v1/sites/re-reviews/{rereview['id']}"
    response = post(client, f"{rurl}/scores", admin, {"items": [{"code": code, "score": 0} for code in hand]})
    assert response.status_code == 200, response.content
    response = post(client, f"{rurl}/conclude", admin, {"note": "阵地挪作他用，组织生活不正常"})
    assert response.status_code == 200 and response.json()["state"] == "failed"
    assert response.json()["score"] < 80
    response = post(client, f"{url}/revoke", admin, {"reason": "2027 年复审未达标，予以摘牌"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "revoked" and response.json()["site"]["revoked_on"] == "2027-04-12"
    assert client.get("/api/v1/sites/public").json()["sites"] == []
    assert client.get("/api/v1/sites/sites?active=true", **admin).json()["count"] == 0

    # Every step is in the organization's history, across the years.
    history = client.get(f"/api/v1/sites/sites/{site_id}/history", **admin).json()["items"]
    assert [e["kind"] for e in history] == [
        "created",
        "submitted",
        "recommended",
        "evaluated",
        "publicized",
        "objection",
        "objection_resolved",
        "designated",
        "commended",
        "rereviewed",
        "revoked",
    ]
    assert history[-1]["note"] == "2027 年复审未达标，予以摘牌"
    site = Site.objects.get(pk=site_id)
    assert site.revoke_reason == "2027 年复审未达标，予以摘牌"
    # The survey left four anonymous answer sheets and nothing that ties them to anyone.
    assert SurveyResponse.objects.filter(application_id=application["id"]).count() == 4
    assert not AuditEntry.objects.filter(summary__contains="测评答卷").exists()
    assert Application.objects.get(pk=application["id"]).state == "revoked"
