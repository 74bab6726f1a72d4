import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit


class Campaign(models.Model):
    """One year of 联点共建 (e.g. 2023 年“株事有礼·社区联点共建”)."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("活动名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("共建活动")
        verbose_name_plural = _("共建活动")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    def clamp(self, day: datetime.date) -> datetime.date:
        """The day, kept within the campaign's dates."""
        return min(max(day, self.starts_on), self.ends_on)


class Pairing(models.Model):
    """联点共建: one unit paired with one community for one campaign (a unit pairs once per campaign)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("共建活动"), on_delete=models.PROTECT, related_name="pairings"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="pairings")
    community = models.ForeignKey(
        Place,
        verbose_name=_("联点社区"),
        on_delete=models.PROTECT,
        related_name="pairings",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联点共建关系")
        verbose_name_plural = _("联点共建关系")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="pairing_unit_once_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ↔ {self.community}"


class Visit(models.Model):
    """走访/报到: a unit's visit to its paired community."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("联点共建关系"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"), db_index=True)
    led_by_head = models.BooleanField(_("“一把手”带队"), default=False)
    leader_name = models.CharField(_("带队领导"), max_length=50, blank=True)
    participants = models.CharField(_("参加人员"), max_length=500, blank=True)
    participant_count = models.PositiveSmallIntegerField(
        _("参加人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    findings = models.TextField(_("了解到的问题"), max_length=4000, blank=True)
    actions = models.TextField(_("商定的措施"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pairing.unit} {self.visited_on:%Y-%m-%d}"


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=visit_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""
