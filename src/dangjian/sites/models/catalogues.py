"""创建标准 as data: a catalogue per year and domain, versioned; a published catalogue never changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import CatalogueState, Method


class Catalogue(models.Model):
    """A versioned set of criteria for one year and one domain (or `all`). A change is a new version."""

    year = models.PositiveSmallIntegerField(_("年度"))
    domain = models.CharField(_("适用领域"), max_length=20)  # orgs.Domain value, or "all"
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=CatalogueState.choices, default=CatalogueState.DRAFT
    )
    # Name and SHA-256 of the shipped data file a catalogue was loaded from (the loader's idempotence).
    data_file = models.CharField(max_length=100, blank=True, editable=False)
    digest = models.CharField(max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("创建标准")
        verbose_name_plural = _("创建标准")
        ordering = ["-year", "domain", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "domain", "version"], name="catalogue_version_once")
        ]

    def __str__(self):
        return f"{self.year} {self.title}（第{self.version}版）"

    @property
    def is_published(self) -> bool:
        return self.state == CatalogueState.PUBLISHED


class Criterion(models.Model):
    """One standard: met by an automatic metric computed from recorded data, or scored by people."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("编码"), max_length=20)
    group = models.CharField(pgettext_lazy("标准条目", "类别"), max_length=60)
    title = models.CharField(_("标准"), max_length=200)
    description = models.TextField(_("具体要求"), blank=True)
    max_score = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    method = models.CharField(_("评价方式"), max_length=10, choices=Method.choices)
    metric = models.CharField(_("自动指标"), max_length=40, blank=True)  # key in sites.metrics.METRICS
    threshold = models.DecimalField(_("达标值"), max_digits=8, decimal_places=2, null=True, blank=True)
    evidence = models.CharField(_("佐证材料"), max_length=300, blank=True)
    source = models.CharField(_("出处"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("标准条目")
        verbose_name_plural = _("标准条目")
        ordering = ["catalogue", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="criterion_code_once"),
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="criterion_score_positive"),
            models.CheckConstraint(
                condition=~models.Q(method=Method.AUTO) | ~models.Q(metric=""),
                name="criterion_auto_has_metric",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_auto(self) -> bool:
        return self.method == Method.AUTO
