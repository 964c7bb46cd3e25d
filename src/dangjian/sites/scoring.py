"""The score sheet of an application: criteria, automatic metrics, self-evaluation, reviewers' scores, the
mass survey, and the three parts with the weighted total (rules.self_part / org_part / weighted_total).

Once an application is evaluated its metric results and parts are frozen on the row, so the sheet shows what
the decision was based on; before that they are computed from today's data.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from . import metrics, rules
from .models import (
    Application,
    ApplicationState,
    Criterion,
    Method,
    ReviewerAssignment,
    ReviewScore,
    SelfScore,
    SurveyResponse,
)

FROZEN_STATES = {
    ApplicationState.EVALUATED,
    ApplicationState.PUBLICIZED,
    ApplicationState.DESIGNATED,
    ApplicationState.REVOKED,
}


@dataclass
class ReviewerSheet:
    assignment: ReviewerAssignment
    scores: dict[str, dict[str, ReviewScore]] = field(default_factory=dict)  # code → method → score
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    def means(self) -> dict[str, list[Decimal]]:
        return {code: [s.score for s in by_method.values()] for code, by_method in self.scores.items()}


@dataclass
class ScoreSheet:
    application: Application
    criteria: list[Criterion]
    auto: dict[str, metrics.MetricResult]
    self_scores: dict[str, SelfScore]
    reviewers: list[ReviewerSheet]
    answered: int
    satisfied: int
    self_part: Decimal
    mass_part: Decimal
    org_part: Decimal | None
    total: Decimal | None
    frozen: bool

    @property
    def manual_codes(self) -> list[str]:
        return [c.code for c in self.criteria if c.method == Method.MANUAL]

    @property
    def missing_self(self) -> list[str]:
        return rules.missing_codes(self.manual_codes, self.self_scores)

    @property
    def satisfaction(self) -> Fraction | None:
        return rules.satisfaction_rate(self.satisfied, self.answered)

    def auto_points(self) -> dict[str, Decimal]:
        return {
            c.code: rules.auto_points(self.auto[c.code].met, c.max_score)
            for c in self.criteria
            if c.method == Method.AUTO and c.code in self.auto
        }


def metric_results(application: Application, criteria: list[Criterion], today: dt.date):
    """Every automatic criterion's metric, computed now for the application's organization and year."""
    campaign = application.campaign
    results = {}
    for criterion in criteria:
        if criterion.method != Method.AUTO:
            continue
        context = metrics.MetricContext(
            org=application.org,
            year=campaign.year,
            today=today,
            threshold=criterion.threshold,
            application=application,
            satisfaction_threshold=campaign.satisfaction_threshold,
        )
        results[criterion.code] = metrics.compute(criterion.metric, context)
    return results


def _frozen_results(application: Application) -> dict[str, metrics.MetricResult]:
    return {
        code: metrics.MetricResult(
            None if item.get("value") is None else Decimal(item["value"]),
            bool(item["met"]),
            item["explanation"],
        )
        for code, item in (application.metric_results or {}).items()
    }


def missing_self_scores(application: Application) -> list[str]:
    """The manual criteria the applicant has not self-scored yet (no metric computed: submitting asks only this)."""
    manual = list(
        application.catalogue.criteria.filter(method=Method.MANUAL)
        .order_by("sort_order", "id")
        .values_list("code", flat=True)
    )
    scored = set(SelfScore.objects.filter(application=application).values_list("criterion__code", flat=True))
    return rules.missing_codes(manual, scored)


def score_sheet(application: Application, today: dt.date | None = None) -> ScoreSheet:
    today = today or timezone.localdate()
    criteria = list(application.catalogue.criteria.order_by("sort_order", "id"))
    by_id = {c.pk: c for c in criteria}
    manual = [c.code for c in criteria if c.method == Method.MANUAL]
    frozen = application.state in FROZEN_STATES and application.total_score is not None
    auto = _frozen_results(application) if frozen else metric_results(application, criteria, today)
    self_scores = {
        by_id[s.criterion_id].code: s
        for s in SelfScore.objects.filter(application=application)
        if s.criterion_id in by_id
    }
    grouped: dict[int, dict[str, dict[str, ReviewScore]]] = defaultdict(lambda: defaultdict(dict))
    for score in ReviewScore.objects.filter(assignment__application=application):
        if score.criterion_id in by_id:
            grouped[score.assignment_id][by_id[score.criterion_id].code][score.method] = score
    reviewers = []
    for assignment in application.assignments.select_related("reviewer").order_by("id"):
        scores = dict(grouped.get(assignment.pk, {}))
        reviewers.append(ReviewerSheet(assignment, scores, rules.missing_codes(manual, scores)))
    answered = SurveyResponse.objects.filter(application=application).count()
    satisfied = SurveyResponse.objects.filter(application=application, satisfied=True).count()
    sheet = ScoreSheet(
        application=application,
        criteria=criteria,
        auto=auto,
        self_scores=self_scores,
        reviewers=reviewers,
        answered=answered,
        satisfied=satisfied,
        self_part=Decimal(0),
        mass_part=Decimal(0),
        org_part=None,
        total=None,
        frozen=frozen,
    )
    if frozen:
        sheet.self_part = application.self_score
        sheet.mass_part = application.mass_score
        sheet.org_part = application.org_score
        sheet.total = application.total_score
        sheet.answered = application.survey_answered or 0
        sheet.satisfied = application.survey_satisfied or 0
        return sheet
    max_scores = {c.code: c.max_score for c in criteria}
    auto_points = sheet.auto_points()
    sheet.self_part = rules.self_part(
        max_scores, {**{code: s.score for code, s in self_scores.items()}, **auto_points}
    )
    sheet.mass_part = rules.percent(sheet.satisfaction) or Decimal("0.00")
    sheet.org_part = rules.org_part(max_scores, auto_points, [r.means() for r in reviewers if r.scores])
    if sheet.org_part is not None:
        campaign = application.campaign
        sheet.total = rules.weighted_total(
            sheet.self_part,
            sheet.mass_part,
            sheet.org_part,
            rules.Weights(campaign.weight_self, campaign.weight_mass, campaign.weight_org),
        )
    return sheet
