"""`dangjian seed`: two years of the demonstration-site programme (issue 5) — last year's campaign closed,
this year's complete — checked against the programme's rules, never against counts the generator happens to
produce.

The county is the small one of the other seed tests (600 members, scale 0.1: one township). Its quotas are the
seeds' 40-site breakdown in proportion to the county (`quotas_for`; exactly 40 from scale 1, the demo), so
the tests assert that the designated sites match the campaign's quotas exactly and that the quotas are the
proportional ones; `quotas_for` itself is tested at scale 1 and at its edges below.

The county is seeded once for the module, inside a transaction rolled back at the end; the programme is
written twice on the same county (a savepoint in between) to show it is deterministic.
"""

import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from types import SimpleNamespace

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.core.seeding import generator
from dangjian.core.seeding import sites as seed_sites
from dangjian.orgs.models import Organization
from dangjian.sites import rules, selectors
from dangjian.sites.catalogues import data_files as catalogue_files
from dangjian.sites.models import (
    Application,
    ApplicationState,
    AwardBar,
    BarRole,
    Campaign,
    EventKind,
    Evidence,
    Method,
    Objection,
    ObjectionState,
    PublicNotice,
    Quota,
    Rectification,
    RectificationState,
    ReReview,
    ReReviewState,
    ReviewerAssignment,
    ReviewScore,
    SelfScore,
    Site,
    SiteEvent,
    SurveyCode,
    SurveyResponse,
    Tier,
)
from tests.core.seeding import skip_parts

TODAY = dt.date(2026, 11, 28)
LAST, THIS = TODAY.year - 1, TODAY.year
SMALL = {"members": 600, "scale": 0.1, "today": TODAY}
SCALE = 0.1  # one township of the seeds' ten

# The module's data lives in one transaction (the `seeded` fixture); the marker also makes pytest-django create
# the test database when this module runs alone.
pytestmark = pytest.mark.django_db


def digest() -> str:
    """Everything the programme's seed decides, ids and survey code hashes (random by design) left out."""
    h = hashlib.sha256()

    def add(rows):
        for row in sorted(repr(tuple(r)) for r in rows):
            h.update(row.encode())

    add(
        Application.objects.values_list(
            "campaign__year", "org__code", "tier", "state", "goals", "content", "schedule", "measures",
            "responsible", "features", "site_area", "plan_filed_on", "submitted_on", "recommended_on",
            "evaluated_on", "publicized_on", "designated_on", "closed_on", "self_score", "mass_score",
            "org_score", "total_score", "metric_results", "reject_reason", "revoke_reason",
        )
    )  # fmt: skip
    add(
        SelfScore.objects.values_list(
            "application__org__code", "application__tier", "criterion__code", "score"
        )
    )
    add(
        ReviewScore.objects.values_list(
            "assignment__application__org__code", "assignment__reviewer__username", "criterion__code",
            "method", "score", "note", "recorded_on",
        )
    )  # fmt: skip
    add(SurveyResponse.objects.values_list("application__org__code", "answers", "satisfied", "answered_on"))
    add(SurveyCode.objects.values_list("application__org__code", "created_on", "used", "used_on"))
    add(
        Site.objects.values_list(
            "plaque_no", "org__code", "designated_on", "revoked_on", "revoke_reason", "commended"
        )
    )
    add(ReReview.objects.values_list("site__plaque_no", "state", "score", "note", "concluded_on"))
    add(
        Rectification.objects.values_list(
            "org__code", "score", "deadline", "state", "closed_on", "closing_note"
        )
    )
    add(AwardBar.objects.values_list("org__code", "role", "person_name", "reason"))
    add(Objection.objects.values_list("application__org__code", "text", "state", "upheld", "resolution"))
    add(PublicNotice.objects.values_list("title", "starts_on", "ends_on"))
    add(SiteEvent.objects.values_list("org__code", "kind", "on", "note"))
    add(User.objects.filter(role="reviewer").values_list("username", "display_name"))
    return h.hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once (the programme twice over a savepoint), keep it for the module's tests, then roll back."""
    real = seed_sites.seed_sites
    runs: list[str] = []

    def twice(**kwargs):
        point = transaction.savepoint()
        real(**kwargs)
        runs.append(digest())
        transaction.savepoint_rollback(point)
        accounts = real(**kwargs)
        runs.append(digest())
        return accounts

    media_root = tmp_path_factory.mktemp("media")
    media = override_settings(MEDIA_ROOT=media_root)  # the evidence files it uploads
    with media, pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(), transaction.atomic():
        skip_parts(patch, "recruitment")  # member development is tested by test_seed_recruitment
        out = StringIO()
        seed_sites.seed_sites = twice
        try:
            call_command("seed", **SMALL, stdout=out)
        finally:
            seed_sites.seed_sites = real
        campaigns = {c.year: c for c in Campaign.objects.all()}
        yield SimpleNamespace(
            output=out.getvalue(),
            media_root=media_root,
            runs=runs,
            last=campaigns[LAST],
            this=campaigns[THIS],
            users={u.username: u for u in User.objects.select_related("org")},
        )
        transaction.set_rollback(True)


