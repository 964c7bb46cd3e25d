"""Two approvals of the same case at the same moment: one passes, the other is refused (409), one member."""

import threading
import time

import pytest
from django.db import OperationalError, connection

from dangjian.core.errors import TransitionNotAllowed
from dangjian.members.models import Member
from dangjian.recruitment import services
from dangjian.recruitment.models import CaseStep

from ._flow import TIMETABLE


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_only_one_passes(flow, personas, audit_cleanup):
    case = flow.to(flow.new_case(), 16)
    flow.at(TIMETABLE[17])
    barrier = threading.Barrier(2)
    results = []

    def approve(actor):
        try:
            barrier.wait(timeout=10)
            for _attempt in range(200):
                try:
                    services.step_record(actor=actor, case=case, step=17, date=TIMETABLE[17])
                except OperationalError as exc:
                    # The test database is SQLite in memory with a shared cache, where a second writer is
                    # told "locked" at once instead of waiting as a file database (timeout 20 s) does:
                    # wait and try again, as the real database would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
                    continue
                results.append("approved")
                return
            results.append(("error", "still locked"))
        except TransitionNotAllowed as exc:
            results.append(("refused", exc.message))
        except Exception as exc:
            results.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(who,)) for who in (personas.officer, personas.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "approved" in results, results
    refused = [r for r in results if r != "approved"]
    assert len(refused) == 1 and refused[0][0] == "refused", results
    assert CaseStep.objects.filter(case=case, step=17).count() == 1
    assert Member.objects.filter(id_hash=case.id_hash).count() == 1


def test_a_second_approval_that_missed_the_first_is_stopped_by_the_database(flow, personas, monkeypatch):
    """Even if a second request had read the case before the first approval was written, the unique
    "one current record per step" constraint refuses its record: 409 and nothing of it is kept."""
    from dangjian.recruitment import selectors

    case = flow.to(flow.new_case(), 16)
    stale = selectors.case_state(case)
    flow.step(case, 17)
    monkeypatch.setattr(selectors, "case_state", lambda _case: stale)
    with pytest.raises(TransitionNotAllowed, match="刚刚已由他人登记"):
        flow.step(case, 17)
    assert CaseStep.objects.filter(case=case, step=17).count() == 1
    assert Member.objects.filter(id_hash=case.id_hash).count() == 1
