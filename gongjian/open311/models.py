"""Open311 API keys, and what an Open311 client sent beside the case it created.

A key is shown once when it is issued; only its SHA-256 is stored, with its first characters
(``prefix``) so that the city admin can tell keys apart. A revoked key is refused for good.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """An Open311 ``api_key`` the city admin issued to one client (an app, a partner's system)."""

    name = models.CharField(_("使用方"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Submission(models.Model):
    """What an Open311 client sent beside the case it created: the key it used, and the fields
    GeoReport has and a case has not (``media_url`` is kept as a link and never fetched,
    ``attribute[…]``, ``device_id``, ``account_id``), and the request's token."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="open311_submission"
    )
    api_key = models.ForeignKey(ApiKey, verbose_name=_("密钥"), on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(_("令牌"), max_length=40, editable=False)
    media_url = models.URLField(_("媒体链接"), max_length=500, blank=True)
    device_id = models.CharField(_("设备编号"), max_length=100, blank=True)
    account_id = models.CharField(_("账号编号"), max_length=100, blank=True)
    attributes = models.JSONField(_("附加属性"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 提交")
        verbose_name_plural = _("Open311 提交")
        ordering = ["-created_at"]
        # A constraint rather than unique=True, which adds a LIKE-pattern index nothing reads.
        constraints = [models.UniqueConstraint(fields=["token"], name="submission_token_unique")]

    def __str__(self) -> str:
        return f"{self.case} · {self.api_key}"
