"""The enumerations of the demonstration-site programme. Values are API contract: add, never rename."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ALL_DOMAINS = "all"  # a catalogue that applies to every domain without one of its own


class CatalogueState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Method(models.TextChoices):
    AUTO = "auto", _("自动指标")
    MANUAL = "manual", _("人工评分")


class Tier(models.TextChoices):
    TOWNSHIP = "township", _("乡镇级")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")


class CampaignState(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已申报")
    RECOMMENDED = "recommended", _("已推荐")
    EVALUATED = "evaluated", _("已考评")
    PUBLICIZED = "publicized", _("公示中")
    DESIGNATED = "designated", _("已授牌")
    REJECTED = "rejected", _("未通过")
    REVOKED = "revoked", _("已摘牌")


class ReviewMethod(models.TextChoices):
    DOCUMENT_REVIEW = "document_review", _("查阅资料")
    ON_SITE = "on_site", _("现场验收")
    INTERVIEW = "interview", _("座谈走访")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class ReReviewState(models.TextChoices):
    OPEN = "open", _("复审中")
    PASSED = "passed", _("复审通过")
    FAILED = "failed", _("复审未通过")


class RectificationState(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已销号")


class BarRole(models.TextChoices):
    ORG = "org", _("单位")
    PRINCIPAL = "principal", _("主要责任人")
    RESPONSIBLE = "responsible", _("具体责任人")


class EventKind(models.TextChoices):
    CREATED = "created", _("创建申报")
    SUBMITTED = "submitted", _("提交申报")
    RETURNED = "returned", _("退回修改")
    RECOMMENDED = "recommended", _("推荐上报")
    EVALUATED = "evaluated", _("完成考评")
    PUBLICIZED = "publicized", _("公示")
    OBJECTION = "objection", _("收到异议")
    OBJECTION_RESOLVED = "objection_resolved", _("异议处理")
    DESIGNATED = "designated", _("授牌")
    REJECTED = "rejected", _("未通过")
    CITY_RECOMMENDED = "city_recommended", _("推荐市级")
    COMMENDED = "commended", _("表彰")
    REREVIEWED = "rereviewed", _("复审")
    REVOKED = "revoked", _("摘牌")
    RECTIFICATION = "rectification", _("末位整改")
    RECTIFICATION_CLOSED = "rectification_closed", _("整改销号")
