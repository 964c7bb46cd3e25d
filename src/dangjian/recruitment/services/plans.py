"""Yearly development plans (发展党员计划): a committee sets how many each branch below it is to admit."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, tree
from dangjian.core.errors import FieldErrors, TransitionNotAllowed
from dangjian.orgs.models import Organization, OrgKind

from ..models import DevelopmentPlan, PlanLine
from .cases import require_approver

QUOTA_MAX = 999
PLANNING_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)


def _clean(plan_org: Organization, year: int | None, lines, note: str | None, errors: FieldErrors):
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100):
        errors.add("year", _("年度应为 2000 至 2100 之间的年份"))
    if note is not None and len(note.strip()) > 300:
        errors.add("note", _("说明最多 300 个字"))
    cleaned: list[tuple[Organization, int]] = []
    seen = set()
    for index, line in enumerate(lines or []):
        org, quota = line
        where = f"lines.{index}"
        if (
            not isinstance(org, Organization)
            or org.kind != OrgKind.BRANCH
            or org.is_dissolved
            or not tree.is_within(org.path, plan_org.path)
        ):
            errors.add(f"{where}.org_id", _("计划应列“%(org)s”下属的党支部") % {"org": plan_org.name})
            continue
        if org.pk in seen:
            errors.add(f"{where}.org_id", _("“%(org)s”重复列出") % {"org": org.name})
            continue
        if isinstance(quota, bool) or not isinstance(quota, int) or not 0 <= quota <= QUOTA_MAX:
            errors.add(f"{where}.quota", _("计划人数应为 0 至 %(max)d 的整数") % {"max": QUOTA_MAX})
            continue
        seen.add(org.pk)
        cleaned.append((org, quota))
    return cleaned


def _snapshot(plan: DevelopmentPlan) -> dict:
    return {
        "org_id": plan.org_id,
        "year": plan.year,
        "note": plan.note,
        "lines": {str(line.org_id): line.quota for line in plan.lines.all()},
    }


@transaction.atomic
def plan_create(
    *, actor, org: Organization, year: int, lines: list[tuple[Organization, int]], note: str = ""
) -> DevelopmentPlan:
    """A committee's plan for `year`: (branch, number) pairs; one plan per committee and year (409 otherwise)."""
    require_approver(actor, org)
    errors = FieldErrors()
    if org.kind not in PLANNING_KINDS:
        errors.add("org_id", _("发展党员计划由党委（党工委）制定，“%(org)s”不是党委") % {"org": org.name})
    cleaned = _clean(org, year, lines, note, errors)
    errors.raise_if_any()
    if DevelopmentPlan.objects.filter(org=org, year=year).exists():
        raise TransitionNotAllowed(
            _("“%(org)s”%(year)d 年的发展党员计划已存在，请修改原计划") % {"org": org.name, "year": year}
        )
    try:
        with transaction.atomic():
            plan = DevelopmentPlan.objects.create(
                org=org, org_path=org.path, year=year, note=(note or "").strip(), created_by=actor
            )
    except IntegrityError:
        raise TransitionNotAllowed(_("该年度的发展党员计划刚刚已由他人建立")) from None
    PlanLine.objects.bulk_create([PlanLine(plan=plan, org=branch, quota=quota) for branch, quota in cleaned])
    audit.record(
        actor=actor,
        action="create",
        obj=plan,
        org=org,
        summary=_("制定 %(year)d 年发展党员计划，共 %(n)d 人")
        % {"year": year, "n": sum(q for _b, q in cleaned)},
        after=_snapshot(plan),
    )
    return plan


@transaction.atomic
def plan_update(
    *, actor, plan: DevelopmentPlan, lines: list[tuple[Organization, int]], note: str | None = None
) -> DevelopmentPlan:
    """Replace the plan's lines (and its note when given)."""
    plan = DevelopmentPlan.objects.select_for_update(of=("self",)).select_related("org").get(pk=plan.pk)
    require_approver(actor, plan.org)
    errors = FieldErrors()
    cleaned = _clean(plan.org, None, lines, note, errors)
    errors.raise_if_any()
    before = _snapshot(plan)
    plan.lines.all().delete()
    PlanLine.objects.bulk_create([PlanLine(plan=plan, org=branch, quota=quota) for branch, quota in cleaned])
    if note is not None:
        plan.note = note.strip()
    plan.save(update_fields=["note", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=plan,
        org=plan.org,
        summary=_("修改 %(year)d 年发展党员计划") % {"year": plan.year},
        before=before,
        after=_snapshot(plan),
    )
    return plan
