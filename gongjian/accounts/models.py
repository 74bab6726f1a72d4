import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. What it may see and do comes from its memberships, not from Django groups."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市文明办管理员")
    UNIT_LIAISON = "unit_liaison", _("单位联络员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    RESIDENT = "resident", _("居民")


# Which roles hang off a unit and which off a place.
UNIT_ROLES = frozenset({Role.UNIT_LIAISON})
PLACE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.RESIDENT})


class Membership(models.Model):
    """Ties a user to a unit or a place with a role; the policy module reads only these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="city_admin", unit__isnull=True, place__isnull=True)
                    | models.Q(role="unit_liaison", unit__isnull=False, place__isnull=True)
                    | models.Q(
                        role__in=["community_staff", "grid_worker", "resident"], unit__isnull=True, place__isnull=False
                    )
                ),
                name="membership_role_matches_target",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"], condition=models.Q(unit__isnull=False), name="membership_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "place"],
                condition=models.Q(place__isnull=False),
                name="membership_unique_place",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(role="city_admin"), name="membership_unique_city_admin"
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.place or ""
        return f"{self.user} · {self.get_role_display()} {target}".strip()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    name = models.CharField(_("用途"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
