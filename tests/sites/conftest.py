"""Fixtures of the demonstration-site tests: the 2026 catalogues, a campaign, and a helper that walks an
application of 甲村党支部 (village_a1, rural) to any state through the services."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangjian.sites import services
from dangjian.sites.models import (
    Application,
    ApplicationState,
    Method,
    PublicNotice,
    ReviewMethod,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 4, 15)  # a Wednesday in the 组织实施 phase

PLAN = {
    "goals": "建成农村党建示范点",
    "content": "阵地建设、组织生活、特色产业",
    "schedule": "4 月完成阵地改造，5 月完成制度上墙",
    "measures": "书记抓、抓书记，党员包片",
    "responsible": "王建国",
    "site_area": 150,
}


def moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """Time stands still on TODAY; `clock.move_to(date)` jumps."""
    with time_machine.travel(moment(TODAY), tick=False) as traveller:
        yield SimpleNamespace(move_to=lambda day: traveller.move_to(moment(day)))


@pytest.fixture
def catalogues(db):
    return {c.domain: c for c, _created in services.catalogue_load(year=2026)}


@pytest.fixture
def campaign(clock, catalogues, personas):
    return services.campaign_open(actor=personas.admin, year=2026, survey_min_answers=2)


def manual_codes(application: Application) -> list[str]:
    return list(
        application.catalogue.criteria.filter(method=Method.MANUAL)
        .order_by("sort_order")
        .values_list("code", flat=True)
    )


def full_marks(application: Application, *, less: float = 0.0, method: str | None = None) -> list[dict]:
    items = []
    for criterion in application.catalogue.criteria.filter(method=Method.MANUAL):
        item = {"code": criterion.code, "score": max(float(criterion.max_score) - less, 0), "note": ""}
        if method:
            item["method"] = method
        items.append(item)
    return items


def answer_survey(application: Application, personas, *, satisfied: int, dissatisfied: int = 0) -> None:
    codes = services.survey_codes_generate(
        actor=personas.officer, application=application, count=satisfied + dissatisfied
    )
    for index, code in enumerate(codes):
        overall = "satisfied" if index < satisfied else "dissatisfied"
        services.survey_answer(
            code=code, answers={"overall": overall, "service": "good", "openness": "good", "conduct": "fair"}
        )


@pytest.fixture
def walk(campaign, personas, county):
    """walk(state) → an application of 甲村党支部 brought to `state` through the services."""

    def to(state: str, *, org=None, tier: str = "county", reviewer=None, less: float = 0.0) -> Application:
        org = org or county.village_a1
        secretary = personas.secretary if org == county.village_a1 else personas.admin
        application = services.application_create(
            actor=secretary, campaign=campaign, org=org, tier=tier, **PLAN
        )
        if state == ApplicationState.DRAFT:
            return application
        services.self_scores_record(actor=secretary, application=application, items=full_marks(application))
        application = services.application_submit(actor=secretary, application=application)
        if state == ApplicationState.SUBMITTED:
            return application
        recommender = personas.officer if org.path.startswith(county.town_a.path) else personas.admin
        application = services.application_recommend(actor=recommender, application=application)
        if state == ApplicationState.RECOMMENDED:
            return application
        reviewer = reviewer or personas.reviewer
        services.reviewer_assign(actor=personas.admin, application=application, reviewer=reviewer)
        codes = services.survey_codes_generate(actor=personas.admin, application=application, count=2)
        for code in codes:
            services.survey_answer(
                code=code,
                answers={"overall": "satisfied", "service": "good", "openness": "good", "conduct": "good"},
            )
        services.review_scores_record(
            actor=reviewer,
            application=application,
            items=full_marks(application, less=less, method=ReviewMethod.ON_SITE),
        )
        application = services.application_evaluate(actor=personas.admin, application=application)
        if state == ApplicationState.EVALUATED:
            return application
        application = services.application_publicize(actor=personas.admin, application=application)
        if state == ApplicationState.PUBLICIZED:
            return application
        # The notice ran its course (the lifecycle test lets the clock do this).
        PublicNotice.objects.filter(pk=application.notice_id).update(
            starts_on=campaign.mobilization_by, ends_on=campaign.mobilization_by
        )
        services.application_designate(actor=personas.admin, application=application)
        application.refresh_from_db()
        if state == ApplicationState.DESIGNATED:
            return application
        raise ValueError(state)

    return to
