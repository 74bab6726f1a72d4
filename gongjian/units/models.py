from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("市直单位")
    CIVILIZED_UNIT = "civilized_unit", _("省以上文明单位")
    STATE_OWNED = "state_owned", _("国有企业")
    CENTRAL_IN_CITY = "central_in_city", _("中央、省驻株单位")
    PEOPLES_ORGANISATION = "peoples_organisation", _("群团组织")
    OTHER = "other", _("其他")


class Unit(models.Model):
    """An organisation taking part in the campaign (市直单位, 省以上文明单位, 国企…)."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("单位类别"), max_length=24, choices=UnitKind.choices, db_index=True)
    head_name = models.CharField(_("主要负责人"), max_length=50, blank=True)
    head_title = models.CharField(_("负责人职务"), max_length=80, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name
