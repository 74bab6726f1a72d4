from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit


class Volunteer(models.Model):
    """志愿者. Phone and ID number are stored encrypted (Fernet), with a keyed hash for uniqueness
    and lookup and a masked copy for every page but the volunteer's own."""

    class Source(models.TextChoices):
        SELF = "self", _("本人注册")
        ORGANISER = "organiser", _("组织方登记")
        IMPORT = "import", _("批量导入")

    name = models.CharField(_("姓名"), max_length=50)
    phone_encrypted = models.TextField(_("手机号（加密）"), editable=False)
    phone_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, editable=False)
    id_number_encrypted = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    is_party_member = models.BooleanField(_("在职党员"), default=False, db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="volunteers"
    )
    community = models.ForeignKey(
        Place,
        verbose_name=_("居住社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteers",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    # The district of the home community, kept by the service: compliance is grouped by it.
    district = models.ForeignKey(
        Place, verbose_name=_("区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.ORGANISER)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="volunteer_unique_id_number"
            ),
        ]
        # A covering index for the monthly compliance report: members grouped by unit and
        # district, read from the index alone (SQLite and PostgreSQL), never from the table.
        indexes = [
            models.Index(
                fields=["is_party_member", "unit", "district", "is_active", "created_at"], name="volunteer_party_groups"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """志愿服务队: a community's (or a unit's) standing team, with a leader."""

    name = models.CharField(_("队名"), max_length=100, unique=True)
    community = models.ForeignKey(
        Place,
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    leader = models.ForeignKey(
        Volunteer, verbose_name=_("队长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    members = models.ManyToManyField(Volunteer, verbose_name=_("队员"), blank=True, related_name="teams")
    description = models.TextField(_("简介"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("成立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    MICRO_SERVICE = "micro_service", _("文明实践微服务")
    CLEAN_UP = "clean_up", _("环境卫生清洁")
    PUBLICITY = "publicity", _("文明宣传")
    CIVIC_GUIDANCE = "civic_guidance", _("文明劝导")
    CARE = "care", _("关爱帮扶")
    OTHER = "other", _("其他")


class Activity(models.Model):
    """志愿服务活动, organised by a unit, a community or a team, held in a community."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices, db_index=True)
    organiser_unit = models.ForeignKey(
        Unit, verbose_name=_("组织单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    organiser_community = models.ForeignKey(
        Place,
        verbose_name=_("组织社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_activities",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    organiser_team = models.ForeignKey(
        Team, verbose_name=_("组织服务队"), null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    community = models.ForeignKey(
        Place,
        verbose_name=_("服务社区"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    place = models.ForeignKey(
        Place, verbose_name=_("地点"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("集合地点"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(
        _("招募人数"), validators=[MinValueValidator(1), MaxValueValidator(10000)], default=20
    )
    description = models.TextField(_("活动内容"), max_length=4000, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after"),
            models.CheckConstraint(
                condition=models.Q(organiser_unit__isnull=False)
                | models.Q(organiser_community__isnull=False)
                | models.Q(organiser_team__isnull=False),
                name="activity_has_organiser",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser_name(self) -> str:
        if self.organiser_team_id and self.organiser_team:
            return self.organiser_team.name
        if self.organiser_unit_id and self.organiser_unit:
            return self.organiser_unit.display_name
        return self.organiser_community.name if self.organiser_community else ""


class Signup(models.Model):
    """A volunteer's place on an activity: confirmed, on the waitlist (promoted in order), cancelled
    or recorded as a no-show. Rows are never deleted."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITLISTED = "waitlisted", _("候补")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("缺席")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, db_index=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报名操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField(_("转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("取消操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=~models.Q(status="cancelled"),
                name="signup_once_per_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.activity}"


class ServiceRecord(models.Model):
    """服务记录: one stretch of service, from check-in to check-out, and its hours once approved.

    Hours are never negative and one person's records never overlap (checked by the service under
    a lock on the volunteer). Declined records keep their reason; nothing is deleted."""

    class Status(models.TextChoices):
        OPEN = "open", _("已签到")
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已认定")
        DECLINED = "declined", _("未认定")

    class Method(models.TextChoices):
        QR = "qr", _("扫码")
        ORGANISER = "organiser", _("组织方登记")
        RETROACTIVE = "retroactive", _("事后补录")

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="records")
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    # Where the service was given (the activity's community): the monthly rule counts service in a community.
    community = models.ForeignKey(
        Place,
        verbose_name=_("服务社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    checked_in_at = models.DateTimeField(_("签到时间"))
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_in_method = models.CharField(_("签到方式"), max_length=12, choices=Method.choices)
    check_out_method = models.CharField(_("签退方式"), max_length=12, choices=Method.choices, blank=True)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("服务内容"), max_length=200, blank=True)
    decline_reason = models.CharField(_("不予认定的理由"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="record_hours_not_negative"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="record_out_after_in",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""), name="record_declined_has_reason"
            ),
            models.UniqueConstraint(
                fields=["volunteer", "activity"],
                condition=models.Q(activity__isnull=False) & ~models.Q(status="declined"),
                name="record_once_per_activity",
            ),
        ]
        indexes = [
            # The monthly compliance report: a month's records and whom they count for, from the index alone.
            models.Index(fields=["checked_in_at", "volunteer", "community", "status"], name="record_month_covering"),
            models.Index(fields=["volunteer", "checked_in_at"], name="record_volunteer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.checked_in_at:%Y-%m-%d}"


class RecordEntry(models.Model):
    """The other parts of a volunteer's record under 民政部令第67号: training, commendations, evaluations."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("培训")
        COMMENDATION = "commendation", _("表彰奖励")
        EVALUATION = "evaluation", _("评价")

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类别"), max_length=14, choices=Kind.choices)
    happened_on = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=100)
    issuer = models.CharField(_("组织或评价单位"), max_length=100, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务记录条目")
        verbose_name_plural = _("志愿服务记录条目")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class HourRule(models.Model):
    """How hours are counted: rounded down to a step and capped per record. One row, edited by the
    city admin; :func:`gongjian.volunteers.selectors.hour_rule_current` gives the defaults until then."""

    round_to_minutes = models.PositiveSmallIntegerField(
        _("取整单位（分钟）"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("服务时长向下取整到该分钟数的整数倍"),
    )
    cap_hours = models.DecimalField(
        _("单次最多认定（小时）"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("8"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    checkout_grace_minutes = models.PositiveSmallIntegerField(
        _("活动结束后可签退（分钟）"), default=60, validators=[MaxValueValidator(720)]
    )
    early_check_in_minutes = models.PositiveSmallIntegerField(
        _("活动开始前可签到（分钟）"), default=30, validators=[MaxValueValidator(240)]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("时长认定规则")
        verbose_name_plural = _("时长认定规则")

    def __str__(self) -> str:
        return str(_("时长认定规则"))


class Statement(models.Model):
    """A PDF statement of a volunteer's approved hours over a period, with a code anyone can check."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="statements"
    )
    code = models.CharField(_("验证码"), max_length=16, unique=True)
    period_from = models.DateField(_("起始日期"))
    period_to = models.DateField(_("截止日期"))
    hours = models.DecimalField(_("认定时长（小时）"), max_digits=8, decimal_places=2)
    record_count = models.PositiveIntegerField(_("服务次数"))
    file = models.FileField(_("文件"), upload_to="volunteer-statements/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开具人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("开具时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务时长证明")
        verbose_name_plural = _("服务时长证明")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code


class ComplianceReminder(models.Model):
    """One reminder sent for a month, to a party member or to a unit's liaisons: kept so that the
    reminder command can run every day of the month's last week and send each reminder once."""

    month = models.DateField(_("月份"))
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("未服务提醒")
        verbose_name_plural = _("未服务提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "volunteer"], condition=models.Q(volunteer__isnull=False), name="reminder_volunteer"
            ),
            models.UniqueConstraint(
                fields=["month", "unit"], condition=models.Q(volunteer__isnull=True), name="reminder_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.volunteer or self.unit}"