def quotas(campaign: Campaign) -> dict[tuple[str, str], int]:
    return {(q.domain, q.tier): q.number for q in Quota.objects.filter(campaign=campaign)}


def proportional(number: int) -> int:
    return max(1, math.floor(number * SCALE + 0.5))


# --- the quotas, as a pure function -------------------------------------------------------------------------


PLENTY = dict.fromkeys(("township", "rural", "community", "soe", "private", "organ", "institution"), 100)


@pytest.mark.parametrize("scale", [1.0, 1.5, 66.0])
def test_from_scale_one_the_quotas_are_exactly_the_seeds_forty(scale):
    found = seed_sites.quotas_for(scale, PLENTY)
    assert found == rules.DEFAULT_QUOTAS
    assert sum(found.values()) == 40


@pytest.mark.parametrize(
    ("scale", "rural", "organ", "township"), [(0.5, 8, 5, 2), (0.1, 2, 1, 1), (0.01, 1, 1, 1)]
)
def test_a_smaller_county_gets_the_breakdown_in_proportion_at_least_one_place_a_domain(
    scale, rural, organ, township
):
    found = seed_sites.quotas_for(scale, PLENTY)
    assert found[("rural", "county")] == rural  # 15 × scale, rounded half up
    assert found[("organ", "county")] == organ
    assert found[("township", "county")] == township
    assert all(n >= 1 for n in found.values())


@pytest.mark.parametrize(("candidates", "places"), [(0, 0), (1, 0), (10, 9), (11, 10), (12, 10)])
def test_a_domain_keeps_one_rival_more_than_its_places(candidates, places):
    found = seed_sites.quotas_for(1.0, {**PLENTY, "organ": candidates})
    assert found[("organ", "county")] == places


# --- the seeded county ----------------------------------------------------------------------------------------


def test_the_seed_reports_the_programme_and_lists_the_reviewer_accounts(seeded):
    assert "党建示范点" in seeded.output and "复审" in seeded.output
    listed = seeded.output.strip().splitlines()[-1]
    assert all(
        name in listed for name in ("admin", "xiangzhen", "zhibu", "dangyuan", *seed_sites.REVIEWER_ACCOUNTS)
    )


def test_the_reviewer_accounts_are_reviewers_of_the_county_with_the_demo_password(seeded):
    reviewers = [seeded.users[name] for name in seed_sites.REVIEWER_ACCOUNTS]
    root = Organization.objects.get(parent__isnull=True)
    assert all(u.role == "reviewer" and u.org_id == root.pk and u.display_name for u in reviewers)
    assert reviewers[0].check_password("dangjian2026")


def test_the_programme_is_deterministic(seeded):
    assert len(seeded.runs) == 2 and seeded.runs[0] == seeded.runs[1]


def test_last_years_campaign_is_closed_and_this_years_open_each_with_its_weights(seeded):
    last, this = seeded.last, seeded.this
    assert last.state == "closed" and last.closed_on.year == LAST
    assert this.state == "open"
    assert (last.weight_self, last.weight_mass, last.weight_org) == (30, 30, 40)
    assert (this.weight_self, this.weight_mass, this.weight_org) == (20, 40, 40)


