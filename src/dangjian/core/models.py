from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write, or one read of a member's personal data. Append-only: never updated or deleted."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        MOVE = "move", _("调整隶属关系")
        DISSOLVE = "dissolve", _("撤销")
        APPOINT = "appoint", _("任职")
        END = "end", _("免职/离任")
        REVEAL = "reveal", _("查看完整个人信息")
        LOGIN = "login", _("登录")
        TOKEN = "token", _("签发接口令牌")
        SEED = "seed", _("生成演示数据")
        HOLD = "hold", _("召开/办结")
        CANCEL = "cancel", _("取消")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        TRANSITION = "transition", _("流程流转")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=50, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=50, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # The organization the entry concerns; its path lets scoped readers see their subtree's history.
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("相关组织"), null=True, blank=True, on_delete=models.PROTECT
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(_("操作日志只能追加，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(_("操作日志只能追加，不能删除"))

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
