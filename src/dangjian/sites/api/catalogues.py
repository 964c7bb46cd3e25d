"""/catalogues: 创建标准 with their criteria; drafting, publishing and versioning by the county admin."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema

from .. import selectors, services
from ..metrics import METRICS
from ..models import Catalogue, CatalogueState, Criterion, Method
from .base import num, router


class CriterionOut(Schema):
    id: int
    code: str
    group: str
    title: str
    description: str
    max_score: float
    method: Method
    metric: str
    threshold: float | None
    evidence: str
    source: str


class CatalogueOut(Schema):
    id: int
    year: int
    domain: str
    version: int
    title: str
    description: str
    source: str
    state: CatalogueState
    published_at: dt.datetime | None
    criteria_count: int
    total_score: float


class CatalogueDetail(CatalogueOut):
    criteria: list[CriterionOut]


class CatalogueList(Schema):
    count: int
    items: list[CatalogueOut]


class CatalogueFilters(Schema):
    year: int | None = None
    domain: str = ""
    state: CatalogueState | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


class CatalogueIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    domain: str = Field(..., max_length=20)
    title: str = Field(..., max_length=200)
    description: str = ""
    source: str = Field("", max_length=300)


class CriterionIn(Schema):
    code: str = Field(..., max_length=20)
    group: str = Field(..., max_length=60)
    title: str = Field(..., max_length=200)
    description: str = ""
    max_score: float = Field(..., gt=0, lt=10000)
    method: Method
    metric: str = Field("", max_length=40)
    threshold: float | None = None
    evidence: str = Field("", max_length=300)
    source: str = Field("", max_length=200)


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    from_survey: bool


def criterion_out(criterion: Criterion) -> dict:
    return {
        **{
            f: getattr(criterion, f)
            for f in ("id", "code", "group", "title", "description", "method", "metric")
        },
        "max_score": num(criterion.max_score),
        "threshold": num(criterion.threshold),
        "evidence": criterion.evidence,
        "source": criterion.source,
    }


def catalogue_out(catalogue: Catalogue, criteria: list[Criterion] | None = None) -> dict:
    if criteria is None:
        criteria = list(catalogue.criteria.all())
    body = {
        **{
            f: getattr(catalogue, f)
            for f in (
                "id",
                "year",
                "domain",
                "version",
                "title",
                "description",
                "source",
                "state",
                "published_at",
            )
        },
        "criteria_count": len(criteria),
        "total_score": num(sum((c.max_score for c in criteria), start=0)) or 0.0,
        "criteria": [criterion_out(c) for c in criteria],
    }
    return body


@router.get("/catalogues", response=CatalogueList, summary="创建标准列表")
def list_catalogues(request, filters: Query[CatalogueFilters]):
    queryset = selectors.catalogues_visible(
        user=request.user, year=filters.year, domain=filters.domain, state=filters.state or ""
    )
    page = list(queryset.prefetch_related("criteria")[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [catalogue_out(c) for c in page]}


@router.get("/catalogues/{catalogue_id}", response=CatalogueDetail, summary="创建标准（含全部条目）")
def get_catalogue(request, catalogue_id: int):
    return catalogue_out(selectors.catalogue_or_404(user=request.user, pk=catalogue_id))


@router.post("/catalogues", response={201: CatalogueDetail}, summary="新建创建标准（草稿）")
def create_catalogue(request, payload: CatalogueIn):
    return 201, catalogue_out(services.catalogue_create(actor=request.user, **payload.dict()))


@router.post(
    "/catalogues/{catalogue_id}/criteria", response={201: CriterionOut}, summary="新增标准条目（草稿）"
)
def add_criterion(request, catalogue_id: int, payload: CriterionIn):
    catalogue = selectors.catalogue_or_404(user=request.user, pk=catalogue_id)
    values = payload.dict()
    values["method"] = payload.method.value
    criterion = services.criterion_add(actor=request.user, catalogue=catalogue, **values)
    return 201, criterion_out(criterion)


@router.delete(
    "/catalogues/{catalogue_id}/criteria/{criterion_id}", response={204: None}, summary="删除标准条目"
)
def remove_criterion(request, catalogue_id: int, criterion_id: int):
    catalogue = selectors.catalogue_or_404(user=request.user, pk=catalogue_id)
    services.criterion_remove(
        actor=request.user, criterion=get_object_or_404(Criterion, pk=criterion_id, catalogue=catalogue)
    )
    return 204, None


@router.post("/catalogues/{catalogue_id}/publish", response=CatalogueDetail, summary="发布创建标准")
def publish_catalogue(request, catalogue_id: int):
    catalogue = selectors.catalogue_or_404(user=request.user, pk=catalogue_id)
    return catalogue_out(services.catalogue_publish(actor=request.user, catalogue=catalogue))


@router.post(
    "/catalogues/{catalogue_id}/new-version",
    response={201: CatalogueDetail},
    summary="新建版本（复制为草稿）",
)
def new_version(request, catalogue_id: int):
    catalogue = selectors.catalogue_or_404(user=request.user, pk=catalogue_id)
    return 201, catalogue_out(services.catalogue_new_version(actor=request.user, catalogue=catalogue))


@router.get("/metrics", response=list[MetricOut], summary="可用的自动指标")
def list_metrics(request):
    selectors.require_programme_role(request.user)
    return [
        {"key": m.key, "label": str(m.label), "unit": m.unit, "from_survey": m.from_survey}
        for m in sorted(METRICS.values(), key=lambda m: m.key)
    ]
