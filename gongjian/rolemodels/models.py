"""先进典型: nominations, review, public like-and-comment rounds (点赞评议) and their votes.

A vote is its own row. The per-day limits are held by the database itself: each vote takes a
numbered *slot* among the voter's votes for that candidate that day and another among all their
votes that day; both numbers are unique per (round, voter, [candidate,] day) and CHECKed against
the limits copied onto the row, so no interleaving of requests can store one vote too many.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.places.models import Place, PlaceKind
from gongjian.units.models import Unit

# Highest per-day limit a round may set: a bound for the slot CHECKs.
MAX_DAILY_VOTES = 50


class Category(models.TextChoices):
    CIVILIZED_BUILDING = "building", _("文明楼栋")
    CIVILIZED_FAMILY = "family", _("文明家庭")
    BEST_NEIGHBOUR = "neighbour", _("最美邻居")
    HELPING_OTHERS = "helping", _("助人为乐")
    BRAVERY = "bravery", _("见义勇为")
    HONESTY = "honesty", _("诚实守信")
    DEDICATION = "dedication", _("敬业奉献")
    FILIAL_PIETY = "filial", _("孝老爱亲")


GOOD_PERSON_CATEGORIES = frozenset(
    {Category.HELPING_OTHERS, Category.BRAVERY, Category.HONESTY, Category.DEDICATION, Category.FILIAL_PIETY}
)


class NominatorKind(models.TextChoices):
    COMMUNITY = "community", _("社区推荐")
    UNIT = "unit", _("单位推荐")
    RESIDENT = "resident", _("居民推荐")


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("未通过")
    APPROVED = "approved", _("已通过")


class Nomination(models.Model):
    """A nomination of a person, family or building; once the city office approves it, it is a
    candidate with a public page."""

    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    nominee_name = models.CharField(_("被推荐人（对象）"), max_length=60)
    headline = models.CharField(_("事迹标题"), max_length=100)
    story = models.TextField(_("事迹"), max_length=5000)
    community = models.ForeignKey(
        Place,
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    nominator_kind = models.CharField(_("推荐方式"), max_length=20, choices=NominatorKind.choices)
    nominator_unit = models.ForeignKey(
        Unit, verbose_name=_("推荐单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominator_community = models.ForeignKey(
        Place, verbose_name=_("推荐社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_given = models.BooleanField(_("本人同意"), default=False)
    consent_method = models.CharField(_("同意方式"), max_length=100)
    consent_recorded_at = models.DateTimeField(_("同意记录时间"))
    status = models.CharField(
        _("状态"), max_length=20, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED
    )
    review_reason = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("先进典型推荐")
        verbose_name_plural = _("先进典型推荐")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(consent_given=True), name="nomination_has_consent"),
            models.CheckConstraint(
                condition=(
                    models.Q(nominator_kind="unit", nominator_unit__isnull=False)
                    | models.Q(nominator_kind="community", nominator_community__isnull=False)
                    | models.Q(nominator_kind="resident")
                ),
                name="nomination_nominator_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name}（{self.get_category_display()}）"

    @property
    def is_candidate(self) -> bool:
        return self.status == NominationStatus.APPROVED

    @property
    def nominator_label(self) -> str:
        if self.nominator_kind == NominatorKind.UNIT and self.nominator_unit:
            return self.nominator_unit.display_name
        if self.nominator_kind == NominatorKind.COMMUNITY and self.nominator_community:
            return self.nominator_community.name
        return str(self.get_nominator_kind_display())


def nomination_photo_path(instance: "NominationPhoto", filename: str) -> str:
    return f"rolemodels/{instance.nomination_id}/{filename}"


class NominationPhoto(models.Model):
    nomination = models.ForeignKey(Nomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=nomination_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事迹照片")
        verbose_name_plural = _("事迹照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class Round(models.Model):
    """点赞评议: a public round over some categories and candidates, open between two times."""

    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), max_length=4000, blank=True)
    community = models.ForeignKey(
        Place,
        verbose_name=_("社区（留空为全市）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    categories = models.JSONField(_("类别"), default=list)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    votes_per_candidate_per_day = models.PositiveSmallIntegerField(
        _("每人每天对每位候选人可点赞次数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAILY_VOTES)],
    )
    votes_per_day = models.PositiveSmallIntegerField(
        _("每人每天可点赞总次数"), default=10, validators=[MinValueValidator(1), MaxValueValidator(MAX_DAILY_VOTES)]
    )
    show_counts_while_open = models.BooleanField(_("评议期间公开票数"), default=True)
    results_published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("点赞评议")
        verbose_name_plural = _("点赞评议")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="round_times_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]

    def has_closed(self, now: object = None) -> bool:
        now = now or timezone.now()
        return now >= self.closes_at  # type: ignore[operator]

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class RoundCandidate(models.Model):
    """A candidate in a round, with the counts last recomputed from the vote rows."""

    round = models.ForeignKey(Round, verbose_name=_("点赞评议"), on_delete=models.CASCADE, related_name="entries")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="round_entries"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # Recomputed from the rows (never incremented per vote): counted votes, quarantined votes.
    votes = models.PositiveIntegerField(_("有效票数"), default=0)
    excluded_votes = models.PositiveIntegerField(_("剔除票数"), default=0)
    counted_at = models.DateTimeField(_("统计时间"), null=True, blank=True)
    final_rank = models.PositiveSmallIntegerField(_("类别内名次"), null=True, blank=True)

    class Meta:
        verbose_name = _("评议候选人")
        verbose_name_plural = _("评议候选人")
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination"], name="round_candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.nomination.nominee_name}"


class Voter(models.Model):
    """A phone-verified account allowed to vote. The phone is kept only as a keyed hash (HMAC with
    ROLEMODELS_PHONE_KEY); one account per phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="voter"
    )
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, unique=True, editable=False)
    phone_hint = models.CharField(_("手机号尾号"), max_length=4, blank=True)
    verified_at = models.DateTimeField(_("验证时间"))
    created_ip = models.GenericIPAddressField(_("验证地址"), null=True, blank=True)
    device_hash = models.CharField(_("设备摘要"), max_length=64, blank=True, db_index=True)
    is_blocked = models.BooleanField(_("已停用"), default=False)

    class Meta:
        verbose_name = _("验证投票人")
        verbose_name_plural = _("验证投票人")
        ordering = ["-verified_at"]

    def __str__(self) -> str:
        return f"{self.user} ·{self.phone_hint}"


