from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


class Domain(models.TextChoices):
    TOWNSHIP = "township", _("乡镇")
    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("社区")
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")
    PRIVATE = "private", _("非公有制企业")
    SOCIAL = "social", _("社会组织")


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def with_children_count(self):
        return self.annotate(
            children_count=models.Count("children", filter=models.Q(children__dissolved_on__isnull=True))
        )


class Organization(models.Model):
    """A Party organization in the tree. `path` ("1/5/23/") holds the ids from the root down."""

    name = models.CharField(_("组织名称"), max_length=100)
    code = models.CharField(_("组织编码"), max_length=30, unique=True)
    kind = models.CharField(_("组织类别"), max_length=20, choices=OrgKind.choices)
    domain = models.CharField(_("所属领域"), max_length=20, choices=Domain.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    # A joint branch (联合党支部) serves several units; 支部条例 第5条 caps it at about five.
    unit_count = models.PositiveSmallIntegerField(_("覆盖单位数"), default=1)
    # The day the 党员大会/代表大会 elected the current committee (届期起算日). A partial reshuffle keeps it.
    term_started_on = models.DateField(_("本届班子选举日期"), null=True, blank=True)
    term_years_override = models.PositiveSmallIntegerField(_("届期（年，留空按规定）"), null=True, blank=True)
    is_grassroots = models.BooleanField(
        _("基层组织"), default=True, help_text=_("县（市、区）委、机关工委等上级党委不适用基层组织设置规则")
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "sort_order"], name="org_children_idx")]

    def __str__(self):
        return self.name

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    YOUTH = "youth", _("青年委员")
    WOMEN = "women", _("妇女委员")
    MEMBER = "member", _("委员")
    GROUP_LEADER = "group_leader", _("党小组组长")


class LeadershipPosition(models.Model):
    """One person holding one post in an organization's leadership team (班子) for a period."""

    org = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="positions"
    )
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(_("离任原因"), max_length=100, blank=True)
    decision_ref = models.CharField(_("批复/备案文号"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["org", "ended_on", "sort_order", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.org} {self.get_post_display()} {self.person_name}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
