"""Demo demonstration-site programme (issue 5): last year's campaign, closed, and this year's, written through
the `dangjian.sites` services on the seed's own clock, so that states, scores, events and audit entries are
the real ones.

The two campaigns are those of the year before the seed's reference day (`--today`) and of its year; below
they are called 2025 and 2026 (the years of the default reference day).

- **2025** (closed): the catalogues of the year, a campaign with the seeds' 40-site breakdown (方案三: 农村 18 =
  3 示范乡镇 + 15 示范村, 社区 3, 企业 5 = 2 国有 + 3 非公, 机关 10, 事业单位 4; in proportion in a county smaller
  than the seeds', see `quotas_for`); applications of every domain with
  plans and self-evaluations, the township committees' pre-review (a few declined), reviewers (the accounts
  pingshen, pingshen2, pingshen3) scoring by 查阅资料 / 现场验收 / 座谈走访, the mass survey answered with its
  one-time codes (a few satisfaction rates below 90%), the evaluation, a public notice of the best of each
  domain with one objection dismissed, the designation with plaque numbers, commendations before 七一; the
  rest not selected. Evaluated with the weights 30 / 30 / 40 of that year.
- **2026** (the current campaign; complete once the reference day is past the acceptance phase): new
  applicants — none of the 2025 sites — in every state: overdue drafts, declined ones, 40 designated matching
  the quotas exactly, the two best recommended to the city; the re-review (复审) of the 2025 sites, some of
  which fall below the pass mark and are revoked (摘牌) with a reason; 末位管理 with rectifications and award
  bars, most rectifications closed since; and, in the featured township (xiangzhen), the township-tier
  selection of the autumn still under way: applications awaiting the officer's pre-review, under review by
  pingshen (one half scored, one not yet begun), evaluated, and under a public notice running on the
  reference day, with an objection still open. zhibu's branch is among the 2026 applicants.

Every step happens on its own day of the campaign calendar (sites.rules.default_deadlines), and only if that
day is not after the reference day: with an earlier reference day the current campaign is simply not as far
along. Every state change goes through the services. The scores (self-evaluation, reviewers, re-review) and
the survey's codes and answers are written in bulk exactly as their services write them — the same rows, one
audit entry per call — since a query per score made the seed minutes long. What remains is dominated by the
automatic metrics the services compute at submission, evaluation and re-review (organizational-life
compliance, meetings held, study hours: sites.metrics). The number of applications follows the quotas, so it
is bounded by the seeds' 40 a year and never grows with the number of members.

Audit entries are written as the seed's own (membership._as_seed_entries), so `seed --flush` still works; the
catalogues are loaded as `dangjian load_catalogues` loads them (entries naming no account or organization).
Survey codes are random by design (sites.survey), so their hashes differ between runs; everything else is
decided by `--seed` and `--today`.
"""

import datetime as dt
import io
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import docx
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.accounts.models import Role, User
from dangjian.core import audit, crypto
from dangjian.orgs.models import LeadershipPosition, Organization
from dangjian.sites import rules, services, survey
from dangjian.sites.models import (
    Application,
    ApplicationState,
    Campaign,
    Criterion,
    Method,
    ReReview,
    ReReviewScore,
    ReReviewState,
    ReviewerAssignment,
    ReviewMethod,
    ReviewScore,
    SelfScore,
    Site,
    SurveyCode,
    SurveyResponse,
    Tier,
)
from dangjian.sites.services.management import scored_by_hand

from . import places
from .county import CountyPlan, Unit
from .membership import _as_seed_entries, _on_day
from .names import NameMaker

REVIEWER_ACCOUNTS = ("pingshen", "pingshen2", "pingshen3")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LAST_YEAR_WEIGHTS = {"weight_self": 30, "weight_mass": 30, "weight_org": 40}
# Applicants per domain besides those designated: evaluated but ranked below the places (未入选), declined at
# the committee's pre-review, and (this year) drafts left past the deadline.
UNSELECTED = {"township": 1, "rural": 3, "community": 1, "soe": 1, "private": 1, "organ": 2, "institution": 1}
DECLINED = {"rural": 2}
OVERDUE = {"private": 1, "institution": 1}
CITY_RECOMMENDED = 2  # the best county sites recommended to the city tier (方案三: 好中选优、优中选强)
REVOKED_SHARE = 0.08  # of last year's sites, falling below the re-review's pass mark

