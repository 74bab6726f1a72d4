"""Cases 诉求: every reported problem, whoever finds it, on one closed loop
(上报 → 受理 → 派遣 → 处置 → 核查 → 结案 → 评价). Only :mod:`gongjian.cases.services` changes them."""

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.places.models import Place
from gongjian.units.models import Unit


class Priority(models.TextChoices):
    URGENT = "urgent", _("紧急")
    HIGH = "high", _("较急")
    NORMAL = "normal", _("一般")


class Category(models.Model):
    """An entry of the case catalogue, in the two classes of GB/T 30428 (部件 and 事件)."""

    class Klass(models.TextChoices):
        FACILITY = "facility", _("部件")
        EVENT = "event", _("事件")

    code = models.SlugField(
        _("编码"), max_length=50, unique=True, help_text=_("英文字母、数字和连字符；Open311 的 service_code")
    )
    name = models.CharField(_("名称"), max_length=50)
    klass = models.CharField(_("类别"), max_length=10, choices=Klass.choices)
    group = models.CharField(_("大类"), max_length=50, blank=True, help_text=_("如“市政公用设施”“市容环境”"))
    description = models.TextField(_("说明"), max_length=1000, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以逗号分隔，便于搜索"))
    is_public = models.BooleanField(_("公开"), default=True, help_text=_("公开的类别，其诉求在公开列表和地图上展示"))
    active = models.BooleanField(_("在用"), default=True)
    default_unit = models.ForeignKey(
        Unit,
        verbose_name=_("默认责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_case_categories",
    )
    use_paired_unit = models.BooleanField(
        _("由社区联点单位办理"), default=False, help_text=_("勾选后，默认派遣给问题所在社区的联点共建单位")
    )
    hours_urgent = models.PositiveIntegerField(
        _("紧急时限（小时）"), default=4, validators=[MinValueValidator(1), MaxValueValidator(24 * 365)]
    )
    hours_high = models.PositiveIntegerField(
        _("较急时限（小时）"), default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 365)]
    )
    hours_normal = models.PositiveIntegerField(
        _("一般时限（小时）"), default=72, validators=[MinValueValidator(1), MaxValueValidator(24 * 365)]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["klass", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def deadline_hours(self, priority: str) -> int:
        return {
            Priority.URGENT: self.hours_urgent,
            Priority.HIGH: self.hours_high,
        }.get(Priority(priority), self.hours_normal)

    def due_from(self, start: datetime.datetime, priority: str) -> datetime.datetime:
        """When a case of this category and ``priority`` is due, counting from ``start``."""
        return start + datetime.timedelta(hours=self.deadline_hours(priority))


def hash_follow_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Case(models.Model):
    """诉求: one reported problem and where it stands."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        REJECTED = "rejected", _("不予受理")
        DISPATCHED = "dispatched", _("已派遣")
        IN_PROGRESS = "in_progress", _("处置中")
        RESOLVED = "resolved", _("已处置")
        VERIFIED = "verified", _("核查通过")
        CLOSED = "closed", _("已结案")
        MERGED = "merged", _("已合并")

    class Source(models.TextChoices):
        PUBLIC = "public", _("群众上报")
        GRID = "grid", _("网格员上报")
        SURVEY = "survey", _("单位走访")
        STAFF = "staff", _("工作人员录入")
        API = "api", _("接口")
        OPEN311 = "open311", _("Open311")

    # Every new case adds a row to each index of this table, so it has only the indexes its reads
    # need: no index of a lone foreign key that a (key, status) index below starts with, none of
    # the low-cardinality status alone, none of the LIKE-pattern copies Django adds to unique text
    # (the unique ones are Meta constraints), and partial ones for keys that are mostly empty.
    number = models.CharField(_("编号"), max_length=20)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    priority = models.CharField(_("紧急程度"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("问题描述"), max_length=4000)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    lng = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    place = models.ForeignKey(Place, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="cases")
    # The community and district the place lies in, kept for scopes and filters.
    community = models.ForeignKey(
        Place, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="community_cases", db_index=False
    )
    district = models.ForeignKey(
        Place, verbose_name=_("区"), null=True, blank=True, on_delete=models.PROTECT, related_name="district_cases"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.PUBLIC)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
        db_index=False,
    )
    reporter_name = models.CharField(_("上报人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("电子邮箱"), max_length=120, blank=True)
    # SHA-256 of the reporter's private follow token; the token itself is only in their link.
    follow_token_hash = models.CharField(max_length=64, editable=False)
    me_too_count = models.PositiveIntegerField(_("“我也遇到”人数"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("满意度评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    due_at = models.DateTimeField(_("办理时限"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    # The deadline job's marks: each is set once, by a conditional UPDATE, so nobody is told twice.
    warned_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="case_community_status"),
            models.Index(fields=["unit", "status"], name="case_unit_status"),
            models.Index(fields=["category", "status"], name="case_category_status"),
            models.Index(fields=["reporter"], condition=models.Q(reporter__isnull=False), name="case_reporter"),
            models.Index(
                fields=["merged_into"], condition=models.Q(merged_into__isnull=False), name="case_merged_into"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["follow_token_hash"], name="case_follow_token_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    OPEN_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
    # Statuses that count as "not finished" for the public and for "me too" (resolved awaits checking).
    UNFINISHED_STATUSES = (*OPEN_STATUSES, Status.RESOLVED)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Overdue: still open past its deadline, or resolved after it."""
        if self.resolved_at is not None:
            return self.resolved_at > self.due_at
        if self.status in (self.Status.REJECTED, self.Status.MERGED):
            return False
        return (now or timezone.now()) > self.due_at

    @property
    def resolved_on_time(self) -> bool | None:
        return None if self.resolved_at is None else self.resolved_at <= self.due_at


def case_photo_path(instance: "CasePhoto", filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CasePhoto(models.Model):
    """A photo of a case: of the problem (before) or of the fix (after). Stored resized and with
    every metadata block (EXIF, GPS) removed, so the one stored copy is safe to show the public."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("问题照片")
        AFTER = "after", _("处置照片")

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices, default=Stage.BEFORE)
    image = models.ImageField(_("照片"), upload_to=case_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class CaseEvent(models.Model):
    """One step of a case's timeline: who did what, when, why, and the status it left."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("上报")
        ACCEPTED = "accepted", _("受理")
        REJECTED = "rejected", _("不予受理")
        DISPATCHED = "dispatched", _("派遣")
        REDISPATCHED = "redispatched", _("改派")
        STARTED = "started", _("开始处置")
        RESOLVED = "resolved", _("处置完毕")
        VERIFIED = "verified", _("核查通过")
        SENT_BACK = "sent_back", _("核查退回")
        CLOSED = "closed", _("结案")
        RATED = "rated", _("评价")
        REOPENED = "reopened", _("重新办理")
        MERGED = "merged", _("合并")
        DUPLICATE_JOINED = "duplicate_joined", _("并入重复诉求")
        RECATEGORISED = "recategorised", _("改类")
        ME_TOO = "me_too", _("我也遇到")
        WARNED = "warned", _("临期提醒")
        OVERDUE = "overdue", _("超期督办")

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
    )
    # How the actor appears on the public timeline: a role or unit, never a resident's name.
    actor_label = models.CharField(_("办理方"), max_length=100, blank=True)
    status = models.CharField(_("办理后状态"), max_length=12, choices=Case.Status.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["created_at", "id"]
        # Anonymous steps (a public report) have neither: only the rows that do are indexed.
        indexes = [
            models.Index(fields=["actor"], condition=models.Q(actor__isnull=False), name="caseevent_actor"),
            models.Index(fields=["unit"], condition=models.Q(unit__isnull=False), name="caseevent_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseSupport(models.Model):
    """A "me too" (我也遇到) on an open case, once per account or per client address a day."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    client_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("我也遇到")
        verbose_name_plural = _("我也遇到")
        constraints = [models.UniqueConstraint(fields=["case", "client_key"], name="case_support_once")]

    def __str__(self) -> str:
        return f"{self.case_id} +1"


class CaseNumberCounter(models.Model):
    """The day's last case number (``ZZ20230509`` + five digits), taken under a row lock."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
