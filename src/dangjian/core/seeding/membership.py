"""Demo states of the member information system (issue 3), written after the county is generated.

"Demo data shows every state": transfers issued (pending on both sides), received, cancelled, expired, to
outside the system and back in from outside it; mobile members out (with and without a host organization in
the system, some hosted by zhibu's branch with attendance recorded) and returned; each kind of status change;
correction requests pending, approved and rejected; questions answered and unanswered. Most of it happens in
the featured township (xiangzhen) and branch (zhibu), so the demo accounts see it; the rest elsewhere in the
county, for the admin.

Everything goes through the members services with the demo accounts as actors, so the rules, invariants and
audit entries are the real ones. Two things are arranged around them:

- **The clock.** The services take "today" from `django.utils.timezone.localdate`. The story is told over the
  months before the seed's reference day (`--today`), each step on its own day (`_on`), so the result depends
  on `--seed` and `--today` only, and an expired letter is one issued long enough ago.
- **The audit trail.** It is append-only, and entries that name an account or an organization keep
  `seed --flush` from emptying the tables (generator.wipe). The story's entries are written as the seed's own
  (`_as_seed_entries`): no account and no organization key, the acting account's name in `actor_name` with
  "（演示数据）", and the organization's path kept so scoped readers still find them.

Small on purpose (about 30 members are touched), and skipped for seeds of SKIP_FROM members or more, where it
would not be found among the rest anyway.
"""

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from dangjian.accounts.models import Role, User
from dangjian.core import audit, scoping
from dangjian.core.models import AuditEntry
from dangjian.members.models import (
    Category,
    Consultation,
    CorrectionRequest,
    Member,
    MobileRecord,
    Status,
    StatusChange,
    Transfer,
)
from dangjian.members.services import mobile, records, selfservice, status, transfers
from dangjian.orgs.models import LeadershipPosition, Organization
from dangjian.orgs.rules import add_months

from .county import CountyPlan, Unit

SKIP_FROM = 100_000
# Member accounts opened for the story besides dangyuan (password as the demo accounts').
MEMBER_ACCOUNTS = ("dangyuan2", "dangyuan3", "dangyuan4")


# --- the two arrangements -----------------------------------------------------------------------------------


@contextmanager
def _on_day() -> Iterator[Callable[[dt.date], None]]:
    """Let the services' "today" be a chosen day: `set_day(day)` inside the block moves the clock."""
    real = timezone.localdate
    current: list[dt.date | None] = [None]

    def localdate(value=None, timezone=None):
        if value is None and current[0] is not None:
            return current[0]
        return real(value, timezone)

    def set_day(day: dt.date) -> None:
        current[0] = day

    timezone.localdate = localdate
    try:
        yield set_day
    finally:
        timezone.localdate = real


def _plain(values: dict | None) -> dict | None:
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder)) if values else None


@contextmanager
def _as_seed_entries() -> Iterator[None]:
    """Write the services' audit entries as the seed's own (see the module docstring)."""
    real = audit.record

    def record(
        *, actor, action, obj=None, object_type="", org=None, summary="", before=None, after=None, **_
    ):
        name = (
            (actor.get_full_name() or actor.username) if getattr(actor, "is_authenticated", False) else "系统"
        )
        return AuditEntry.objects.create(
            actor=None,
            actor_name=f"{name}（演示数据）",
            action=action,
            object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            org=None,
            org_path=org.path if org is not None else "",
            summary=summary[:300],
            before=_plain(before),
            after=_plain(after),
        )

    audit.record = record
    try:
        yield
    finally:
        audit.record = real


# --- choosing members ---------------------------------------------------------------------------------------


class _Cast:
    """Picks members for each part of the story: active members nobody else in the story uses, who hold no
    post in a team and have no account, from the branches asked for first and then from any other."""

    def __init__(self, rng: random.Random, everywhere: list[int]):
        self.rng = rng
        self.everywhere = everywhere
        self.used = set(
            LeadershipPosition.objects.filter(ended_on__isnull=True, member__isnull=False).values_list(
                "member_id", flat=True
            )
        ) | set(User.objects.filter(member__isnull=False).values_list("member_id", flat=True))

    def take(
        self, branches: list[int], *, category: str = Category.FULL, oldest: bool = False, not_in: int = 0
    ) -> Member:
        for branch in [*branches, *self.everywhere]:
            if branch == not_in:
                continue
            # A branch holds a few dozen members: filter out the used ones here, not in a long NOT IN.
            ordered = Member.objects.filter(org_id=branch, status=Status.ACTIVE, category=category).order_by(
                "birth_date" if oldest else "pk"
            )
            candidates = [pk for pk in ordered.values_list("pk", flat=True) if pk not in self.used][:40]
            if candidates:
                pk = candidates[0] if oldest else self.rng.choice(candidates)
                self.used.add(pk)
                return Member.objects.select_related("org").get(pk=pk)
        raise LookupError(f"没有可用于演示的{Category(category).label}")


