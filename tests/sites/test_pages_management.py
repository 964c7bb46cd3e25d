"""Dynamic management through the pages: GIVEN two villages designated in 2026, WHEN the 2027 re-review round
is opened, scored and concluded on the pages, THEN the one below standard is offered for revocation and,
revoked with a reason, leaves the sites in plaque; 末位管理 gives the bottom unit a rectification with a
deadline and an award bar, and the township closes it."""

import datetime as dt

import pytest

from dangjian.sites import services
from dangjian.sites.models import (
    ApplicationState,
    AwardBar,
    Rectification,
    RectificationState,
    ReReview,
    ReReviewState,
    Site,
)
from dangjian.sites.services.management import scored_by_hand

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def next_year(walk, county, clock, personas):
    weak = walk("designated")
    strong = walk("designated", org=county.village_a2)
    clock.move_to(dt.date(2027, 4, 12))
    services.catalogue_load(year=2027)
    # Without organizational-life records the automatic criteria give nothing: pass at 60.
    campaign = services.campaign_open(actor=personas.admin, year=2027, rereview_pass_score=60)
    return campaign, weak, strong


def hand_scores(rereview: ReReview, *, full: bool) -> dict:
    data = {}
    for criterion in rereview.catalogue.criteria.all():
        if scored_by_hand(criterion):
            data[f"score_{criterion.code}"] = str(criterion.max_score) if full else "0"
            data[f"note_{criterion.code}"] = "复审"
    return data


def test_rereview_round_scoring_conclusion_and_revocation_through_the_pages(client_for, next_year):
    campaign, weak, strong = next_year
    admin = client_for("admin")
    response = admin.post(f"/sites/campaigns/{campaign.pk}/re-reviews/open/")
    assert response.status_code == 302 and ReReview.objects.count() == 2
    listing = text(admin.get(f"/sites/re-reviews/?campaign={campaign.pk}"))
    assert "甲村党支部" in listing and "乙村党支部" in listing and "复审中" in listing

    weak_review = ReReview.objects.get(site__application=weak)
    strong_review = ReReview.objects.get(site__application=strong)
    early = admin.post(f"/sites/re-reviews/{weak_review.pk}/conclude/", {"note": ""})
    assert early.status_code == 409 and "未评分" in text(early)
    bad = admin.post(
        f"/sites/re-reviews/{weak_review.pk}/", {**hand_scores(weak_review, full=False), "score_A02": "7"}
    )
    assert bad.status_code == 422 and "得分不能超过该项分值" in text(bad) and not weak_review.scores.exists()

    assert (
        admin.post(f"/sites/re-reviews/{weak_review.pk}/", hand_scores(weak_review, full=False)).status_code
        == 302
    )
    assert (
        admin.post(
            f"/sites/re-reviews/{strong_review.pk}/", hand_scores(strong_review, full=True)
        ).status_code
        == 302
    )
    response = admin.post(f"/sites/re-reviews/{weak_review.pk}/conclude/", {"note": "阵地挪作他用"})
    assert response.status_code == 302
    weak_review.refresh_from_db()
    assert weak_review.state == ReReviewState.FAILED
    admin.post(f"/sites/re-reviews/{strong_review.pk}/conclude/", {"note": ""})

    detail = text(admin.get(f"/sites/re-reviews/{weak_review.pk}/"))
    assert "复审未通过" in detail and f"/sites/applications/{weak.pk}/revoke/" in detail
    strong_page = text(admin.get(f"/sites/applications/{strong.pk}/"))
    assert f"/sites/applications/{strong.pk}/revoke/" not in strong_page  # passed: revocation not offered

    response = admin.post(f"/sites/applications/{weak.pk}/revoke/", {"reason": ""})
    assert response.status_code == 422
    response = admin.post(f"/sites/applications/{weak.pk}/revoke/", {"reason": "2027 年复审未达标，予以摘牌"})
    assert response.status_code == 302
    weak.refresh_from_db()
    site = Site.objects.get(application=weak)
    assert weak.state == ApplicationState.REVOKED and site.revoked_on == dt.date(2027, 4, 12)
    in_plaque = text(admin.get("/sites/sites/?active=yes"))
    assert "乙村党支部" in in_plaque and "甲村党支部" not in in_plaque.split('id="list-body"')[1]
    site_page = text(admin.get(f"/sites/sites/{site.pk}/"))
    assert "已摘牌" in site_page and "2027 年复审未达标" in site_page and "2027 年复审" in site_page
    assert "授牌" in site_page and "复审" in site_page  # its history over the years


def test_bottom_rank_gives_a_rectification_with_a_deadline_and_the_township_closes_it(client_for, next_year):
    campaign, weak, strong = next_year
    services.rereview_open(actor=campaign.created_by, campaign=campaign)
    admin = client_for("admin")
    for application, full in ((weak, False), (strong, True)):
        review = ReReview.objects.get(site__application=application)
        admin.post(f"/sites/re-reviews/{review.pk}/", hand_scores(review, full=full))
        admin.post(f"/sites/re-reviews/{review.pk}/conclude/", {"note": ""})

    page = text(admin.get(f"/sites/campaigns/{campaign.pk}/bottom-rank/"))
    assert "甲村党支部" in page and "末位" in page
    assert client_for("officer").get(f"/sites/campaigns/{campaign.pk}/bottom-rank/").status_code == 403
    past = admin.post(f"/sites/campaigns/{campaign.pk}/bottom-rank/", {"deadline": "2027-04-01", "task": ""})
    assert (
        past.status_code == 422 and "整改期限应晚于今天" in text(past) and not Rectification.objects.exists()
    )
    response = admin.post(
        f"/sites/campaigns/{campaign.pk}/bottom-rank/", {"deadline": "2027-06-30", "task": ""}
    )
    assert response.status_code == 302
    rectification = Rectification.objects.get()
    assert rectification.org == weak.org and rectification.deadline == dt.date(2027, 6, 30)
    assert AwardBar.objects.filter(rectification=rectification, role="org").exists()

    listing = text(client_for("officer").get("/sites/rectifications/"))
    assert "甲村党支部" in listing and "整改中" in listing and "当年不得评先评优" in listing
    assert f"/sites/rectifications/{rectification.pk}/close/" in listing
    assert client_for("secretary").get(f"/sites/rectifications/{rectification.pk}/close/").status_code == 403
    response = client_for("officer").post(
        f"/sites/rectifications/{rectification.pk}/close/", {"note": "已整改到位"}
    )
    rectification.refresh_from_db()
    assert response.status_code == 302 and rectification.state == RectificationState.CLOSED
