from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to one row, or one workflow event: who, when, what and from where."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        EVENT = "event", _("事件")

    timestamp = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Kept as text too, so the trail still names the person after the account is gone.
    actor_repr = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    event = models.CharField(_("事件名"), max_length=60, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-timestamp", "-id"]
        # Every change writes a row here, so only the indexes the audit search reads (exact
        # matches: no LIKE-pattern copies); the actor's only where there is one.
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["object_id"], name="audit_object_id"),
            models.Index(fields=["request_id"], name="audit_request_id"),
            models.Index(fields=["actor"], condition=models.Q(actor__isnull=False), name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def labelled_changes(self) -> list[tuple[str, Any, Any]]:
        """(field label, before, after) for display; a new row lists only the fields it filled."""
        if self.action == self.Action.EVENT:
            return [(key, None, value) for key, value in self.changes.items()]
        model = self.content_type.model_class() if self.content_type else None
        labels: dict[str, str] = {}
        choices: dict[str, dict[Any, str]] = {}
        if model is not None:
            labels = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
            choices = {
                f.attname: {k: str(v) for k, v in f.flatchoices} for f in model._meta.concrete_fields if f.choices
            }
        rows = []
        for key, pair in self.changes.items():
            before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            if self.action == self.Action.CREATE and after in (None, "", False):
                continue
            if key in choices:  # show a choice's label, not its stored code
                before, after = choices[key].get(before, before), choices[key].get(after, after)
            rows.append((labels.get(key, key), before, after))
        return rows


class Job(models.Model):
    """A piece of long work (an import today) run by the task worker, with its progress, so a
    page never waits for it: the page shows the job and polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("未通过检查")
        ERROR = "error", _("出错")

    kind = models.CharField(_("类型"), max_length=60)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("当前步骤"), max_length=100, blank=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    file = models.FileField(_("文件"), upload_to="jobs/%Y/%m/", blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.ERROR)

    @property
    def file_label(self) -> str:
        """The uploaded file's own name, without the storage folders."""
        return (self.file.name or "").rsplit("/", 1)[-1]

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class Notification(models.Model):
    """A message to one person, shown in the app (the bell) and, where they have an address, sent by
    email. Written only by :func:`gongjian.core.notify.notify`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title