@pytest.mark.parametrize("year", [LAST, THIS])
def test_quotas_are_the_seeds_breakdown_in_proportion_to_the_county(seeded, year):
    campaign = seeded.last if year == LAST else seeded.this
    found = quotas(campaign)
    assert set(found) == set(rules.DEFAULT_QUOTAS)
    for key, number in found.items():
        assert number <= proportional(rules.DEFAULT_QUOTAS[key])
    # Domains with enough candidates in this county get exactly their proportional places.
    for domain in ("rural", "organ", "institution", "community"):
        assert found[(domain, "county")] == proportional(rules.DEFAULT_QUOTAS[(domain, "county")])
    # The single township committee cannot be both a 示范乡镇 and its own rival.
    assert found[("township", "county")] == 0


@pytest.mark.parametrize("year", [LAST, THIS])
def test_the_designated_sites_match_the_quotas_exactly(seeded, year):
    campaign = seeded.last if year == LAST else seeded.this
    designated = Counter(Site.objects.filter(campaign=campaign).values_list("domain", "tier"))
    wanted = {key: n for key, n in quotas(campaign).items() if n}
    assert dict(designated) == wanted
    plaques = list(Site.objects.filter(campaign=campaign).values_list("plaque_no", flat=True))
    assert len(set(plaques)) == len(plaques)
    assert all(p.startswith(f"示范点〔{year}〕县级第") for p in plaques)


def test_this_years_applicants_are_new_none_of_last_years_sites(seeded):
    last_sites = set(Site.objects.filter(campaign=seeded.last).values_list("org_id", flat=True))
    applicants = set(
        Application.objects.filter(campaign=seeded.this, recommended_from__isnull=True).values_list(
            "org_id", flat=True
        )
    )
    assert last_sites and not last_sites & applicants


def test_every_state_is_present_this_year_and_revoked_ones_last_year(seeded):
    this = Counter(Application.objects.filter(campaign=seeded.this).values_list("state", flat=True))
    assert set(this) == set(ApplicationState.values) - {ApplicationState.REVOKED}
    last = Counter(Application.objects.filter(campaign=seeded.last).values_list("state", flat=True))
    assert set(last) == {ApplicationState.DESIGNATED, ApplicationState.REJECTED, ApplicationState.REVOKED}
    # Overdue drafts: past the deadline and never submitted, one without a complete plan.
    overdue = selectors.overdue_applications(user=seeded.users["admin"], campaign=seeded.this, today=TODAY)
    assert overdue and all(a.state == ApplicationState.DRAFT and not a.submitted_on for a, _why in overdue)
    assert any(a.plan_filed_on is None for a, _why in overdue)


def test_rejections_say_why(seeded):
    rejected = Application.objects.filter(state=ApplicationState.REJECTED)
    assert rejected.exists() and all(a.reject_reason and a.closed_on for a in rejected)
    # Some were declined at the committee's pre-review, others ranked below the places after evaluation.
    assert rejected.filter(total_score__isnull=True).exists()
    assert rejected.filter(total_score__isnull=False, reject_reason__contains="未进入").exists()


def test_totals_are_the_weighted_parts_by_each_campaigns_weights(seeded):
    scored = Application.objects.filter(total_score__isnull=False).select_related("campaign")
    assert scored.filter(campaign=seeded.last).exists() and scored.filter(campaign=seeded.this).exists()
    for a in scored:
        c = a.campaign
        weights = rules.Weights(c.weight_self, c.weight_mass, c.weight_org)
        assert a.total_score == rules.weighted_total(a.self_score, a.mass_score, a.org_score, weights)


