from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjian.pairings.models import Campaign, Pairing

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class WorkArea(models.TextChoices):
    """五大任务: the five work areas every plan item falls under."""

    COMMUNITY_BUILDING = "community_building", _("推进社区建设")
    SOCIAL_GOVERNANCE = "social_governance", _("创新社会治理")
    VOLUNTEER_SERVICE = "volunteer_service", _("开展志愿服务")
    CIVIC_VIRTUE = "civic_virtue", _("倡树文明新风")
    PUBLICITY = "publicity", _("营造宣传氛围")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待社区确认")
    RETURNED = "returned", _("已退回修改")
    AGREED = "agreed", _("社区已同意")
    APPROVED = "approved", _("市文明办已批准")


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class Plan(models.Model):
    """共建工作实施方案: one per pairing (and so one per unit per campaign)."""

    pairing = models.OneToOneField(
        Pairing, verbose_name=_("联点共建关系"), on_delete=models.PROTECT, related_name="plan"
    )
    title = models.CharField(_("方案名称"), max_length=150)
    basis = models.TextField(_("工作依据"), max_length=4000, blank=True)
    goals = models.TextField(_("工作目标"), max_length=4000, blank=True)
    safeguards = models.TextField(_("保障措施"), max_length=4000, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    revision = models.PositiveSmallIntegerField(_("已提交次数"), default=0, editable=False)
    review_comment = models.TextField(_("社区意见"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("社区同意时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("共建工作实施方案")
        verbose_name_plural = _("共建工作实施方案")
        ordering = ["pairing__campaign", "pairing__unit_id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """Items and text change only before the community has the plan (or after it was returned)."""
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class PlanItem(models.Model):
    """One piece of work in a plan, under one of the five work areas."""

    plan = models.ForeignKey(Plan, verbose_name=_("实施方案"), on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("工作任务"), max_length=24, choices=WorkArea.choices)
    title = models.CharField(_("工作内容"), max_length=200)
    target = models.CharField(_("工作目标"), max_length=300, blank=True)
    budget = models.DecimalField(_("预算（元）"), default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    due_on = models.DateField(_("完成时限"))
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("完成进度（%）"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(_("进展状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("方案事项")
        verbose_name_plural = _("方案事项")
        ordering = ["plan", "area", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="plan_item_budget_not_negative"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="plan_item_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def on_time(self) -> bool:
        return self.status == ItemStatus.DONE and self.completed_on is not None and self.completed_on <= self.due_on


class PlanRevision(models.Model):
    """What a plan said when it was submitted: the n-th submission, kept for comparison."""

    plan = models.ForeignKey(Plan, verbose_name=_("实施方案"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("第几稿"))
    snapshot = models.JSONField(_("方案内容"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    outcome = models.CharField(_("结果"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED)
    outcome_comment = models.TextField(_("意见"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("方案修订稿")
        verbose_name_plural = _("方案修订稿")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.number}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完工")


class Project(models.Model):
    """A named piece of work a unit carries out in its community (e.g. 北岭社区 下水管道改造)."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("联点共建关系"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("项目名称"), max_length=150)
    description = models.TextField(_("项目内容"), max_length=4000, blank=True)
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("对应方案事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    budget = models.DecimalField(_("预算（元）"), default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    spent = models.DecimalField(_("已投入（元）"), default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    status = models.CharField(_("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("解决的诉求"), blank=True, related_name="cobuilding_projects"
    )
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("共建项目")
        verbose_name_plural = _("共建项目")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="project_budget_not_negative"),
            models.CheckConstraint(condition=models.Q(spent__gte=0), name="project_spent_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("改造前")
    AFTER = "after", _("改造后")


def project_photo_path(instance: "ProjectPhoto", filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class ProjectPhoto(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("共建项目"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    image = models.ImageField(_("照片"), upload_to=project_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["stage", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""


class ContributionKind(models.TextChoices):
    MONEY = "money", _("资金")
    VOLUNTEERS = "volunteers", _("人力")
    MATERIALS = "materials", _("物资")


class Contribution(models.Model):
    """投入台账: one entry of money, volunteer person-times or materials a unit put into its community."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("联点共建关系"), on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=ContributionKind.choices)
    made_on = models.DateField(_("日期"), db_index=True)
    amount = models.DecimalField(_("金额（元）"), default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    person_times = models.PositiveIntegerField(_("人次"), default=0, validators=[MaxValueValidator(100_000)])
    material = models.CharField(_("物资名称"), max_length=100, blank=True)
    quantity = models.DecimalField(
        _("数量"), max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    measure = models.CharField(_("计量单位"), max_length=10, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("方案事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("共建项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("投入台账")
        verbose_name_plural = _("投入台账")
        ordering = ["-made_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="contribution_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="contribution_quantity_not_negative"),
        ]
        indexes = [models.Index(fields=["pairing", "kind"], name="contribution_pairing_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.made_on:%Y-%m-%d}"


class CommendationKind(models.TextChoices):
    PENNANT = "pennant", _("锦旗")
    LETTER = "letter", _("感谢信")
    OTHER = "other", _("其他表扬")


def commendation_photo_path(instance: "Commendation", filename: str) -> str:
    return f"commendations/{instance.pairing_id}/{filename}"


class Commendation(models.Model):
    """锦旗/感谢信: a community's thanks to the unit it is paired with."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("联点共建关系"), on_delete=models.PROTECT, related_name="commendations"
    )
    kind = models.CharField(
        _("类别"), max_length=10, choices=CommendationKind.choices, default=CommendationKind.PENNANT
    )
    text = models.CharField(_("内容"), max_length=500)
    given_on = models.DateField(_("日期"))
    given_by = models.CharField(_("赠送人"), max_length=100, blank=True)
    photo = models.ImageField(
        _("照片"),
        upload_to=commendation_photo_path,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(default=0, editable=False)
    photo_height = models.PositiveIntegerField(default=0, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表扬")
        verbose_name_plural = _("表扬")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text}"


class ScoreWeight(models.Model):
    """The weight the city admin gives one scorecard part in one campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("共建活动"), on_delete=models.CASCADE, related_name="score_weights"
    )
    part = models.CharField(_("评分项"), max_length=50)
    weight = models.DecimalField(
        _("分值"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分权重")
        verbose_name_plural = _("评分权重")
        ordering = ["campaign", "part"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "part"], name="score_weight_once_per_part"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="score_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.part} = {self.weight}"