class PhoneCode(models.Model):
    """A one-time code sent to a phone: stored hashed, expiring, with its failed attempts counted."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone_hash[:8]} {self.created_at:%Y-%m-%d %H:%M}"


class Quarantine(models.Model):
    """The office's decision to set aside a group of votes, with its reason (audited)."""

    round = models.ForeignKey(Round, verbose_name=_("点赞评议"), on_delete=models.CASCADE, related_name="quarantines")
    reason = models.CharField(_("理由"), max_length=500)
    finding = models.CharField(_("异常类型"), max_length=40, blank=True)
    vote_count = models.PositiveIntegerField(_("票数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    released_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("隔离票")
        verbose_name_plural = _("隔离票")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round} · {self.vote_count} · {self.reason[:30]}"


class Vote(models.Model):
    """One like (点赞). Never updated except to set or clear its quarantine; never deleted."""

    # No database-level foreign keys: PostgreSQL would take a KEY SHARE lock on the round's and the
    # candidate's rows for every vote of a crowd (a hot spot), and dirty the voter's row with one.
    # The vote path checks the round and candidate against the round's settings and takes the
    # voter from a signed token; Django's PROTECT keeps all three from being deleted.
    # No index of their own either: every read goes by round, through the unique constraints'
    # indexes (round first), and each index is one more write on every vote.
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="votes", db_constraint=False, db_index=False
    )
    candidate = models.ForeignKey(
        RoundCandidate, on_delete=models.PROTECT, related_name="vote_rows", db_constraint=False, db_index=False
    )
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="votes", db_constraint=False, db_index=False
    )
    day = models.DateField()
    # This vote's number among the voter's votes for this candidate this day, and among all their
    # votes this day; with the limits copied from the round, CHECKed below.
    candidate_slot = models.PositiveSmallIntegerField()
    day_slot = models.PositiveSmallIntegerField()
    candidate_limit = models.PositiveSmallIntegerField()
    day_limit = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    quarantine = models.ForeignKey(
        Quarantine, null=True, blank=True, on_delete=models.SET_NULL, related_name="votes", db_index=False
    )

    class Meta:
        verbose_name = _("点赞记录")
        verbose_name_plural = _("点赞记录")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter", "candidate", "day", "candidate_slot"], name="vote_candidate_slot_once"
            ),
            models.UniqueConstraint(fields=["round", "voter", "day", "day_slot"], name="vote_day_slot_once"),
            models.CheckConstraint(
                condition=models.Q(candidate_slot__lt=models.F("candidate_limit"), day_slot__lt=models.F("day_limit")),
                name="vote_within_daily_limits",
            ),
            models.CheckConstraint(
                condition=models.Q(candidate_limit__lte=MAX_DAILY_VOTES, day_limit__lte=MAX_DAILY_VOTES),
                name="vote_limits_bounded",
            ),
        ]
        # Reads by round use the unique constraints' indexes (round first). The quarantined few are
        # found through a partial index, which a new (unquarantined) vote does not write to.
        indexes = [
            models.Index(fields=["quarantine"], condition=models.Q(quarantine__isnull=False), name="vote_quarantined")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.candidate_id} {self.day}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("未通过")


class Comment(models.Model):
    """评议: a voter's comment on a candidate, shown once the office approves it."""

    round = models.ForeignKey(Round, verbose_name=_("点赞评议"), on_delete=models.CASCADE, related_name="comments")
    candidate = models.ForeignKey(
        RoundCandidate, verbose_name=_("候选人"), on_delete=models.CASCADE, related_name="comments"
    )
    voter = models.ForeignKey(Voter, verbose_name=_("评议人"), on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("评议内容"), max_length=500)
    status = models.CharField(_("状态"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    moderation_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评议")
        verbose_name_plural = _("评议")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:30]

    @property
    def author_label(self) -> str:
        """The commenter as shown to the public: the first character of the name, the rest masked."""
        name = str(self.voter.user) or "网友"
        return f"{name[0]}**"