def test_the_parts_come_from_the_recorded_scores_answers_and_metrics(seeded):
    """The scores and answers written in bulk are those the frozen parts were computed from."""
    scored = Application.objects.filter(total_score__isnull=False).select_related("catalogue")
    for a in scored:
        criteria = list(a.catalogue.criteria.all())
        tops = {c.code: c.max_score for c in criteria}
        auto = {
            c.code: rules.auto_points(a.metric_results[c.code]["met"], c.max_score)
            for c in criteria
            if c.method == Method.AUTO
        }
        own = dict(SelfScore.objects.filter(application=a).values_list("criterion__code", "score"))
        assert set(own) == {c.code for c in criteria if c.method == Method.MANUAL}
        assert a.self_score == rules.self_part(tops, {**own, **auto})
        reviewers = []
        for assignment in ReviewerAssignment.objects.filter(application=a):
            by_code = defaultdict(list)
            for code, score in ReviewScore.objects.filter(assignment=assignment).values_list(
                "criterion__code", "score"
            ):
                by_code[code].append(score)
            reviewers.append(dict(by_code))
        assert a.org_score == rules.org_part(tops, auto, reviewers)
        answers = SurveyResponse.objects.filter(application=a)
        satisfied = answers.filter(satisfied=True).count()
        assert (a.survey_answered, a.survey_satisfied) == (answers.count(), satisfied)
        assert a.mass_score == rules.percent(Fraction(satisfied, answers.count()))
        assert answers.count() >= a.campaign.survey_min_answers


def test_every_answer_spent_one_code_and_some_codes_were_never_handed_back(seeded):
    for a in Application.objects.filter(survey_codes__isnull=False).distinct():
        used = a.survey_codes.filter(used=True)
        assert used.count() == SurveyResponse.objects.filter(application=a).count()
        assert all(code.used_on and code.used_on >= code.created_on for code in used)
    assert SurveyCode.objects.filter(used=False).exists()
    # Anonymous sheets: the overall question decides "satisfied" (方案二 三(二)4).
    for answers, satisfied in SurveyResponse.objects.values_list("answers", "satisfied"):
        assert satisfied == rules.is_satisfied(answers["overall"])


@pytest.mark.parametrize("year", [LAST, THIS])
def test_a_few_satisfaction_rates_fall_below_the_threshold(seeded, year):
    campaign = seeded.last if year == LAST else seeded.this
    scored = Application.objects.filter(campaign=campaign, tier=Tier.COUNTY, mass_score__isnull=False)
    below = [a for a in scored if a.mass_score < campaign.satisfaction_threshold]
    assert below and len(below) < len(scored) / 2


@pytest.mark.parametrize("year", [LAST, THIS])
def test_designation_followed_a_full_public_notice_with_one_objection_dismissed(seeded, year):
    campaign = seeded.last if year == LAST else seeded.this
    for site in Site.objects.filter(campaign=campaign).select_related("application__notice"):
        notice = site.application.notice
        assert rules.notice_over(notice.ends_on, site.designated_on)
    objections = Objection.objects.filter(notice__campaign=campaign, application__tier=Tier.COUNTY)
    assert [(o.state, o.upheld) for o in objections] == [(ObjectionState.RESOLVED, False)]
    assert objections[0].resolution and objections[0].resolved_on <= objections[0].notice.ends_on


def test_a_few_sites_were_commended_before_july_first(seeded):
    commended = Site.objects.filter(commended=True)
    assert commended.filter(campaign=seeded.last).exists() and commended.filter(campaign=seeded.this).exists()
    assert all(s.designated_on <= s.commended_on <= dt.date(s.commended_on.year, 7, 1) for s in commended)


def test_revoked_sites_failed_their_re_review_gave_a_reason_and_left_the_public_list(seeded):
    rereviews = ReReview.objects.filter(campaign=seeded.this).select_related("site")
    assert rereviews.count() == Site.objects.filter(campaign=seeded.last).count()
    revoked = [r.site for r in rereviews if r.site.revoked_on]
    assert revoked and len(revoked) < rereviews.count()
    for r in rereviews:
        assert r.state in (ReReviewState.PASSED, ReReviewState.FAILED)
        assert (r.state == ReReviewState.PASSED) == (r.score >= seeded.this.rereview_pass_score)
        # 方案三: a failed site is revoked (摘牌) with a reason; a passed one keeps its plaque.
        assert bool(r.site.revoked_on) == (r.state == ReReviewState.FAILED)
    public = {s.pk for s in selectors.public_items(TODAY).sites}
    for site in revoked:
        assert site.revoke_reason and str(seeded.this.rereview_pass_score) in site.revoke_reason
        assert site.application.state == ApplicationState.REVOKED
        assert site.pk not in public
    assert Site.objects.filter(revoked_on__isnull=True).count() == len(public)


