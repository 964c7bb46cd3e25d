"""`dangjian seed`: the demo shows every state of the member information system (issue 3) — pending and
expired transfers, mobile members in and out, each kind of status change, correction requests and questions —
where the demo accounts (xiangzhen, zhibu, dangyuan) see them, deterministically, and `--flush` still works."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.core.seeding import membership
from dangjian.members.models import (
    Consultation,
    CorrectionRequest,
    Member,
    MobileRecord,
    StatusChange,
    StatusChangeKind,
    Transfer,
)
from dangjian.members.selectors import mobile as mobile_selectors
from dangjian.members.selectors import selfservice as selfservice_selectors
from dangjian.members.selectors import transfers as transfer_selectors
from dangjian.members.services.mobile import transfer_advice
from tests.core.seeding import skip_parts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_later_parts(monkeypatch):
    """The membership story is tested here; organizational life and the rest by their own modules."""
    skip_parts(monkeypatch, "orglife", "recruitment", "sites")


TODAY = dt.date(2026, 11, 28)
SMALL = {"members": 600, "scale": 0.1, "today": TODAY}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", **{**SMALL, **options}, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    output = seed()
    users = {u.username: u for u in User.objects.select_related("org", "member")}
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC), tick=False):
        yield users, output


def story_digest() -> str:
    """Everything the story decides, ids left out."""
    h = hashlib.sha256()
    for t in Transfer.objects.select_related("member").order_by("letter_no"):
        h.update(
            repr((t.letter_no, t.kind, t.member.id_number, t.issued_on, t.valid_until, t.state)).encode()
        )
    for r in MobileRecord.objects.select_related("member").order_by("left_on", "member__name"):
        h.update(repr((r.member.id_number, r.left_on, r.destination, r.state, r.returned_on)).encode())
    for c in StatusChange.objects.select_related("member").order_by("effective_on", "kind", "member__name"):
        h.update(repr((c.member.id_number, c.kind, c.exit_kind, c.effective_on, c.to_status)).encode())
    for c in CorrectionRequest.objects.select_related("member").order_by("member__name", "field"):
        h.update(repr((c.member.id_number, c.field, c.requested_value, c.state)).encode())
    for q in Consultation.objects.select_related("member").order_by("member__name", "subject"):
        h.update(repr((q.member.id_number, q.subject, bool(q.answer))).encode())
    return h.hexdigest()


def test_the_seed_reports_the_story(demo):
    _users, output = demo
    assert "党员信息系统演示状态" in output and "介绍信" in output


def test_every_transfer_state_and_kind_and_both_pending_lists_for_zhibu(demo):
    users, _output = demo
    zhibu = users["zhibu"]
    branch = zhibu.org
    letters = list(Transfer.objects.select_related("member"))
    assert {t.state for t in letters} >= {"issued", "received", "cancelled", "expired"}
    assert {t.kind for t in letters} == {"internal", "outgoing", "incoming"}
    expired = next(t for t in letters if t.state == "expired")
    assert expired.valid_until < TODAY and expired.member.org_id == expired.from_org_id  # never moved
    received = next(t for t in letters if t.kind == "internal" and t.state == "received")
    assert received.member.org_id == received.to_org_id == branch.pk
    gone = next(t for t in letters if t.kind == "outgoing" and t.state == "received")
    assert gone.member.status == "transferred_out"
    back = next(t for t in letters if t.kind == "incoming")
    assert back.to_org_id == branch.pk and back.member.status == "active"
    assert back.member.status_changes.filter(kind="transfer_in").exists()
    incoming = list(transfer_selectors.pending_incoming(user=zhibu))
    outgoing = list(transfer_selectors.pending_outgoing(user=zhibu))
    assert incoming and all(t.to_org_id == branch.pk and t.valid_until >= TODAY for t in incoming)
    assert {t.kind for t in outgoing} == {"internal", "outgoing"}
    # The receiving side of zhibu's pending internal letter has it in its own 待接收 list.
    internal = next(t for t in outgoing if t.kind == "internal")
    admin_incoming = transfer_selectors.pending_incoming(user=users["admin"], root=internal.to_org)
    assert internal in list(admin_incoming)


def test_mobile_members_out_with_and_without_a_host_back_home_and_hosted_by_zhibu(demo):
    users, _output = demo
    zhibu = users["zhibu"]
    out = list(mobile_selectors.outflows_within(user=zhibu, state="out"))
    assert any(r.host_org_id for r in out) and any(r.host_text for r in out)
    assert any(not r.host_org_id and not r.host_text for r in out)
    assert any(transfer_advice(r) for r in out)  # away long enough that the relationship must move
    assert all(r.member.status == "mobile" for r in out)
    assert mobile_selectors.outflows_within(user=zhibu, state="returned").exists()
    inflows = list(mobile_selectors.inflows_within(user=zhibu, state="out"))
    assert len(inflows) >= 2 and all(r.home_org_id != zhibu.org_id for r in inflows)
    assert all(r.activities.filter(recorded_by=zhibu).exists() for r in inflows)
    assert mobile_selectors.inflows_within(user=users["xiangzhen"]).count() >= len(inflows)


def test_each_kind_of_status_change_with_the_status_it_left(demo):
    kinds = set(StatusChange.objects.values_list("kind", flat=True))
    assert set(StatusChangeKind.values) <= kinds
    assert {"self_lapsed", "probation_cancelled"} <= set(
        StatusChange.objects.filter(kind="leave").values_list("exit_kind", flat=True)
    )
    for member in Member.objects.filter(status_changes__isnull=False).distinct():
        assert member.status_changes.order_by("-effective_on", "-id").first().to_status == member.status
    users, _output = demo
    township = StatusChange.objects.filter(member__org_path__startswith=users["xiangzhen"].org.path)
    assert set(StatusChangeKind.values) - {"restore"} <= set(township.values_list("kind", flat=True))


def test_correction_requests_in_every_state_one_pending_from_dangyuan(demo):
    users, _output = demo
    dangyuan, zhibu = users["dangyuan"], users["zhibu"]
    assert set(CorrectionRequest.objects.values_list("state", flat=True)) == {
        "pending",
        "approved",
        "rejected",
    }
    assert CorrectionRequest.objects.filter(member=dangyuan.member, state="pending").count() == 1
    pending = list(selfservice_selectors.corrections_within(user=zhibu, state="pending"))
    assert any(c.member_id == dangyuan.member_id for c in pending) and len(pending) >= 2
    for correction in CorrectionRequest.objects.filter(state="approved").select_related("member"):
        applied = getattr(correction.member, correction.field)
        assert applied == (correction.requested_secret or correction.requested_value)
    rejected = CorrectionRequest.objects.get(state="rejected")
    assert rejected.decision_note and rejected.decided_by == users["xiangzhen"]


def test_questions_answered_and_unanswered_one_open_from_dangyuan(demo):
    users, _output = demo
    dangyuan = users["dangyuan"]
    assert Consultation.objects.filter(answered_at__isnull=True).exists()
    assert Consultation.objects.filter(answered_at__isnull=False).exists()
    assert Consultation.objects.filter(member=dangyuan.member, answered_at__isnull=True).exists()
    assert Consultation.objects.filter(member=dangyuan.member, answered_at__isnull=False).exists()
    open_for_zhibu = selfservice_selectors.consultations_within(user=users["zhibu"], state="open")
    assert open_for_zhibu.filter(member=dangyuan.member).exists()
    assert selfservice_selectors.consultations_within(user=users["xiangzhen"], state="open").count() >= 2


def test_the_demo_accounts_see_the_story_on_their_pages(demo, client):
    users, _output = demo
    client.force_login(users["dangyuan"])
    mine = client.get(reverse("selfservice:my_corrections:list")).content.decode()
    assert "待处理" in mine and "已同意" in mine
    assert "党费交纳标准" in client.get(reverse("selfservice:my_consultations:list")).content.decode()
    client.force_login(users["zhibu"])
    desk = client.get(reverse("selfservice:desk:corrections")).content.decode()
    assert users["dangyuan"].member.name in desk


def test_the_story_writes_its_audit_entries_as_the_seeds_own(demo):
    entries = AuditEntry.objects.filter(actor_name__endswith="（演示数据）")
    assert entries.count() >= 40
    assert not entries.filter(actor__isnull=False).exists() and not entries.filter(org__isnull=False).exists()
    assert entries.exclude(org_path="").count() == entries.count()
    assert {"create", "update"} <= set(entries.values_list("action", flat=True))


def test_the_same_seed_tells_the_same_story_and_flush_still_works():
    seed()
    first = story_digest()
    seed(flush=True)  # the story's audit entries name no account or organization: nothing blocks the wipe
    assert story_digest() == first
    seed(flush=True, seed=7)
    assert story_digest() != first


def test_the_story_does_not_depend_on_the_real_date():
    with time_machine.travel(dt.datetime(2027, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        seed()
        first = story_digest()
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC), tick=False):
        seed(flush=True)
        assert story_digest() == first
    assert Transfer.objects.filter(issued_on__gt=TODAY).count() == 0


def test_huge_seeds_skip_the_story(monkeypatch):
    monkeypatch.setattr(membership, "SKIP_FROM", 600)
    output = seed()
    assert "不生成" in output
    assert not Transfer.objects.exists() and not CorrectionRequest.objects.exists()
    # The story's extra member accounts are not made (the reviewer accounts of the site demo are).
    assert not User.objects.filter(username__in=membership.MEMBER_ACCOUNTS).exists()
