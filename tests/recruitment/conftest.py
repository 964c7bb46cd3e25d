import datetime as dt

import pytest
import time_machine

from ._flow import SHANGHAI, Flow


@pytest.fixture
def traveller():
    with time_machine.travel(dt.datetime(2024, 1, 8, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def flow(county, personas, traveller):
    return Flow(county, personas, traveller)