def test_bottom_ranked_units_got_rectifications_and_award_bars_most_closed_since(seeded):
    rectifications = list(Rectification.objects.filter(campaign=seeded.this))
    assert rectifications
    for r in rectifications:
        bars = AwardBar.objects.filter(rectification=r)
        assert bars.filter(role=BarRole.ORG, year=THIS).exists()
        assert bars.filter(role__in=(BarRole.PRINCIPAL, BarRole.RESPONSIBLE)).exists()
        assert r.deadline > r.created_on
    open_ones = [r for r in rectifications if r.state == RectificationState.OPEN]
    assert len(open_ones) == 1 and open_ones[0].deadline < TODAY  # overdue
    closed = [r for r in rectifications if r.state == RectificationState.CLOSED]
    assert all(r.closing_note and r.closed_on <= r.deadline for r in closed)
    # 末位管理 (方案三) took the lowest of each domain among the units assessed by then: this year's county
    # applicants and the re-reviewed sites (the township's own selection came later, in the autumn).
    lowest: dict[str, Decimal] = {}
    assessed = [
        *Application.objects.filter(campaign=seeded.this, tier=Tier.COUNTY, total_score__isnull=False)
        .values_list("domain", "total_score"),
        *ReReview.objects.filter(campaign=seeded.this).values_list("site__domain", "score"),
    ]  # fmt: skip
    for domain, score in assessed:
        lowest[domain] = min(score, lowest.get(domain, score))
    for r in rectifications:
        assert r.score == lowest[r.org.domain]


def test_the_best_county_sites_were_recommended_to_the_city(seeded):
    city = Application.objects.filter(campaign=seeded.this, tier=Tier.CITY).select_related("recommended_from")
    assert city.count() == seed_sites.CITY_RECOMMENDED
    for a in city:
        assert a.state == ApplicationState.RECOMMENDED
        assert (
            a.recommended_from.state == ApplicationState.DESIGNATED and a.org_id == a.recommended_from.org_id
        )


def test_the_featured_townships_selection_is_under_way_with_a_notice_running_today(seeded):
    town = Organization.objects.get(pk=seeded.users["xiangzhen"].org_id)
    township = Application.objects.filter(campaign=seeded.this, tier=Tier.TOWNSHIP)
    assert township.exists() and all(a.org_path.startswith(town.path) for a in township)
    publicized = township.filter(state=ApplicationState.PUBLICIZED).select_related("notice")
    assert publicized and all(
        rules.notice_running(a.notice.starts_on, a.notice.ends_on, TODAY) for a in publicized
    )
    assert Objection.objects.filter(application__in=publicized, state=ObjectionState.OPEN).count() == 1
    notices = [notice for notice, _apps in selectors.public_items(TODAY).notices]
    assert {a.notice for a in publicized} <= set(notices)


def test_each_application_has_its_history_in_date_order(seeded):
    order = [EventKind.CREATED, EventKind.SUBMITTED, EventKind.RECOMMENDED, EventKind.EVALUATED,
             EventKind.PUBLICIZED, EventKind.DESIGNATED]  # fmt: skip
    for a in Application.objects.filter(state=ApplicationState.DESIGNATED, tier=Tier.COUNTY):
        events = list(SiteEvent.objects.filter(application=a).order_by("on", "id").values_list("kind", "on"))
        kinds = [k for k, _on in events if k in order]
        assert kinds == order
        assert events[-1][1] <= TODAY
        assert a.submitted_on <= a.campaign.implementation_by


def test_the_audit_entries_are_the_seeds_own_so_flush_still_works(seeded):
    entries = AuditEntry.objects.filter(object_type__startswith="sites.")
    assert entries.count() > 100
    assert not entries.filter(actor__isnull=False).exists() and not entries.filter(org__isnull=False).exists()
    # The shipped catalogues are loaded as `load_catalogues` loads them; the rest is the demo accounts' work.
    loaded = entries.filter(object_type="sites.catalogue")
    assert loaded.count() == 2 * len(catalogue_files()) and set(
        loaded.values_list("actor_name", flat=True)
    ) == {"系统"}
    story = entries.exclude(object_type="sites.catalogue")
    assert all(name.endswith("（演示数据）") for name in story.values_list("actor_name", flat=True))
    assert not story.filter(org_path="").exists()  # scoped readers find them
    point = transaction.savepoint()
    generator.wipe(lambda message: None)
    assert not Application.objects.exists() and not Site.objects.exists() and not User.objects.exists()
    transaction.savepoint_rollback(point)


