"""The materialized path: a subtree listing or count is one query, served by an index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import tree
from dangjian.members.models import Member
from dangjian.orgs import selectors
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_within_does_not_confuse_siblings_sharing_a_prefix():
    assert tree.is_within("1/2/", "1/2/")
    assert tree.is_within("1/2/5/", "1/2/")
    assert not tree.is_within("1/23/", "1/2/")
    assert tree.ancestor_ids("1/2/5/") == [1, 2, 5]
    assert tree.depth("1/2/5/") == 2


def test_subtree_query_excludes_a_sibling_whose_id_extends_the_prefix(county):
    # Make ids 2 and 2x coexist under the same parent, e.g. "…/5/" and "…/57/".
    siblings = [
        Organization.objects.create(
            name=f"s{i}", code=f"S{i}", kind="branch", domain="rural", parent=county.town_a, path="", depth=2
        )
        for i in range(12)
    ]
    for org in siblings:
        org.path = tree.child_path(county.town_a.path, org.pk)
        org.save(update_fields=["path"])
    short = min(siblings, key=lambda o: o.pk)
    clash = [o for o in siblings if str(o.pk).startswith(str(short.pk)) and o.pk != short.pk]
    found = set(Organization.objects.filter(tree.within(short.path)).values_list("pk", flat=True))
    assert found == {short.pk}
    assert not clash or clash[0].pk not in found


def test_member_count_of_a_subtree_is_one_query(county):
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.member_counts(county.town_a)
    assert counts == {"full": 12, "probationary": 2, "total": 14}
    assert len(queries) == 1


def test_subtree_queries_use_the_path_index(county):
    queryset = Member.objects.filter(tree.within(county.town_a.path, "org_path"))
    orgs = Organization.objects.filter(tree.within(county.town_a.path))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        plans = [queryset.explain(), orgs.explain()]
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = on")
    for plan in plans:
        if connection.vendor == "sqlite":
            # SEARCH … USING INDEX (path>? AND path<?) is a range seek; SCAN would read the whole table.
            assert "SEARCH" in plan and "INDEX" in plan and "path>?" in plan, plan
        else:
            assert "Index" in plan, plan
