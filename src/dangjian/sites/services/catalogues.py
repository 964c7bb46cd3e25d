"""创建标准: loading the shipped data files, drafting a catalogue, publishing it, versioning it.

A published catalogue never changes (applications were scored against it); a change is a new version,
drafted from the last one and published in its turn.
"""

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed

from .. import catalogues as data
from ..metrics import METRICS
from ..models import Catalogue, CatalogueState, Criterion, Method
from .common import require_admin

CATALOGUE_FIELDS = ["year", "domain", "version", "title", "state", "data_file", "digest"]
CRITERION_FIELDS = ["code", "group", "title", "max_score", "method", "metric", "threshold"]


def _next_version(year: int, domain: str) -> int:
    last = Catalogue.objects.filter(year=year, domain=domain).aggregate(v=Max("version"))["v"]
    return (last or 0) + 1


def _criterion_from(item: dict, order: int) -> Criterion:
    threshold = item.get("threshold")
    return Criterion(
        code=str(item["code"]).strip(),
        group=str(item["group"]).strip(),
        title=str(item["title"]).strip(),
        description=str(item.get("description") or "").strip(),
        max_score=Decimal(str(item["max_score"])),
        method=item["method"],
        metric=str(item.get("metric") or "") if item["method"] == Method.AUTO else "",
        threshold=None if threshold is None else Decimal(str(threshold)),
        evidence=str(item.get("evidence") or "").strip(),
        source=str(item.get("source") or "").strip(),
        sort_order=order,
    )