FOCUS = {
    "township": (
        "示范乡镇",
        "抓党建促乡村振兴",
        "镇村两级阵地提升、村党组织书记队伍建设、“三单两评议”全覆盖",
    ),
    "rural": ("示范村", "党建引领特色产业和美丽乡村建设", "村级活动场所改造、“三会一课”规范化、党员联系户"),
    "community": (
        "示范社区",
        "党建引领基层治理和便民服务",
        "党群服务中心“一站式”服务、网格化管理、在职党员进社区",
    ),
    "soe": ("示范国有企业", "党建与生产经营深度融合", "党员先锋岗、党员责任区、“双培养”工程"),
    "private": ("示范非公企业", "党建强、发展强", "党员示范岗、职工之家、党建阵地与企业文化融合"),
    "organ": ("示范机关", "模范机关创建", "“六有”阵地建设、“三会一课”提质、党员志愿服务"),
    "institution": ("示范单位", "党建引领事业发展", "“党建+业务”双融合、党员服务窗口、群众满意度提升"),
}
MEASURES = [
    "书记抓、抓书记，班子成员分工负责，每月对照创建标准自查一次",
    "党员包片联户，设立党员先锋岗，每季度开展一次“亮身份、作表率”活动",
    "建立创建工作台账，上级党委联系领导每月指导一次，问题清单限期销号",
]
FEATURES = {
    "township": ["“五个一”抓落实工作机制", "村级集体经济“一村一策”", "党建联盟带动产业发展"],
    "rural": ["“党支部+合作社+农户”", "美丽庭院评比", "乡贤理事会参与村级治理", "茶叶产业党员示范基地"],
    "community": ["“红色网格”", "“15 分钟便民服务圈”", "在职党员“双报到”"],
    "soe": ["“党员先锋工程”", "安全生产党员责任区", "“书记项目”攻坚"],
    "private": ["“党建+企业文化”", "党员技术攻关小组", "职工技能比武"],
    "organ": ["“三单两评议”工作法", "“机关党员进社区”", "窗口服务“好差评”"],
    "institution": ["“党员名医”工作室", "“红烛先锋”志愿服务", "党建带团建"],
}
DECLINE_REASONS = [
    "本镇推荐名额有限，经党委会研究择优推荐，该支部本年度暂不推荐",
    "创建计划措施不够具体，活动场所改造尚未完成，建议明年再申报",
]
REVOKE_REASONS = [
    "组织生活不经常，“三会一课”记录不全，活动阵地挪作他用",
    "班子调整后工作滑坡，制度上墙流于形式，群众反映较差",
    "创建工作责任不落实，复审发现台账资料弄虚作假",
]
OBJECTION = (
    "公示名单中该单位的活动场所面积与实际情况不符，请组织部核实。",
    "经现场核查，该单位党群服务中心面积与申报一致，相关台账齐全，异议不成立。",
)
OPEN_OBJECTION = "该村党支部去年换届后组织生活开展不经常，建议核实后再命名。"
RECTIFICATION_TASK = "对照创建标准查找差距，重点整改组织生活和阵地管理，9月底前报送整改报告"
RECTIFICATION_DONE = [
    "已补齐组织生活记录，活动场所恢复使用，经上级党委验收销号",
    "班子分工已调整到位，整改报告已报送，经验收合格",
]
COMMENTS = ["支部书记很负责，办事方便多了", "活动室常开门，希望多组织培训", "党员带头搞卫生，村里变化大"]


def quotas_for(scale: float, available: dict[str, int], rivals: int = 1) -> dict[tuple[str, str], int]:
    """The seeds' 40-site breakdown (rules.DEFAULT_QUOTAS) for a county of `scale` (1 = the seeds' county of
    about ten townships): exactly those numbers from scale 1 up, in proportion below it (rounded, at least
    one place per domain), and never more than a domain's candidate organizations less `rivals`, so that the
    designation stays a choice."""
    share = min(scale, 1.0)
    return {
        (domain, tier): max(
            0, min(max(1, math.floor(number * share + 0.5)), available.get(domain, 0) - rivals)
        )
        for (domain, tier), number in rules.DEFAULT_QUOTAS.items()
    }


