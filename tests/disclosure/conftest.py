"""Fixtures of the disclosure tests: the demonstration-site fixtures (a 2026 campaign frozen on 2026-04-15 and
`walk(state)` for an application of 甲村党支部), items published through the service, and a development case
whose public notice runs (made directly: only its notice dates matter to the board)."""

import datetime as dt

import pytest

from dangjian.core import idnumber
from dangjian.core.crypto import lookup_hash
from dangjian.disclosure import services
from dangjian.recruitment.models import DevelopmentCase
from tests.sites.conftest import TODAY, campaign, catalogues, clock, moment, walk

CANDIDATE_ID = idnumber.build("341825", dt.date(1998, 3, 9), 124)
CANDIDATE_PHONE = "13955556666"


@pytest.fixture
def publish(personas, county, clock):
    """publish(org=…, **fields) → an item published by the admin (dates default to today + 30 days)."""

    def make(*, org=None, actor=None, **fields):
        values = {
            "category": "decision",
            "title": "关于村级活动场所改造的决定",
            "body": "经支部委员会讨论，决定改造村级活动场所。",
            "publish_on": TODAY,
            "expires_on": TODAY + dt.timedelta(days=30),
            **fields,
        }
        return services.item_publish(actor=actor or personas.admin, org=org or county.village_a1, **values)

    return make


@pytest.fixture
def candidate(county):
    """A candidate of 甲村党支部 whose public notice runs from 2026-04-13 through 2026-04-17."""
    return DevelopmentCase.objects.create(
        person_name="赵公示",
        gender="female",
        id_number=CANDIDATE_ID,
        id_hash=lookup_hash(CANDIDATE_ID),
        birth_date=dt.date(1998, 3, 9),
        phone=CANDIDATE_PHONE,
        work_unit="甲村合作社",
        org=county.village_a1,
        org_path=county.village_a1.path,
        stage="candidate",
        applied_on=dt.date(2024, 1, 8),
        activist_on=dt.date(2024, 3, 1),
        candidate_on=dt.date(2025, 3, 20),
        notice_starts_on=dt.date(2026, 4, 13),
        notice_ends_on=dt.date(2026, 4, 17),
    )


__all__ = ["TODAY", "campaign", "catalogues", "clock", "moment", "walk"]