@transaction.atomic
def catalogue_load(*, year: int, actor=None, paths: list[Path] | None = None) -> list[tuple[Catalogue, bool]]:
    """Publish every shipped catalogue for `year`. Idempotent: a file whose content equals the latest
    version of its (year, domain) creates nothing; a changed file becomes the next version.

    Returns (catalogue, created) per file. Raises CatalogueDataError (nothing written) on an invalid file.
    """
    if year < 2000 or year > 2100:
        raise ValidationFailed.field("year", _("年度应在 2000 到 2100 之间"))
    loaded = [(path, data.read(path)) for path in (paths if paths is not None else data.data_files())]
    results = []
    for path, content in loaded:
        fingerprint = data.digest(content)
        latest = (
            Catalogue.objects.filter(year=year, domain=content["domain"], state=CatalogueState.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.digest == fingerprint:
            results.append((latest, False))
            continue
        catalogue = Catalogue.objects.create(
            year=year,
            domain=content["domain"],
            version=_next_version(year, content["domain"]),
            title=str(content["title"]).strip(),
            description=str(content.get("description") or "").strip(),
            source=str(content.get("source") or "").strip()[:300],
            state=CatalogueState.PUBLISHED,
            data_file=path.name,
            digest=fingerprint,
            published_at=timezone.now(),
        )
        Criterion.objects.bulk_create(
            [
                _with_catalogue(_criterion_from(item, order), catalogue)
                for order, item in enumerate(content["criteria"], 1)
            ]
        )
        audit.record(
            actor=actor,
            action="import",
            obj=catalogue,
            summary=_("载入创建标准 %(file)s") % {"file": path.name},
            after=audit.snapshot(catalogue, CATALOGUE_FIELDS),
        )
        results.append((catalogue, True))
    return results


def _with_catalogue(criterion: Criterion, catalogue: Catalogue) -> Criterion:
    criterion.catalogue = catalogue
    return criterion


def _check_domain(domain: str) -> None:
    if domain not in data.DOMAINS:
        raise ValidationFailed.field("domain", _("领域取值无效"))


@transaction.atomic
def catalogue_create(
    *, actor, year: int, domain: str, title: str, description: str = "", source: str = ""
) -> Catalogue:
    """A new draft catalogue (version after the last of its year and domain), to fill with criteria."""
    require_admin(actor)
    _check_domain(domain)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.field("title", _("请填写标题"))
    if year < 2000 or year > 2100:
        raise ValidationFailed.field("year", _("年度应在 2000 到 2100 之间"))
    catalogue = Catalogue.objects.create(
        year=year,
        domain=domain,
        version=_next_version(year, domain),
        title=title[:200],
        description=description.strip(),
        source=source.strip()[:300],
    )
    audit.record(
        actor=actor, action="create", obj=catalogue, after=audit.snapshot(catalogue, CATALOGUE_FIELDS)
    )
    return catalogue


def _require_draft(catalogue: Catalogue) -> None:
    if catalogue.is_published:
        raise TransitionNotAllowed(_("已发布的创建标准不能修改；如需调整，请新建一个版本"))


@transaction.atomic
def criterion_add(*, actor, catalogue: Catalogue, **fields) -> Criterion:
    """Add a criterion to a draft catalogue (code unique within it; auto criteria name a known metric)."""
    require_admin(actor)
    catalogue = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    _require_draft(catalogue)
    item = {key: value for key, value in fields.items() if value is not None}
    problems = data.problems_of(
        {"domain": catalogue.domain, "title": catalogue.title, "criteria": [{**item}]}
    )
    if problems:
        field = next(
            (f for f in ("code", "group", "title", "max_score", "method", "metric") if f in problems[0]), ""
        )
        raise ValidationFailed.field(
            field, _("标准条目填写不完整或有误：%(problem)s") % {"problem": problems[0]}
        )
    if catalogue.criteria.filter(code=str(item["code"]).strip()).exists():
        raise ValidationFailed.field("code", _("编码已存在"))
    order = (catalogue.criteria.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    criterion = _with_catalogue(_criterion_from(item, order), catalogue)
    criterion.save()
    audit.record(
        actor=actor,
        action="update",
        obj=catalogue,
        summary=_("新增标准条目 %(code)s") % {"code": criterion.code},
        after=audit.snapshot(criterion, CRITERION_FIELDS),
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor, criterion: Criterion) -> None:
    require_admin(actor)
    catalogue = Catalogue.objects.select_for_update().get(pk=criterion.catalogue_id)
    _require_draft(catalogue)
    before = audit.snapshot(criterion, CRITERION_FIELDS)
    criterion.delete()
    audit.record(
        actor=actor,
        action="delete",
        obj=catalogue,
        summary=_("删除标准条目 %(code)s") % {"code": before["code"]},
        before=before,
    )


@transaction.atomic
def catalogue_publish(*, actor, catalogue: Catalogue) -> Catalogue:
    """Publish a draft: from now on applications of its year and domain are scored against it."""
    require_admin(actor)
    catalogue = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    _require_draft(catalogue)
    if not catalogue.criteria.exists():
        raise TransitionNotAllowed(_("创建标准还没有任何条目，不能发布"))
    before = audit.snapshot(catalogue, CATALOGUE_FIELDS)
    catalogue.state = CatalogueState.PUBLISHED
    catalogue.published_at = timezone.now()
    catalogue.save(update_fields=["state", "published_at"])
    audit.record(
        actor=actor,
        action="transition",
        obj=catalogue,
        summary=_("发布创建标准 %(year)d 年第 %(v)d 版") % {"year": catalogue.year, "v": catalogue.version},
        before=before,
        after=audit.snapshot(catalogue, CATALOGUE_FIELDS),
    )
    return catalogue


@transaction.atomic
def catalogue_new_version(*, actor, catalogue: Catalogue) -> Catalogue:
    """A draft copy of a catalogue, numbered after the last version of its year and domain."""
    require_admin(actor)
    draft = Catalogue.objects.create(
        year=catalogue.year,
        domain=catalogue.domain,
        version=_next_version(catalogue.year, catalogue.domain),
        title=catalogue.title,
        description=catalogue.description,
        source=catalogue.source,
    )
    Criterion.objects.bulk_create(
        [
            Criterion(
                catalogue=draft,
                **{
                    f: getattr(c, f)
                    for f in (
                        "code",
                        "group",
                        "title",
                        "description",
                        "max_score",
                        "method",
                        "metric",
                        "threshold",
                        "evidence",
                        "source",
                        "sort_order",
                    )
                },
            )
            for c in catalogue.criteria.all()
        ]
    )
    audit.record(
        actor=actor,
        action="create",
        obj=draft,
        summary=_("由第 %(v)d 版新建版本") % {"v": catalogue.version},
        after=audit.snapshot(draft, CATALOGUE_FIELDS),
    )
    return draft


def known_metrics() -> list[str]:
    return sorted(METRICS)
