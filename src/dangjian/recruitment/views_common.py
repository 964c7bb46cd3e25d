"""Helpers shared by the member-development pages: submitting a form through a service, htmx partials,
breadcrumbs, the subtree filter's choices and the badges of the stages."""

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import scoping
from dangjian.orgs.models import Organization

from . import rules


def crumbs(*tail) -> list[tuple[str, str | None]]:
    return [(_("发展党员"), reverse("recruitment:case_list")), *tail]


def case_crumbs(case, *tail) -> list[tuple[str, str | None]]:
    return crumbs((case.person_name, reverse("recruitment:case_detail", args=[case.pk])), *tail)


WITHIN_CHOICES_LIMIT = 200


def within_choices(user, current: Organization | None) -> list[tuple[int, str]]:
    """The scope's root and its direct children (plus the organization chosen, wherever it lies)."""
    root = scoping.get_org_or_404(user, user.org_id)
    children = scoping.scoped(Organization.objects.active().filter(parent=root), user).order_by(
        "sort_order", "id"
    )
    choices = [(root.pk, root.name)] + [(c.pk, f"　{c.name}") for c in children[:WITHIN_CHOICES_LIMIT]]
    if current is not None and all(pk != current.pk for pk, _label in choices):
        choices.append((current.pk, current.name))
    return choices


def within_org(request) -> Organization | None:
    """The organization of `?within=` — 404 when it lies outside the user's scope, as everywhere."""
    raw = request.GET.get("within", "")
    return scoping.get_org_or_404(request.user, int(raw)) if raw.isdigit() else None


# Never by colour alone: each stage has an icon and its word (templates/recruitment/_stage_badge.html).
STAGE_BADGES = {
    rules.APPLICANT: ("badge-kind", "envelope-paper"),
    rules.ACTIVIST: ("text-bg-info", "person-up"),
    rules.CANDIDATE: ("text-bg-warning", "person-check"),
    rules.PROBATIONARY: ("badge-probation", "hourglass-split"),
    rules.FULL: ("badge-active", "patch-check"),
    rules.WITHDRAWN: ("badge-dissolved", "slash-circle"),
    rules.CANCELLED: ("badge-dissolved", "x-circle"),
}


def stage_badge(stage: str) -> dict:
    css, icon = STAGE_BADGES.get(stage, ("badge-kind", "circle"))
    return {"css": css, "icon": icon, "label": str(rules.STAGE_LABELS.get(stage, stage))}


def approver(user) -> bool:
    return getattr(user, "role", None) in ("county_admin", "committee_officer")
