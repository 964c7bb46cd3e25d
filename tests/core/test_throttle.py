"""`core.throttle`: what one visitor may send in an hour, kept as a keyed hash in the cache (no address stored)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from dangjian.core import throttle


@pytest.mark.parametrize(
    ("tries", "limit", "over"), [(4, 5, False), (5, 5, True), (6, 5, True), (99, 0, False)]
)
def test_a_visitor_is_stopped_at_the_limit_and_a_zero_limit_is_off(tries, limit, over):
    assert throttle.over_limit(tries, limit) is over


def test_tries_are_counted_per_visitor_and_subject_and_the_key_names_no_address():
    cache.clear()
    one = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    other = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9")
    assert [throttle.count("objection", one, "notice:1") for _ in range(3)] == [1, 2, 3]
    assert throttle.tries("objection", other, "notice:1") == 0
    assert throttle.tries("objection", one, "notice:2") == 0
    assert throttle.blocked("objection", one, "notice:1", 3)
    assert not throttle.blocked("objection", one, "notice:1", 4)
    assert "10.1.2.3" not in throttle._key("objection", one, "notice:1")
