"""Personas used across the suite: every page and endpoint is tried by each of them.

The tree:  县委 (root) ─┬─ 甲镇党委 ─┬─ 甲村党支部 ── 第一党小组
                        │           └─ 乙村党支部
                        └─ 丙镇党委 ─── 丙村党支部
"""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.test import Client

from dangjian.accounts.models import User

from .factories import make_member, make_members, make_org

PASSWORD = "dangjian2026"


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request with Accept-Language: en leaves the thread in English; start every test in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded and generated files go to the test's own folder, never to the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def audit_cleanup(transactional_db):
    """Let the transactional test's flush empty the append-only audit table on SQLite.

    SQLite flushes with DELETE, which the append-only trigger (core migration 0003) refuses; PostgreSQL
    flushes with TRUNCATE, which row triggers do not see. So on SQLite: drop the trigger, empty the table,
    put the trigger back, and leave the flush an empty table.
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("dangjian.core.migrations.0003_audit_append_only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
        cursor.execute("DELETE FROM core_auditentry")
        for statement in append_only.SQLITE:
            if "no_delete" in statement:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters (core.throttle) live in the per-process cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county(db):
    root = make_org(name="旌德县委", kind="committee", domain="organ", is_grassroots=False, code="C0")
    town_a = make_org(name="甲镇党委", kind="committee", domain="township", parent=root, code="A0")
    village_a1 = make_org(
        name="甲村党支部",
        kind="branch",
        domain="rural",
        parent=town_a,
        code="A1",
        term_started_on=dt.date(2022, 1, 10),
    )
    group_a1 = make_org(name="甲村第一党小组", kind="group", domain="rural", parent=village_a1, code="A1G1")
    village_a2 = make_org(name="乙村党支部", kind="branch", domain="rural", parent=town_a, code="A2")
    town_b = make_org(name="丙镇党委", kind="committee", domain="township", parent=root, code="B0")
    village_b1 = make_org(name="丙村党支部", kind="branch", domain="rural", parent=town_b, code="B1")
    make_members(village_a1, full=8, probationary=2)
    make_members(village_a2, full=3)
    make_members(village_b1, full=4, probationary=1)
    own = make_member(village_a1, name="李华")
    return SimpleNamespace(
        root=root,
        town_a=town_a,
        village_a1=village_a1,
        group_a1=group_a1,
        village_a2=village_a2,
        town_b=town_b,
        village_b1=village_b1,
        own_member=own,
    )


def _user(username, role, org=None, member=None):
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, org=org, member=member, display_name=username
    )


@pytest.fixture
def personas(county):
    """One account per role; `secretary_b` is the secretary of a branch in another township."""
    return SimpleNamespace(
        admin=_user("admin", "county_admin", county.root),
        officer=_user("xiangzhen", "committee_officer", county.town_a),
        secretary=_user("zhibu", "branch_secretary", county.village_a1),
        secretary_b=_user("zhibu_b", "branch_secretary", county.village_b1),
        member=_user("dangyuan", "member", county.village_a1, county.own_member),
        reviewer=_user("pingshen", "reviewer", county.root),
    )


@pytest.fixture
def client_for(personas):
    """client_for("admin") → a Client signed in as that persona; client_for(None) → anonymous."""

    def build(name):
        client = Client()
        if name is not None:
            client.force_login(getattr(personas, name))
        return client

    return build


@pytest.fixture
def api_for(personas):
    """api_for("admin") → headers carrying a fresh bearer token for that persona."""
    from dangjian.accounts.services import api_token_issue

    def build(name):
        if name is None:
            return {}
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=getattr(personas, name))}"}

    return build