def _half(value: float) -> Decimal:
    return (Decimal(str(value)) * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2


@dataclass(eq=False)
class Entry:
    """One planned application: who applies, how good it is, and how far it is meant to go."""

    org: Organization
    tier: str
    fate: str  # "evaluate" (then ranked), "decline", "overdue", "incomplete", or a township-tier fate
    quality: float  # 0–1: the manual scores it earns
    satisfaction: float  # share of satisfied answers in the mass survey
    answers: int
    area: int
    reviewers: list[User] = field(default_factory=list)
    assignments: dict[int, ReviewerAssignment] = field(default_factory=dict)  # reviewer id → assignment
    application: Application | None = None


class _Programme:
    def __init__(self, *, plan: CountyPlan, rng: random.Random, today: dt.date, set_day):
        self.plan, self.rng, self.today, self.set_day = plan, rng, today, set_day
        self.year = today.year
        self.admin = User.objects.get(username="admin")
        self.officer = User.objects.get(username="xiangzhen")
        self.secretary = User.objects.get(username="zhibu")
        self.root = Organization.objects.get(pk=plan.root.id)
        self.town_path = Organization.objects.get(pk=plan.featured_township.id).path
        self.featured_branch = plan.featured_branch.id
        self.units = [u for u in plan.units if _may_apply(u, plan.root)]
        # The county's size against the seeds' county (about ten townships): quotas follow it up to 1.
        townships = sum(1 for u in self.units if u.kind == "committee" and u.domain == "township")
        self.scale = townships / len(places.TOWNSHIPS)
        self.loaded: dict[int, Organization] = {}
        self.min_answers = settings.DANGJIAN_SITES["SURVEY_MIN_ANSWERS"]
        self.holidays, self.extra_workdays = services.applications.notice_calendar()
        self.counts: Counter[str] = Counter()
        self.criteria: dict[int, list[Criterion]] = {}
        self.sites_last_year: set[int] = set()

    # --- the clock --------------------------------------------------------------------------------------------

    def at(self, day: dt.date) -> bool:
        """Move the services' clock to `day`; False (and nothing is to be done) when it is after today."""
        if day > self.today:
            return False
        self.set_day(day)
        return True

    def spread(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def working_day_from(self, day: dt.date) -> dt.date:
        while not rules.is_working_day(day, self.holidays, self.extra_workdays):
            day += dt.timedelta(days=1)
        return day

    # --- who acts ---------------------------------------------------------------------------------------------

    def in_town(self, org: Organization) -> bool:
        return org.path.startswith(self.town_path) and org.path != self.town_path

    def applicant(self, org: Organization) -> User:
        if org.pk == self.featured_branch:
            return self.secretary
        return self.officer if org.path.startswith(self.town_path) else self.admin

    def above(self, org: Organization) -> User:
        return self.officer if self.in_town(org) else self.admin

    # --- accounts ---------------------------------------------------------------------------------------------

    def accounts(self) -> list[str]:
        """The reviewer accounts (评审组成员), made like the demo accounts: the admin's password hash."""
        existing = set(User.objects.filter(username__in=REVIEWER_ACCOUNTS).values_list("username", flat=True))
        names = NameMaker(self.rng)
        for username in REVIEWER_ACCOUNTS:
            display_name = names.name(self.rng.choice(["male", "female"]), self.rng.randint(1966, 1985))
            if username not in existing:
                User.objects.create(
                    username=username,
                    password=self.admin.password,
                    role=Role.REVIEWER,
                    org=self.root,
                    display_name=display_name,
                )
        self.reviewers = list(User.objects.filter(username__in=REVIEWER_ACCOUNTS).order_by("username"))
        return list(REVIEWER_ACCOUNTS)

    # --- planning ---------------------------------------------------------------------------------------------

    def org(self, unit: Unit) -> Organization:
        if unit.id not in self.loaded:
            self.loaded[unit.id] = Organization.objects.get(pk=unit.id)
        return self.loaded[unit.id]

    def candidates(self, exclude: set[int]) -> dict[str, list[Unit]]:
        """Organizations that may apply at the county tier, by domain (from the plan, in tree order)."""
        found: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            if unit.id in exclude or unit.id == self.featured_branch:
                continue
            if unit.domain == "township" and unit.kind != "committee":
                continue  # 示范乡镇 are the township committees
            found[unit.domain].append(unit)
        return found

    def entry(self, unit: Unit, fate: str, *, tier: str = Tier.COUNTY, quality=None) -> Entry:
        rng, org = self.rng, self.org(unit)
        satisfaction = rng.uniform(0.9, 1.0)
        area = rng.randint(110, 260) if org.domain == "rural" else rng.randint(80, 400)
        entry = Entry(
            org=org,
            tier=tier,
            fate=fate,
            quality=quality if quality is not None else rng.uniform(0.72, 0.97),
            satisfaction=satisfaction,
            answers=rng.randint(self.min_answers, self.min_answers + 8),
            area=area,
        )
        entry.reviewers = rng.sample(self.reviewers, k=rng.choice([1, 1, 2]))
        return entry

    def applicants(self, *, exclude: set[int], overdue: bool) -> tuple[dict, list[Entry]]:
        """The county-tier applicants of a campaign and its quotas, fitted to the candidates available."""
        rng = self.rng
        pool = self.candidates(exclude)
        quotas = quotas_for(self.scale, {d: len(units) for d, units in pool.items()})
        entries: list[Entry] = []
        for (domain, _tier), quota in sorted(quotas.items()):
            units = list(pool.get(domain, []))
            rng.shuffle(units)
            unselected = min(UNSELECTED.get(domain, 0), quota)  # a small county has fewer rivals too
            wanted = [("evaluate", quota + unselected), ("decline", DECLINED.get(domain, 0))]
            if overdue:
                wanted.append(("overdue", OVERDUE.get(domain, 0)))
            for fate, number in wanted:
                for _index in range(number):
                    if units:
                        entries.append(self.entry(units.pop(), fate))
        # A few satisfaction rates below 90% (方案二 三(二)4), at least two a campaign.
        evaluated = [e for e in entries if e.fate == "evaluate"]
        for entry in rng.sample(evaluated, k=min(len(evaluated), max(2, len(evaluated) // 12))):
            entry.satisfaction = rng.uniform(0.72, 0.88)
        overdue_entries = [e for e in entries if e.fate == "overdue"]
        if overdue_entries:
            overdue_entries[0].fate = "incomplete"  # its plan was never finished either
        return quotas, entries

    def plan_text(self, entry: Entry, year: int) -> dict:
        rng, org = self.rng, entry.org
        label, aim, work = FOCUS.get(org.domain, FOCUS["organ"])
        secretary = (
            LeadershipPosition.objects.filter(org=org, post="secretary", ended_on__isnull=True)
            .order_by("started_on", "id")
            .values_list("person_name", flat=True)
            .first()
        )
        responsible = secretary or NameMaker(rng).name("male", rng.randint(1965, 1988))
        return {
            "goals": f"{year} 年把{org.name}建成{label}：{aim}，做到“有形、有声、有效”。",
            "content": f"围绕{aim}，重点推进{work}。",
            "schedule": "3 月制定创建计划并报送；4—5 月对照创建标准逐项落实；6 月上旬完成自评并申报；下半年巩固提升。",
            "measures": rng.choice(MEASURES),
            "responsible": responsible,
            "features": "、".join(rng.sample(FEATURES.get(org.domain, FEATURES["organ"]), k=2)),
            "site_area": entry.area,
        }

    # --- the steps of an application ------------------------------------------------------------------------

    def create(self, campaign: Campaign, entry: Entry, day: dt.date) -> None:
        if not self.at(day):
            return
        plan = self.plan_text(entry, campaign.year)
        if entry.fate == "incomplete":
            plan["measures"] = ""
        entry.application = services.application_create(
            actor=self.applicant(entry.org), campaign=campaign, org=entry.org, tier=entry.tier, **plan
        )

    def manual(self, application: Application) -> list[Criterion]:
        if application.catalogue_id not in self.criteria:
            self.criteria[application.catalogue_id] = list(
                Criterion.objects.filter(catalogue_id=application.catalogue_id).order_by("sort_order", "id")
            )
        return [c for c in self.criteria[application.catalogue_id] if c.method == Method.MANUAL]

    def score(self, top: Decimal, quality: float) -> Decimal:
        value = float(top) * min(1.0, max(0.0, quality + self.rng.uniform(-0.08, 0.06)))
        return min(top, _half(value))

    def evidence(self, actor: User, application: Application, criteria: list[Criterion]) -> None:
        """Two files of evidence as a branch uploads them: its creation plan and, for the first criterion, a note
        on how it is met — Word documents written from the application's own text (data, in Chinese)."""
        org, year = application.org.name, application.campaign.year
        plan = _docx(
            f"{org}{year}年党建示范点创建方案",
            [
                ("创建目标", application.goals),
                ("创建内容", application.content),
                ("进度安排", application.schedule),
                ("工作措施", application.measures),
                ("责任人", application.responsible),
            ],
        )
        files = [("创建方案.docx", plan, "")]
        if criteria:
            first = criteria[0]
            note = _docx(
                f"{first.code} {first.title} 落实情况",
                [("标准要求", first.description or first.title), ("落实情况", application.content)],
            )
            files.append((f"{first.code}落实情况.docx", note, first.code))
        for name, content, code in files:
            upload = SimpleUploadedFile(name, content, content_type=DOCX)
            services.evidence_add(actor=actor, application=application, upload=upload, criterion_code=code)

    def submit(self, entry: Entry, day: dt.date) -> None:
        if entry.application is None or not self.at(day):
            return
        actor, application = self.applicant(entry.org), entry.application
        self.evidence(actor, application, self.manual(application))
        criteria = self.manual(application)
        if entry.fate == "overdue":
            criteria = criteria[: len(criteria) // 2]  # self-evaluation begun, never finished
        rows = [
            SelfScore(
                application=application, criterion=c, score=self.score(c.max_score, entry.quality + 0.05)
            )
            for c in criteria
        ]
        # As services.self_scores_record writes them (the scores, one audit entry), without a query per item.
        SelfScore.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="update",
            obj=application,
            org=application.org,
            summary=_("基层自评 %(n)d 项") % {"n": len(rows)},
            after={row.criterion.code: str(row.score) for row in rows},
        )
        if entry.fate in ("overdue", "incomplete"):
            return
        entry.application = services.application_submit(actor=actor, application=application)

    def is_(self, entry: Entry, state: str) -> bool:
        """The entry's application is in `state` (kept up to date from what the services return)."""
        return entry.application is not None and entry.application.state == state

    def pre_review(self, entry: Entry, day: dt.date) -> None:
        if not self.is_(entry, ApplicationState.SUBMITTED) or not self.at(day):
            return
        actor = self.above(entry.org)
        if entry.fate in ("decline", "town_declined"):
            entry.application = services.application_reject(
                actor=actor, application=entry.application, reason=self.rng.choice(DECLINE_REASONS)
            )
            return
        entry.application = services.application_recommend(actor=actor, application=entry.application)

    def open_review(self, entry: Entry, day: dt.date, decider: User) -> list[str]:
        """Reviewers assigned and survey codes handed out; returns the codes (shown once)."""
        if not self.is_(entry, ApplicationState.RECOMMENDED) or not self.at(day):
            return []
        application = entry.application
        for reviewer in entry.reviewers:
            entry.assignments[reviewer.pk] = services.reviewer_assign(
                actor=decider, application=application, reviewer=reviewer
            )
        count = entry.answers + self.rng.randint(0, 4)  # a few sheets are never handed back
        # As services.survey_codes_generate writes them: keyed hashes of fresh codes, one audit entry.
        codes = list(dict.fromkeys(survey.new_code() for _n in range(count)))
        SurveyCode.objects.bulk_create(
            [SurveyCode(application=application, digest=crypto.lookup_hash(c), created_on=day) for c in codes]
        )
        audit.record(
            actor=self.above(entry.org),
            action="create",
            obj=application,
            org=application.org,
            summary=_("生成群众测评码 %(n)d 个") % {"n": len(codes)},
            after={"survey_codes": len(codes)},
        )
        return [survey.shown(code) for code in codes]

    def answer(self, entry: Entry, codes: list[str], start: dt.date, end: dt.date) -> None:
        """Answer sheets handed back with their codes, as services.survey_answer records them: the code
        spent on the day, an anonymous sheet (cleaned answers, satisfied or not, the date) — in bulk."""
        rng = self.rng
        satisfied = round(entry.answers * entry.satisfaction)
        days = sorted(self.spread(start, end) for _n in range(entry.answers))
        sheets, spent = [], defaultdict(list)
        for index, (code, day) in enumerate(zip(codes, days, strict=False)):
            if day > self.today:
                break
            if index < satisfied:
                overall = "satisfied" if rng.random() < 0.8 else "basically_satisfied"
                ratings = ["good"] * 6 + ["fair"] * 2
            else:
                overall = "dissatisfied"
                ratings = ["fair"] * 3 + ["poor"] * 2 + ["good"]
            answers = {
                "overall": overall,
                "service": rng.choice(ratings),
                "openness": rng.choice(ratings),
                "conduct": rng.choice(ratings),
            }
            if rng.random() < 0.08:
                answers["comment"] = rng.choice(COMMENTS)
            cleaned, is_satisfied = survey.clean(answers)
            sheets.append(
                SurveyResponse(
                    application=entry.application, answers=cleaned, satisfied=is_satisfied, answered_on=day
                )
            )
            spent[day].append(crypto.lookup_hash(survey.normalised(code)))
        for day, digests in spent.items():
            SurveyCode.objects.filter(digest__in=digests, used=False).update(used=True, used_on=day)
        SurveyResponse.objects.bulk_create(sheets)

    def review(self, entry: Entry, reviewer: User, day: dt.date, *, share: float = 1.0) -> None:
        if not self.is_(entry, ApplicationState.RECOMMENDED) or not self.at(day):
            return
        criteria = self.manual(entry.application)
        criteria = criteria[: round(len(criteria) * share)]
        assignment = entry.assignments.get(reviewer.pk)
        if not criteria or assignment is None:
            return
        rows = []
        for criterion in criteria:
            methods = [ReviewMethod.DOCUMENT_REVIEW]
            if criterion.group.startswith("阵地") or self.rng.random() < 0.3:
                methods.append(ReviewMethod.ON_SITE)
            if self.rng.random() < 0.2:
                methods.append(ReviewMethod.INTERVIEW)
            for method in methods:
                rows.append(
                    ReviewScore(
                        assignment=assignment,
                        criterion=criterion,
                        method=method,
                        score=self.score(criterion.max_score, entry.quality),
                        note="资料齐全，记录规范" if self.rng.random() < 0.1 else "",
                        recorded_on=day,
                    )
                )
        # As services.review_scores_record writes them (the scores, one audit entry), in one insert.
        ReviewScore.objects.bulk_create(rows)
        application = entry.application
        audit.record(
            actor=reviewer,
            action="update",
            obj=application,
            org=application.org,
            summary=_("组织考评评分 %(n)d 项") % {"n": len(rows)},
            after={f"{row.criterion.code}/{row.method}": str(row.score) for row in rows},
        )

    def evaluate(self, entry: Entry, day: dt.date, decider: User) -> None:
        if not self.is_(entry, ApplicationState.RECOMMENDED) or not self.at(day):
            return
        entry.application = services.application_evaluate(actor=decider, application=entry.application)

    # --- a county campaign ----------------------------------------------------------------------------------

    def campaign(self, year: int, *, current: bool) -> Campaign | None:
        """Open the year's campaign and take its county-tier applications as far as the calendar allows."""
        opening = dt.date(year, 2, 20)
        # This year the featured township keeps a few villages for its own (township-tier) selection.
        town = self.town_entries(exclude=self.sites_last_year) if current else []
        quotas, entries = self.applicants(
            exclude=self.sites_last_year | {e.org.pk for e in town}, overdue=current
        )
        if current:
            featured = next((u for u in self.units if u.id == self.featured_branch), None)
            if featured is not None:  # zhibu's branch applies this year, and means it
                entries.append(self.entry(featured, "evaluate", quality=0.97))
        if not self.at(opening):
            return None
        campaign = services.campaign_open(
            actor=self.admin, year=year, quotas=quotas, **({} if current else LAST_YEAR_WEIGHTS)
        )
        create_days = {id(e): self.spread(dt.date(year, 3, 2), dt.date(year, 3, 27)) for e in entries + town}
        for entry in sorted(entries + town, key=lambda e: (create_days[id(e)], e.org.path)):
            self.create(campaign, entry, create_days[id(entry)])
        submit_days = {id(e): self.spread(dt.date(year, 4, 7), dt.date(year, 5, 29)) for e in entries + town}
        for entry in sorted(entries + town, key=lambda e: (submit_days[id(e)], e.org.path)):
            self.submit(entry, submit_days[id(entry)])
        # 方案三: the township (system) committee recommends its best upward (好中选优).
        for entry in sorted(entries, key=lambda e: (submit_days[id(e)], e.org.path)):
            day = min(submit_days[id(entry)] + dt.timedelta(days=self.rng.randint(3, 8)), dt.date(year, 6, 5))
            self.pre_review(entry, day)
        # 方案一 三(三), 方案二 四(六): reviewers, the mass survey, the evaluation.
        opened = {}
        for entry in entries:
            if entry.application is not None and entry.application.recommended_on:
                day = entry.application.recommended_on + dt.timedelta(days=1)
                opened[id(entry)] = (day, self.open_review(entry, day, self.admin))
        for entry in entries:
            if opened.get(id(entry), (None, None))[1]:
                day, codes = opened[id(entry)]
                self.answer(entry, codes, day, dt.date(year, 6, 7))
        for entry in entries:
            if id(entry) in opened:
                earliest = opened[id(entry)][0] + dt.timedelta(days=1)
                for reviewer in entry.reviewers:
                    day = max(earliest, self.spread(dt.date(year, 6, 3), dt.date(year, 6, 8)))
                    self.review(entry, reviewer, day)
        for entry in entries:
            self.evaluate(entry, dt.date(year, 6, 9), self.admin)
        designated = self.select_and_designate(campaign, entries, quotas)
        if current:
            self.rereview(campaign, year)
        if designated and current:
            self.to_city(designated, year)
            self.bottom_rank(campaign, year)
            self.township_tier(campaign, town, year)
        if not current and self.at(dt.date(year, 12, 28)):
            services.campaign_close(actor=self.admin, campaign=campaign)
        for entry in entries + town:
            if entry.application is not None:
                entry.application.refresh_from_db()
        self.counts.update(
            f"{year}:{e.application.state}" for e in entries + town if e.application is not None
        )
        return campaign

    def select_and_designate(self, campaign: Campaign, entries: list[Entry], quotas: dict) -> list[Site]:
        """The best of each domain on a public notice, the rest not selected; one objection, dismissed; the
        designation when the notice is over; commendations before 七一."""
        year = campaign.year
        day = dt.date(year, 6, 10)
        if not self.at(day):
            return []
        chosen, others = [], []
        by_domain: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            if self.is_(entry, ApplicationState.EVALUATED):
                by_domain[entry.org.domain].append(entry)
        for domain, group in sorted(by_domain.items()):
            group.sort(key=lambda e: (-e.application.total_score, e.org.path))
            places = quotas.get((domain, Tier.COUNTY), 0)
            chosen += group[:places]
            for rank, entry in enumerate(group[places:], start=places + 1):
                others.append((entry, rank, places))
        for entry, rank, places in others:
            services.application_reject(
                actor=self.admin,
                application=entry.application,
                reason=f"综合得分 {entry.application.total_score} 分，在本领域排名第 {rank} 位，"
                f"未进入本年度 {places} 个名额",
            )
        if not chosen:
            return []
        starts_on = self.working_day_from(dt.date(year, 6, 11))
        notice = services.notice_publish(
            actor=self.admin,
            campaign=campaign,
            applications=[e.application for e in chosen],
            starts_on=starts_on,
        )
        target = self.rng.choice(chosen)
        if self.at(starts_on + dt.timedelta(days=1)):
            objection = services.objection_file(application=target.application, text=OBJECTION[0])
            if self.at(starts_on + dt.timedelta(days=3)):
                services.objection_resolve(
                    actor=self.admin, objection=objection, upheld=False, resolution=OBJECTION[1]
                )
        designation_day = notice.ends_on + dt.timedelta(days=1)
        if not self.at(self.working_day_from(designation_day)):
            return []
        sites = [services.application_designate(actor=self.admin, application=e.application) for e in chosen]
        # 方案三: 每年"七一"前 … 对示范点进行表彰 — the best site of each domain, five in all.
        commend_on = max(dt.date(year, 6, 26), sites[0].designated_on + dt.timedelta(days=2))
        if rules.commendation_in_time(commend_on) and self.at(commend_on):
            best: dict[str, Site] = {}
            for site in sites:
                total = site.application.total_score
                if site.domain not in best or total > best[site.domain].application.total_score:
                    best[site.domain] = site
            for site in sorted(best.values(), key=lambda s: s.plaque_no)[:5]:
                services.site_commend(actor=self.admin, site=site, commended_on=commend_on)
        return sites

    def to_city(self, sites: list[Site], year: int) -> None:
        if not self.at(dt.date(year, 7, 7)):
            return
        best = sorted(sites, key=lambda s: (-s.application.total_score, s.plaque_no))[:CITY_RECOMMENDED]
        for site in best:
            services.application_recommend_to_city(actor=self.admin, application=site.application)
            self.counts["city"] += 1

    # --- dynamic management ---------------------------------------------------------------------------------

    def rereview(self, campaign: Campaign, year: int) -> None:
        """复审 of last year's sites: most pass, a few fall below the pass mark and are revoked (摘牌)."""
        if not self.at(dt.date(year, 6, 29)):
            return
        rereviews = services.rereview_open(actor=self.admin, campaign=campaign)
        if not rereviews:
            return
        slipping = set(
            self.rng.sample([r.pk for r in rereviews], k=max(1, round(len(rereviews) * REVOKED_SHARE)))
        )
        days = {r.pk: self.spread(dt.date(year, 6, 30), dt.date(year, 7, 3)) for r in rereviews}
        failed = []
        for rereview in sorted(rereviews, key=lambda r: (days[r.pk], r.pk)):
            low = rereview.pk in slipping
            quality = self.rng.uniform(0.45, 0.6) if low else self.rng.uniform(0.9, 1.0)
            if not self.at(days[rereview.pk]):
                continue
            self.rereview_scores(rereview, quality)
            note = "工作出现滑坡，不再符合示范点要求" if low else "保持示范点标准，继续发挥示范带动作用"
            rereview = services.rereview_conclude(actor=self.admin, rereview=rereview, note=note)
            self.counts[f"rereview:{rereview.state}"] += 1
            if rereview.state == ReReviewState.FAILED:
                failed.append(rereview)
        # 方案三: 对工作滑坡，不再符合示范点要求的，及时进行调整，予以摘牌.
        if not self.at(dt.date(year, 7, 6)):
            return
        for rereview in failed:
            reason = f"{year} 年度复审得分 {rereview.score} 分，低于 {campaign.rereview_pass_score} 分：" + (
                self.rng.choice(REVOKE_REASONS)
            )
            services.application_revoke(
                actor=self.admin, application=rereview.site.application, reason=reason
            )
            self.counts["revoked"] += 1

    def rereview_scores(self, rereview: ReReview, quality: float) -> None:
        """The panel's scores, as services.rereview_score writes them (one audit entry), in one insert."""
        if rereview.catalogue_id not in self.criteria:
            self.criteria[rereview.catalogue_id] = list(
                rereview.catalogue.criteria.order_by("sort_order", "id")
            )
        rows = [
            ReReviewScore(rereview=rereview, criterion=c, score=self.score(c.max_score, quality))
            for c in self.criteria[rereview.catalogue_id]
            if scored_by_hand(c)
        ]
        ReReviewScore.objects.bulk_create(rows)
        audit.record(
            actor=self.admin,
            action="update",
            obj=rereview,
            org=rereview.site.org,
            summary=_("复审评分 %(n)d 项") % {"n": len(rows)},
            after={row.criterion.code: str(row.score) for row in rows},
        )

    def bottom_rank(self, campaign: Campaign, year: int) -> None:
        """末位管理: rectification tasks and award bars for the bottom of each domain; most closed since."""
        if not self.at(dt.date(year, 7, 8)):
            return
        deadline = dt.date(year, 9, 30)
        rectifications = services.bottom_rank_apply(
            actor=self.admin, campaign=campaign, deadline=deadline, task=RECTIFICATION_TASK
        )
        self.counts["rectifications"] += len(rectifications)
        for rectification in rectifications[1:]:  # the first one is still open (overdue past the deadline)
            if not self.at(self.spread(dt.date(year, 9, 1), deadline - dt.timedelta(days=2))):
                continue
            actor = self.above(rectification.org)
            services.rectification_close(
                actor=actor, rectification=rectification, note=self.rng.choice(RECTIFICATION_DONE)
            )

    # --- the featured township's own selection (乡镇级) --------------------------------------------------------

    def town_entries(self, exclude: set[int]) -> list[Entry]:
        """Villages of the featured township applying to be township-tier sites (xiangzhen's pre-review)."""
        villages = [
            unit
            for unit in self.units
            if unit.domain == "rural" and unit.path.startswith(self.town_path) and unit.id not in exclude
            and unit.id != self.featured_branch
        ]  # fmt: skip
        self.rng.shuffle(villages)
        fates = ["town_scored", "town_scored", "town_scored", "town_half", "town_unscored",
                 "town_waiting", "town_waiting", "town_declined", "overdue"]  # fmt: skip
        return [
            self.entry(unit, fate, tier=Tier.TOWNSHIP, quality=self.rng.uniform(0.8, 0.95))
            for unit, fate in zip(villages, fates, strict=False)
        ]

    def township_tier(self, campaign: Campaign, entries: list[Entry], year: int) -> None:
        """The autumn: xiangzhen pre-reviews, pingshen scores, the admin publicizes; a notice runs today."""
        start = rules.default_deadlines(year).acceptance_by + dt.timedelta(days=20)
        span = (self.today - start).days
        if span < 10 or not entries:
            return

        def on(share: float) -> dt.date:
            return start + dt.timedelta(days=int(span * share))

        pingshen = self.reviewers[0]
        for entry in entries:
            entry.reviewers = [pingshen]
            if entry.fate != "town_waiting":
                self.pre_review(entry, on(0.1))
        codes = {id(e): self.open_review(e, on(0.15), self.officer) for e in entries}
        for entry in entries:
            if codes[id(entry)]:
                self.answer(entry, codes[id(entry)], on(0.2), on(0.5))
        for entry in entries:
            share = {"town_scored": 1.0, "town_half": 0.5}.get(entry.fate, 0.0)
            if share:
                self.review(entry, pingshen, on(0.6), share=share)
        scored = [e for e in entries if e.fate == "town_scored"]
        for entry in scored:
            self.evaluate(entry, on(0.8) if entry is not scored[-1] else self.today, self.officer)
        listed = [e.application for e in scored[:-1] if self.is_(e, ApplicationState.EVALUATED)]
        if listed and self.at(self.today - dt.timedelta(days=1)):
            services.notice_publish(
                actor=self.admin,
                campaign=campaign,
                applications=listed,
                starts_on=self.today - dt.timedelta(days=1),
                title=f"{self.plan.featured_township.name.removesuffix('党委')}{year} 年度乡镇级党建示范点拟命名名单公示",
            )
            if self.at(self.today):
                services.objection_file(application=listed[-1], text=OPEN_OBJECTION)

    # --- the whole story ------------------------------------------------------------------------------------

    def run(self) -> list[str]:
        accounts = self.accounts()
        last = self.campaign(self.year - 1, current=False)
        if last is not None:
            self.sites_last_year = set(Site.objects.filter(campaign=last).values_list("org_id", flat=True))
        self.campaign(self.year, current=True)
        return accounts


def _docx(title: str, sections: list[tuple[str, str]]) -> bytes:
    """A small Word document: a title and a heading with its paragraph per section."""
    document = docx.Document()
    document.add_heading(title, level=1)
    for heading, text in sections:
        document.add_heading(heading, level=2)
        document.add_paragraph(text or "—")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _may_apply(unit: Unit, root: Unit) -> bool:
    """Grassroots organizations that may apply (services.application_create): not a 党小组, not dissolved,
    not the county committee itself."""
    return unit.is_grassroots and unit.kind != "group" and not unit.dissolved_on and unit is not root


def seed_sites(*, plan: CountyPlan, seed: int, today: dt.date, members: int, say) -> list[str]:
    """Write the demo programme (see the module docstring); returns the reviewer accounts it opened."""
    started = time.perf_counter()
    rng = random.Random(f"dangjian:{seed}:sites")
    with translation.override("zh-hans"):
        # The shipped catalogues of both years, loaded as `dangjian load_catalogues` loads them (the loader's
        # own audit entries, naming no account and no organization).
        for year in (today.year - 1, today.year):
            services.catalogue_load(year=year)
    with translation.override("zh-hans"), _on_day() as set_day, _as_seed_entries():
        programme = _Programme(plan=plan, rng=rng, today=today, set_day=set_day)
        accounts = programme.run()
        set_day(today)
    counts = programme.counts
    summary = []
    for year in (today.year - 1, today.year):
        states = {s: counts[f"{year}:{s}"] for s in ApplicationState.values if counts[f"{year}:{s}"]}
        if states:
            text = "，".join(f"{ApplicationState(s).label} {n}" for s, n in states.items())
            summary.append(f"{year} 年度申报 {sum(states.values())} 件（{text}）")
    say(
        f"党建示范点：{'；'.join(summary) or '尚未开始'}；复审 {counts['rereview:passed'] + counts['rereview:failed']} 个"
        f"（摘牌 {counts['revoked']}），末位整改 {counts['rectifications']} 项，"
        f"用时 {time.perf_counter() - started:.1f} 秒"
    )
    return accounts
