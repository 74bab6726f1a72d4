from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    """The levels of the city's grid-management tree, from the top down."""

    DISTRICT = "district", _("区")
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")
    ESTATE = "estate", _("小区")
    GRID = "grid", _("网格")
    BUILDING = "building", _("楼栋")

    @classmethod
    def depth_of(cls, kind: str) -> int:
        return list(cls.values).index(kind)

    @classmethod
    def child_of(cls, kind: str) -> str | None:
        values = list(cls.values)
        i = values.index(kind)
        return values[i + 1] if i + 1 < len(values) else None


class Place(models.Model):
    """A node of the place tree. ``path`` is the materialised chain of ids (``/3/17/102/``), so a
    subtree is one indexed ``path__startswith`` query and ancestors are the ids in the path."""

    kind = models.CharField(_("层级"), max_length=12, choices=PlaceKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("编码"), max_length=32, blank=True, help_text=_("行政区划或网格编码，可留空"))
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("地点")
        verbose_name_plural = _("地点")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="place_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="place_unique_root_name"
            ),
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="place_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return PlaceKind.depth_of(self.kind)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def ancestors(self) -> list["Place"]:
        """Ancestors from the root down, in one query."""
        ids = self.ancestor_ids
        by_id = {p.pk: p for p in Place.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def full_name(self) -> str:
        return "".join(p.name for p in [*self.ancestors(), self])