def _branch_ids(units: list[Unit]) -> list[int]:
    return [unit.id for unit in units]


def _plain_branches(units: list[Unit]) -> list[Unit]:
    """Branches with members and no deliberate rule case (their counts must stay as planned)."""
    return [unit for unit in units if unit.holds_members and not unit.special and unit.size >= 4]


def _descendants(unit: Unit) -> list[Unit]:
    found, stack = [], list(unit.children)
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(child.children)
    return found


# --- the story ----------------------------------------------------------------------------------------------


class _Story:
    def __init__(self, *, plan: CountyPlan, rng: random.Random, today: dt.date, set_day):
        self.plan, self.rng, self.today, self.set_day = plan, rng, today, set_day
        self.admin = User.objects.get(username="admin")
        self.officer = User.objects.get(username="xiangzhen")
        self.secretary = User.objects.get(username="zhibu")
        self.dangyuan = User.objects.get(username="dangyuan")
        town = plan.featured_township
        self.branch = Organization.objects.get(pk=plan.featured_branch.id)
        in_town = set(_branch_ids(_descendants(town)))
        plain = _plain_branches(plan.units)
        self.town_ids = [unit.id for unit in plain if unit.id in in_town and unit.id != self.branch.pk]
        self.elsewhere_ids = [unit.id for unit in plain if unit.id not in in_town]
        rng.shuffle(self.town_ids)
        rng.shuffle(self.elsewhere_ids)
        self.cast = _Cast(rng, [self.branch.pk, *self.town_ids, *self.elsewhere_ids])
        self.town_name = town.name.removesuffix("党委")

    # small helpers

    def day(self, days_ago: int) -> dt.date:
        day = self.today - dt.timedelta(days=days_ago)
        self.set_day(day)
        return day

    def town(self, n: int) -> list[int]:
        """The n-th other branch of the featured township (rotating), falling back to the rest."""
        ids = self.town_ids or self.elsewhere_ids
        return ids[n % len(ids) :] + ids[: n % len(ids)] if ids else []

    def elsewhere(self, n: int) -> list[int]:
        ids = self.elsewhere_ids or self.town_ids
        return ids[n % len(ids) :] + ids[: n % len(ids)] if ids else []

    def org(self, ids: list[int], *, avoid: int | None = None) -> Organization:
        pk = next(pk for pk in ids if pk != avoid)
        return Organization.objects.get(pk=pk)

    def actor_for(self, member: Member) -> User:
        """Who acts for the member's organization: zhibu for its branch, xiangzhen in the township, else admin."""
        member.refresh_from_db()
        if member.org_id == self.branch.pk:
            return self.secretary
        if scoping.in_scope(self.officer, member.org_path):
            return self.officer
        return self.admin

    def run(self) -> None:
        self.accounts()
        self.transfers()
        self.mobile_members()
        self.status_changes()
        self.corrections()
        self.consultations()
        self.day(0)
        transfers.transfers_expire_overdue(today=self.today)  # what the nightly expire_transfers does

    # accounts of members who write to their branch

    def accounts(self) -> None:
        """Three more member accounts, made as the generator makes the demo accounts: the same password, whose
        hash (Argon2, slow on purpose) is taken from dangyuan's instead of being computed again."""
        self.writers = []
        for username, branches in zip(
            MEMBER_ACCOUNTS, [[self.branch.pk], self.town(0), self.elsewhere(0)], strict=True
        ):
            member = self.cast.take(branches)
            self.writers.append(
                User.objects.create(
                    username=username,
                    password=self.dangyuan.password,
                    role=Role.MEMBER,
                    org_id=member.org_id,
                    member=member,
                    display_name=member.name,
                )
            )

    # 组织关系转接 (in the order of issue, so the letters' numbers run with their dates)

    def transfers(self) -> None:
        branch = self.branch
        # Out of the system to Suzhou (receipt back), and home again later: registered from outside.
        returner = self.cast.take(self.town(4))
        self.day(230)
        letter = transfers.transfer_issue(
            actor=self.officer,
            member=returner,
            destination_text="中共苏州工业园区娄葑街道工作委员会",
            reason="外出务工",
        )
        self.day(210)
        transfers.transfer_receive(actor=self.officer, transfer=letter)
        # Expired: issued long ago and never received.
        member = self.cast.take([branch.pk])
        self.day(130)
        transfers.transfer_issue(
            actor=self.secretary, member=member, to_org=self.org(self.elsewhere(1)), reason="到县直单位工作"
        )
        # Received: from another branch of the township into zhibu's.
        member = self.cast.take(self.town(1), not_in=branch.pk)
        self.day(62)
        letter = transfers.transfer_issue(
            actor=self.officer, member=member, to_org=branch, reason="家庭住址迁至本村，转入本支部"
        )
        self.day(55)
        transfers.transfer_receive(actor=self.secretary, transfer=letter)
        # To an organization outside the system, its receipt back.
        member = self.cast.take(self.town(3))
        self.day(47)
        outside = transfers.transfer_issue(
            actor=self.officer,
            member=member,
            destination_text="中共上海市浦东新区张江镇委员会",
            reason="随子女迁居上海",
        )
        # Cancelled by the sender.
        member = self.cast.take([branch.pk])
        self.day(41)
        letter = transfers.transfer_issue(
            actor=self.secretary, member=member, to_org=self.org(self.town(2)), reason="工作调动"
        )
        self.day(39)
        transfers.transfer_cancel(actor=self.secretary, transfer=letter, reason="本人工作安排有变，暂不转出")
        issued = self.day(24)
        self.day(21)
        transfers.transfer_receive(actor=self.officer, transfer=outside)
        self.day(16)
        returner.refresh_from_db()
        transfers.transfer_register_incoming(
            actor=self.secretary,
            to_org=branch,
            source_text="中共苏州工业园区娄葑街道工作委员会",
            letter_no=f"苏园娄组〔{issued.year}〕第{self.rng.randint(10, 99):03d}号",
            issued_on=issued,
            valid_until=add_months(issued, 3),
            dues_paid_until=issued,
            name=returner.name,
            id_number=returner.id_number,
            category=returner.category,
            joined_on=returner.joined_on,
            converted_on=returner.converted_on,
            ethnicity=returner.ethnicity,
            phone=returner.phone or "",
            reason="返乡创业，组织关系转回",
        )
        # Pending both ways: letters out of and into zhibu's branch, still within their validity; and one to
        # outside the system not yet answered.
        member = self.cast.take([branch.pk])
        self.day(9)
        transfers.transfer_issue(
            actor=self.secretary,
            member=member,
            to_org=self.org(self.elsewhere(2)),
            reason="工作调动至县直单位",
        )
        member = self.cast.take(self.elsewhere(3), not_in=branch.pk)
        self.day(5)
        transfers.transfer_issue(actor=self.admin, member=member, to_org=branch, reason="回原籍村居住")
        member = self.cast.take([branch.pk])
        self.day(3)
        transfers.transfer_issue(
            actor=self.secretary,
            member=member,
            destination_text="中共杭州市西湖区转塘街道工作委员会",
            reason="到杭州务工定居",
        )

    # 流动党员

    def mobile_members(self) -> None:
        branch = self.branch
        # Out of zhibu's branch to a host in the system (which records attendance), for long enough to need a
        # transfer; out to a host outside the system; out with no host; and one back home.
        member = self.cast.take([branch.pk])
        self.day(150)
        record = mobile.mobile_outflow_record(
            actor=self.secretary,
            member=member,
            left_on=self.today - dt.timedelta(days=150),
            expected_return_on=self.today + dt.timedelta(days=60),
            destination="安徽省合肥市（在建筑工地务工）",
            contact="同手机号码",
            card_no=f"皖旌流〔{self.today.year}〕第{self.rng.randint(1, 80):03d}号",
            host_org=self.org(self.elsewhere(4)),
        )
        for days_ago, what in ((100, "参加主题党日：集中学习党章"), (40, "参加党员志愿服务活动")):
            self.day(days_ago)
            mobile.mobile_activity_record(
                actor=self.admin,
                record=record,
                held_on=self.today - dt.timedelta(days=days_ago),
                activity=what,
            )
        member = self.cast.take([branch.pk])
        self.day(200)
        mobile.mobile_outflow_record(
            actor=self.secretary,
            member=member,
            left_on=self.today - dt.timedelta(days=200),
            expected_return_on=self.today + dt.timedelta(days=160),
            destination="广东省深圳市宝安区",
            contact="微信与手机同号",
            host_text="中共深圳市宝安区新安街道流动党员党支部",
        )
        member = self.cast.take([branch.pk])
        self.day(35)
        mobile.mobile_outflow_record(
            actor=self.secretary,
            member=member,
            left_on=self.today - dt.timedelta(days=35),
            expected_return_on=self.today + dt.timedelta(days=30),
            destination="江苏省南京市（短期务工）",
        )
        member = self.cast.take([branch.pk])
        self.day(240)
        record = mobile.mobile_outflow_record(
            actor=self.secretary,
            member=member,
            left_on=self.today - dt.timedelta(days=240),
            destination="浙江省宁波市",
            host_text="中共宁波市北仑区流动党员党委",
        )
        self.day(30)
        mobile.mobile_return_record(
            actor=self.secretary,
            record=record,
            returned_on=self.today - dt.timedelta(days=30),
            note="返乡务农",
        )
        # 流入党员 of zhibu's branch: members of other organizations staying in its village.
        for n, (days_ago, origin) in enumerate(((120, self.town(5)), (75, self.elsewhere(5)))):
            member = self.cast.take(origin, not_in=branch.pk)
            self.day(days_ago)
            record = mobile.mobile_outflow_record(
                actor=self.actor_for(member),
                member=member,
                left_on=self.today - dt.timedelta(days=days_ago),
                expected_return_on=self.today + dt.timedelta(days=100 - 40 * n),
                destination=f"{self.town_name}{branch.name.removesuffix('党支部')}（在村办企业务工）",
                host_org=branch,
            )
            for ago, what in ((90, "参加主题党日"), (60, "参加防汛值守志愿服务"), (20, "参加党课学习"))[n:]:
                if ago < days_ago:
                    self.day(ago)
                    mobile.mobile_activity_record(
                        actor=self.secretary,
                        record=record,
                        held_on=self.today - dt.timedelta(days=ago),
                        activity=what,
                    )

    # 党籍异动: every kind

    def change(self, member: Member, kind: str, days_ago: int, reason: str, **extra) -> StatusChange:
        effective = self.day(days_ago)
        return status.status_change_record(
            actor=self.actor_for(member),
            member=member,
            kind=kind,
            effective_on=effective,
            reason=reason,
            **extra,
        )

    def status_changes(self) -> None:
        town = self.officer.org.name
        member = self.cast.take([self.branch.pk])
        self.change(member, "lost_contact", 20, "外出后手机停机，多次联系家属未果")
        member = self.cast.take(self.town(6))
        self.change(member, "lost_contact", 120, "长期在外，联系方式变更后未告知党组织")
        self.change(member, "contact_restored", 45, "经其家属联系上，现在外地务工，已恢复联系")
        member = self.cast.take(self.town(7))
        self.change(member, "lost_contact", 320, "外出务工后失去联系")
        self.change(
            member,
            "suspend",
            70,
            "失去联系满 6 个月，经多方查找仍无音讯（教管条例 第24条）",
            approved_by=town,
            decision_ref=f"旌组〔{self.today.year}〕{self.rng.randint(10, 60)}号",
        )
        member = self.cast.take(self.elsewhere(6))
        self.change(member, "lost_contact", 420, "出国务工后失去联系")
        self.change(member, "suspend", 220, "失去联系满 6 个月，经多方查找仍无音讯（教管条例 第24条）")
        self.change(
            member,
            "restore",
            30,
            "本人回国后书面申请恢复党籍，经支部审查、上级党委复核",
            approved_by="中共旌德县委组织部",
        )
        member = self.cast.take(self.town(8))
        self.change(
            member,
            "leave",
            60,
            "连续 6 个月不参加组织生活、不交纳党费（党章 第9条）",
            exit_kind="self_lapsed",
            approved_by=town,
        )
        member = self.cast.take(
            [self.branch.pk, *self.town(9), *self.elsewhere(7)], category=Category.PROBATIONARY
        )
        self.change(
            member,
            "leave",
            50,
            "预备期间不履行党员义务，经支部大会讨论取消预备党员资格（党章 第7条）",
            exit_kind="probation_cancelled",
            approved_by=town,
        )
        member = self.cast.take([self.branch.pk], oldest=True)
        self.change(member, "death", 25, "因病医治无效去世")

    # 信息更正

    def corrections(self) -> None:
        me, second, third, fourth = self.dangyuan, *self.writers
        self.day(0)
        submit = selfservice.correction_request_submit
        member = me.member
        approved = submit(
            actor=me,
            field="job_title",
            requested_value="村民小组长",
            reason="今年 3 月起担任本村第二村民小组组长",
        )
        selfservice.correction_approve(actor=self.secretary, correction=approved, note="经村委会核实属实")
        submit(
            actor=me,
            field="education",
            requested_value="21" if member.education != "21" else "14",
            reason="通过成人高等教育取得学历，证书复印件已交支部",
        )
        approved = submit(
            actor=second,
            field="address",
            requested_value=f"安徽省宣城市旌德县{self.town_name}{self.branch.name.removesuffix('党支部')}{self.rng.randint(1, 90)}号",
            reason="已迁入新居",
        )
        selfservice.correction_approve(actor=self.secretary, correction=approved)
        submit(
            actor=second,
            field="phone",
            requested_value=f"139{self.rng.randint(0, 99_999_999):08d}",
            reason="手机号码已更换",
        )
        member = third.member
        earlier = add_months(member.joined_on, -1)
        if records.old_enough_to_join(member.birth_date, earlier):
            rejected = submit(
                actor=third, field="joined_on", requested_value=earlier, reason="记得是在七一前入党"
            )
            note = "经查阅入党志愿书和支部大会决议，入党日期登记无误"
        else:
            rejected = submit(
                actor=third, field="native_place", requested_value="安徽省宁国市", reason="籍贯有误"
            )
            note = "经查阅入党志愿书，籍贯登记无误"
        selfservice.correction_reject(actor=self.officer, correction=rejected, note=note)
        submit(
            actor=fourth,
            field="native_place",
            requested_value="安徽省宣城市泾县",
            reason="户口簿所载籍贯为泾县",
        )

    # 在线咨询

    def consultations(self) -> None:
        me, second, third, fourth = self.dangyuan, *self.writers
        self.day(0)
        ask, answer = selfservice.consultation_ask, selfservice.consultation_answer
        question = ask(
            actor=me, subject="党费交纳标准", question="我每月工资收入 4000 元左右，党费应当按什么比例交纳？"
        )
        answer(
            actor=self.secretary,
            consultation=question,
            answer="按《关于中国共产党党费收缴、使用和管理的规定》，税后月收入 3000 元以上至 5000 元（含）的，按 1% 交纳。",
        )
        ask(
            actor=me,
            subject="外出务工期间的组织生活",
            question="明年打算去外地务工半年，期间怎样参加组织生活、交纳党费？",
        )
        question = ask(
            actor=second,
            subject="组织关系转接",
            question="孩子在县城上学，我准备到县城居住，组织关系需要转吗？",
        )
        answer(
            actor=self.officer,
            consultation=question,
            answer="在县城居住 6 个月以上且地点相对固定的，应当转接组织关系；请到村党支部开具介绍信。",
        )
        ask(actor=third, subject="入党积极分子培养", question="我儿子想申请入党，需要准备哪些材料？")
        question = ask(
            actor=fourth, subject="党员教育培训学时", question="今年的集中学习培训学时要求是多少？"
        )
        answer(actor=self.admin, consultation=question, answer="党员每年参加集中学习培训一般不少于 32 学时。")


def seed_membership(*, plan: CountyPlan, seed: int, today: dt.date, members: int, say) -> dict[str, int]:
    """Write the demo states (see the module docstring); returns what was written, by kind."""
    if members >= SKIP_FROM:
        say(f"党员信息系统演示状态：党员 {members:,} 名以上的种子不生成")
        return {}
    rng = random.Random(f"dangjian:{seed}:membership")
    with _as_seed_entries(), _on_day() as set_day:
        _Story(plan=plan, rng=rng, today=today, set_day=set_day).run()
    written = {
        "transfers": Transfer.objects.count(),
        "mobile": MobileRecord.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "corrections": CorrectionRequest.objects.count(),
        "consultations": Consultation.objects.count(),
    }
    states = Counter(Transfer.objects.values_list("state", flat=True))
    say(
        f"党员信息系统演示状态：介绍信 {written['transfers']} 封（{dict(states)}），流动党员登记 {written['mobile']} 条，"
        f"党籍异动 {written['status_changes']} 条，更正申请 {written['corrections']} 件，在线咨询 {written['consultations']} 条"
    )
    return written