# --- what the demo accounts see -----------------------------------------------------------------------------


def test_the_admin_sees_progress_rankings_and_overdue_applications(seeded):
    admin = seeded.users["admin"]
    progress = selectors.campaign_progress(user=admin, campaign=seeded.this, today=TODAY)
    assert progress["designated_total"] == progress["quota_total"] == sum(quotas(seeded.this).values())
    assert selectors.ranking(user=admin, campaign=seeded.this)
    client = Client()
    client.force_login(admin)
    page = client.get("/sites/").content.decode()
    assert "超过申报截止日期仍未提交" in page


def test_xiangzhen_has_applications_of_the_township_to_pre_review(seeded):
    officer = seeded.users["xiangzhen"]
    waiting = selectors.applications_within(user=officer, state=ApplicationState.SUBMITTED)
    assert waiting.exists()
    client = Client()
    client.force_login(officer)
    page = client.get("/sites/applications/?state=submitted").content.decode()
    assert all(a.org.name in page for a in waiting)


def test_zhibus_branch_has_an_application(seeded):
    secretary = seeded.users["zhibu"]
    mine = selectors.applications_within(user=secretary, campaign=seeded.this)
    assert set(mine.values_list("org_id", flat=True)) == {secretary.org_id}
    county = mine.get(tier=Tier.COUNTY)
    client = Client()
    client.force_login(secretary)
    page = client.get(f"/sites/applications/{county.pk}/").content.decode()
    assert secretary.org.name in page and county.get_state_display() in page


def test_pingshen_has_assignments_some_scored_and_some_not(seeded):
    reviewer = seeded.users["pingshen"]
    assigned = selectors.applications_within(user=reviewer).filter(state=ApplicationState.RECOMMENDED)
    manual = {a.pk: a.catalogue.criteria.filter(method=Method.MANUAL).count() for a in assigned}
    scored = {
        a.pk: ReviewScore.objects.filter(assignment__application=a, assignment__reviewer=reviewer)
        .values("criterion")
        .distinct()
        .count()
        for a in assigned
    }
    assert any(scored[pk] == 0 for pk in manual)  # not begun
    assert any(0 < scored[pk] < manual[pk] for pk in manual)  # half done
    assert selectors.applications_within(user=reviewer).filter(state=ApplicationState.DESIGNATED).exists()
    client = Client()
    client.force_login(reviewer)
    assert "待评分" in client.get("/sites/review/").content.decode()


def test_scores_stay_within_each_criterions_maximum(seeded):
    for model, path in ((SelfScore, "criterion"), (ReviewScore, "criterion")):
        for score, top in model.objects.values_list("score", f"{path}__max_score"):
            assert Decimal(0) <= score <= top


def test_applications_carry_their_evidence_and_a_flush_deletes_the_files(seeded, settings):
    """Each application a branch submitted has its creation plan and a criterion's note as Word files, written from
    its own text; `seed --flush` deletes the files with their rows."""
    settings.MEDIA_ROOT = seeded.media_root
    # City-tier applications are the county's recommendations upward, not a branch's own submission.
    submitted = Application.objects.exclude(submitted_on=None).exclude(tier=Tier.CITY)
    assert submitted.exists()
    for application in submitted.prefetch_related("evidence"):
        files = list(application.evidence.all())
        assert [e.name for e in files if e.criterion_id is None] == ["创建方案.docx"]
        assert any(e.criterion_id for e in files)
    sample = Evidence.objects.select_related("application").filter(criterion=None).first()
    with sample.file.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(handle).paragraphs)
    assert sample.application.goals in text and sample.application.org.name in text
    names = list(Evidence.objects.values_list("file", flat=True))
    storage = Evidence._meta.get_field("file").storage
    assert all(storage.exists(name) for name in names)

    point = transaction.savepoint()
    generator.wipe(lambda message: None)
    assert not Evidence.objects.exists()
    assert not any(storage.exists(name) for name in names)
    transaction.savepoint_rollback(point)
