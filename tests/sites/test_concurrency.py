"""Two people acting at the same moment (two threads, two database connections): a site is designated
once, a quota place is given once, a state is never skipped, a survey code counts once.

On SQLite the in-memory test database shares one cache between threads and answers "locked" at once where
the file database (WAL, immediate transactions, 20 s timeout) would queue the writer: the threads wait and
try again, as the real database would. On PostgreSQL (CI) the row locks do the queueing.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection

from dangjian.core.errors import TransitionNotAllowed
from dangjian.sites import services
from dangjian.sites.models import Application, PublicNotice, Quota, Site, SurveyCode, SurveyResponse

from .conftest import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def notices_ended():
    PublicNotice.objects.update(starts_on=TODAY.replace(day=13), ends_on=TODAY.replace(day=14))


def at_once(*calls):
    """Run the calls in two threads released together; returns what each did: ("ok", value),
    ("refused", message) for a 409, or ("error", repr)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            for _attempt in range(500):
                try:
                    results[index] = ("ok", call())
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            results[index] = ("error", "still locked")
        except TransitionNotAllowed as exc:
            results[index] = ("refused", exc.message)
        except Exception as exc:
            results[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_admins_designating_at_once_make_one_site(walk, personas, audit_cleanup):
    application = walk("publicized")
    notices_ended()
    second_admin = type(personas.admin).objects.create_user(
        username="admin2", password="dangjian2026", role="county_admin", org=personas.admin.org
    )
    results = at_once(
        lambda: services.application_designate(actor=personas.admin, application=application),
        lambda: services.application_designate(actor=second_admin, application=application),
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    assert Site.objects.filter(application=application).count() == 1
    assert Application.objects.get(pk=application.pk).state == "designated"


def test_the_last_quota_place_goes_to_one_of_two_applications(walk, county, personas, audit_cleanup):
    first = walk("publicized")
    second = walk("publicized", org=county.village_a2)
    notices_ended()
    Quota.objects.filter(domain="rural", tier="county").update(number=1)
    results = at_once(
        lambda: services.application_designate(actor=personas.admin, application=first),
        lambda: services.application_designate(actor=personas.admin, application=second),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    refused = next(r[1] for r in results if r[0] == "refused")
    assert "名额" in refused
    assert Site.objects.filter(domain="rural", tier="county").count() == 1
    assert sorted(Application.objects.values_list("state", flat=True)) == ["designated", "publicized"]


def test_designating_and_rejecting_at_once_leaves_one_consistent_outcome(walk, personas, audit_cleanup):
    application = walk("publicized")
    notices_ended()
    results = at_once(
        lambda: services.application_designate(actor=personas.admin, application=application),
        lambda: services.application_reject(actor=personas.admin, application=application, reason="异议属实"),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    state = Application.objects.get(pk=application.pk).state
    assert state in ("designated", "rejected")
    assert Site.objects.filter(application=application).exists() == (state == "designated")


def test_one_survey_code_sent_twice_at_once_counts_once(walk, personas, audit_cleanup):
    application = walk("recommended")
    (code,) = services.survey_codes_generate(actor=personas.officer, application=application, count=1)
    answer = {"overall": "satisfied", "service": "good", "openness": "good", "conduct": "good"}
    results = at_once(
        lambda: services.survey_answer(code=code, answers=answer),
        lambda: services.survey_answer(code=code, answers=answer),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert SurveyResponse.objects.filter(application=application).count() == 1
    assert SurveyCode.objects.get(application=application).used is True
