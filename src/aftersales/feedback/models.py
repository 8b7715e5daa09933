"""Customer voice: complaints (投诉), the callback programme (电话询检 / 回访), satisfaction
surveys (《客户满意度调查函》) and service supervision's quality checks (seed 001)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")


class Department(models.TextChoices):
    """The unit a complaint or a callback problem is sent to for its answer."""

    SERVICE = "service", _("Service department")
    TECHNICAL = "technical", _("Technical centre")
    SPARE_PARTS = "spare_parts", _("Spare parts and RMA")
    FIELD = "field", _("Field engineering")
    SALES = "sales", _("Sales")
    LOGISTICS = "logistics", _("Logistics and delivery")


# --- complaints ------------------------------------------------------------------------------


class ComplaintStatus(models.TextChoices):
    # The tracking sheet is with the responsible department, waiting for its answer.
    SENT = "sent", pgettext_lazy("complaint", "Sent to the department")
    ANSWERED = "answered", pgettext_lazy("complaint", "Answered")
    RESOLVED = "resolved", pgettext_lazy("complaint", "Result recorded")
    VERIFIED = "verified", pgettext_lazy("complaint", "Verified satisfied")
    CLOSED = "closed", pgettext_lazy("complaint", "Closed")


COMPLAINT_OPEN_STATUSES = ("sent", "answered", "resolved", "verified")


class ComplaintEventKind(models.TextChoices):
    RECEIVED = "complaint_received", _("Complaint received")
    SENT = "complaint_sent", _("Tracking sheet sent to the department")
    ANSWERED = "complaint_answered", _("Department answered")
    INFORMED = "complaint_informed", _("Customer told the answer")
    RESOLVED = "complaint_resolved", _("Result and corrective actions recorded")
    VERIFIED = "complaint_verified", _("Verified with the customer")
    RESENT = "complaint_resent", _("Re-sent: customer not satisfied")
    CLOSED = "complaint_closed", _("Complaint closed")
    NOTICE = "notice", _("Notice")


class ComplaintCounter(models.Model):
    """The last complaint number handed out per local day (core.numbering)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Complaint(models.Model):
    """A complaint and its tracking sheet (《投诉跟踪单》), kept by the complaint officers."""

    number = models.CharField(_("complaint number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    # The complainant: a known contact, or a name and phone as given on the call.
    contact = models.ForeignKey(
        "registry.Contact",
        verbose_name=_("complainant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complainant_name = models.CharField(_("complainant's name"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=40, blank=True)
    # Only complaint officers see who complained when the customer asks for anonymity.
    anonymous = models.BooleanField(_("anonymous"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    text = models.TextField(_("complaint"))
    department = models.CharField(
        _("responsible department"),
        max_length=16,
        choices=Department.choices,
        default=Department.SERVICE,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.SENT
    )
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("linked cases"), blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("department's answer"), blank=True)
    informed_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    customer_accepted = models.BooleanField(_("customer accepted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    corrective_actions = models.TextField(_("corrective actions"), blank=True)
    accountable = models.CharField(_("accountable person"), max_length=100, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    resent_count = models.PositiveIntegerField(_("times re-sent"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("complaint officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The earliest due moment of a running promise: the queue's order.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("handle_complaint", _("Can receive, send, verify and close complaints")),
            ("answer_complaint", _("Can record a department's answer and result")),
            ("see_complainant", _("Can see an anonymous complainant")),
        ]
        indexes = [
            models.Index(
                fields=["next_due_at"],
                name="complaint_open_by_next_due",
                condition=~Q(status="closed"),
            ),
            models.Index(fields=["customer", "received_at"], name="complaint_customer_received"),
            models.Index(fields=["received_at"], name="complaint_received"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != ComplaintStatus.CLOSED


# --- callbacks -------------------------------------------------------------------------------


class CallbackKind(models.TextChoices):
    WARRANTY_QUARTERLY = "warranty_quarterly", _("Accepted equipment in warranty, every quarter")
    COMMISSIONED_MONTHLY = (
        "commissioned_monthly",
        _("Equipment commissioned or accepted this month"),
    )
    ONSITE_MONTHLY = "onsite_monthly", _("This month's onsite supports")
    AFTER_CASE = "after_case", _("After each closed case")


class CallbackRule(models.Model):
    """Which callbacks are due, as data (domain.md "Customer voice"); editable in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=CallbackKind.choices)
    # The share of the population to call: the promise is 100 %.
    coverage_percent = models.PositiveSmallIntegerField(_("coverage (%)"), default=100)
    # After-case callbacks fall due this many days after the case is closed.
    days_after = models.PositiveSmallIntegerField(_("days after closing"), default=3)
    script = models.TextField(_("call script"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("callback rule")
        verbose_name_plural = _("callback rules")

    def __str__(self) -> str:
        return self.name


class CallbackStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("callback", "Due")
    RETRY = "retry", pgettext_lazy("callback", "Not reached, retry planned")
    DONE = "done", pgettext_lazy("callback", "Done")
    REFUSED = "refused", pgettext_lazy("callback", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("callback", "Cancelled")


CALLBACK_OPEN_STATUSES = ("due", "retry")


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    REFUSED = "refused", _("Refused")


class CallbackEventKind(models.TextChoices):
    LISTED = "callback_listed", _("Put on the call list")
    ATTEMPTED = "callback_attempted", _("Call attempted")
    DONE = "callback_done", _("Callback done")
    REFUSED = "callback_refused", _("Callback refused")
    ITEM_RAISED = "callback_item_raised", _("Problem raised")
    ITEM_SOLVED = "callback_item_solved", _("Department's solution recorded")
    ITEM_TOLD = "callback_item_told", _("Solution told to the customer")
    ITEM_RESENT = "callback_item_resent", _("Re-sent as a key problem")
    ITEM_CLOSED = "callback_item_closed", _("Problem closed, customer satisfied")
    NOTICE = "notice", _("Notice")


class Callback(models.Model):
    """One call on the list: a rule's due callback to a customer about an asset or a case."""

    rule = models.ForeignKey(
        CallbackRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="callbacks"
    )
    # "2026-12" for a month, "2026-Q4" for a quarter: the period the rule's 100 % is counted in.
    period = models.CharField(_("period"), max_length=8)
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    asset = models.ForeignKey(
        "registry.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=CallbackStatus.choices, default=CallbackStatus.DUE
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Ratings heard on the call, 1–5 (satisfaction overall, and with the engineer's service).
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    engineer_rating = models.PositiveSmallIntegerField(
        _("engineer's service (1–5)"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        permissions = [
            ("work_callback", _("Can make callbacks and record their outcome")),
            ("generate_callbacks", _("Can build the call list")),
            ("solve_callback_item", _("Can record a department's solution to a problem")),
        ]
        constraints = [
            # The generator inserts set-based and skips what exists: these make it idempotent.
            models.UniqueConstraint(
                fields=["rule", "period", "asset"],
                condition=Q(asset__isnull=False),
                name="callback_once_per_asset_and_period",
            ),
            models.UniqueConstraint(
                fields=["rule", "case"],
                condition=Q(case__isnull=False),
                name="callback_once_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="callback_period_status"),
            models.Index(
                fields=["due_on"],
                name="callback_open_by_due",
                condition=Q(status__in=["due", "retry"]),
            ),
            models.Index(fields=["customer", "period"], name="callback_customer_period"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.period} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in CALLBACK_OPEN_STATUSES


class CallbackAttempt(models.Model):
    """One call made: its outcome, and the retry planned when nobody answered."""

    callback = models.ForeignKey(
        Callback, verbose_name=_("callback"), on_delete=models.PROTECT, related_name="calls"
    )
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallbackOutcome.choices)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")

    def __str__(self) -> str:
        return f"{self.callback_id} {self.at:%Y-%m-%d %H:%M} {self.outcome}"


class CallbackItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("callback item", "With the department")
    SOLVED = "solved", pgettext_lazy("callback item", "Solution recorded")
    TOLD = "told", pgettext_lazy("callback item", "Told to the customer")
    CLOSED = "closed", pgettext_lazy("callback item", "Closed, customer satisfied")


class CallbackItemCounter(models.Model):
    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class CallbackItem(models.Model):
    """A problem raised on a callback, tracked for the responsible department until the
    customer confirms satisfaction; re-sent items are key problems (重点问题)."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    callback = models.ForeignKey(
        Callback, verbose_name=_("callback"), on_delete=models.PROTECT, related_name="items"
    )
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("problem"))
    department = models.CharField(
        _("responsible department"),
        max_length=16,
        choices=Department.choices,
        default=Department.SERVICE,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CallbackItemStatus.choices,
        default=CallbackItemStatus.OPEN,
    )
    key_problem = models.BooleanField(_("key problem (重点问题)"), default=False)
    resent_count = models.PositiveIntegerField(_("times re-sent"), default=0)
    raised_at = models.DateTimeField(_("raised at"))
    solution = models.TextField(_("solution"), blank=True)
    solved_at = models.DateTimeField(_("solution recorded at"), null=True, blank=True)
    told_at = models.DateTimeField(_("told to the customer at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("callback problem")
        verbose_name_plural = _("callback problems")
        indexes = [
            models.Index(
                fields=["next_due_at"],
                name="callback_item_open_by_due",
                condition=~Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != CallbackItemStatus.CLOSED


# --- surveys ---------------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")
    NPS = "nps", _("Recommendation 0–10 (NPS)")


class Dimension(models.TextChoices):
    RESPONSE_SPEED = "response_speed", _("Response speed")
    RESOLUTION = "resolution", _("Resolution efficiency")
    EXPERTISE = "expertise", _("Expertise")
    ATTITUDE = "attitude", _("Service attitude")
    ENGINEERING = "engineering", _("Engineering standards")
    OVERALL = "overall", _("Overall satisfaction")


class SurveyTemplate(models.Model):
    """A versioned questionnaire; a new version is a new row, so old answers keep their text."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="survey_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class SurveyQuestion(models.Model):
    template = models.ForeignKey(
        SurveyTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)
    dimension = models.CharField(
        _("dimension"), max_length=16, choices=Dimension.choices, blank=True
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="survey_question_order"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyReason(models.TextChoices):
    AFTER_CASE = "after_case", _("After a closed case")
    QUARTERLY = "quarterly", _("Quarterly")


class SurveyEventKind(models.TextChoices):
    SENT = "survey_sent", _("Survey sent")
    REMINDED = "survey_reminded", _("Survey reminder sent")
    ANSWERED = "survey_answered", _("Survey answered")
    FOLLOW_UP = "survey_follow_up", _("Low score: follow-up opened")
    FOLLOW_UP_CLOSED = "survey_follow_up_closed", _("Follow-up closed")
    NOTICE = "notice", _("Notice")


class SurveyInvitation(models.Model):
    """One survey sent to a customer's contact: opened by a single-use signed link, no login."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=SurveyReason.choices)
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "registry.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The engineer whose work is rated (the case's assignee): feeds the appraisal.
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # "2026-Q4" for quarterly surveys; blank after a case.
    period = models.CharField(_("period"), max_length=8, blank=True)
    # A random nonce inside the signed token: the link names it, the row can be found by it and
    # a new link (after expiry) replaces it, so an old link stops working.
    nonce = models.CharField(max_length=32, unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Summaries of the answer, for reports without reading every answer row.
    score = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    nps = models.PositiveSmallIntegerField(_("recommendation (0–10)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        permissions = [
            ("send_survey", _("Can send a survey link")),
            ("view_survey_results", _("Can see survey results")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="survey_once_per_case"
            ),
            models.UniqueConstraint(
                fields=["customer", "period"],
                condition=Q(reason="quarterly"),
                name="survey_once_per_customer_quarter",
            ),
        ]
        indexes = [
            models.Index(fields=["answered_at"], name="survey_answered"),
            models.Index(fields=["customer", "sent_at"], name="survey_customer_sent"),
            models.Index(fields=["engineer", "answered_at"], name="survey_engineer_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.customer_id} #{self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class SurveyAnswer(models.Model):
    invitation = models.ForeignKey(
        SurveyInvitation,
        verbose_name=_("survey"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    # One of these is set, by the question's kind (rating/NPS, yes/no, choice, free text).
    number = models.SmallIntegerField(_("rating"), null=True, blank=True)
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["invitation", "question__order"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"], name="survey_answer_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id}/{self.question_id}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up", "Open")
    CLOSED = "closed", pgettext_lazy("follow-up", "Closed")


class SurveyFollowUp(models.Model):
    """A low score's follow-up for the customer's service manager."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("survey"),
        on_delete=models.PROTECT,
        related_name="follow_up",
    )
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")
        indexes = [models.Index(fields=["status", "opened_at"], name="follow_up_status")]

    def __str__(self) -> str:
        return f"{self.invitation_id}: {self.reason}"


class SurveySettings(models.Model):
    """One row: when surveys go out and which score opens a follow-up; editable in the admin."""

    low_score = models.PositiveSmallIntegerField(
        _("a rating at or below this opens a follow-up"), default=2
    )
    link_days = models.PositiveSmallIntegerField(_("link valid for (days)"), default=14)
    reminder_days = models.PositiveSmallIntegerField(_("reminder after (days)"), default=5)
    after_case = models.BooleanField(_("send after every closed case"), default=True)
    quarterly = models.BooleanField(_("send quarterly to every active customer"), default=True)

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


# --- service supervision ---------------------------------------------------------------------


class CheckMethod(models.TextChoices):
    MYSTERY = "mystery", _("Mystery customer (伪装客户抽检)")
    COUNTER = "counter", _("Counter-supervision (反监督)")
    REVIEW = "review", _("Record review")


class CheckSubject(models.TextChoices):
    CASE = "case", _("Closed case")
    CALLBACK = "callback", _("Callback")


class QualityCheck(models.Model):
    """A sampled quality check of a closed case or a callback, with its score and the person
    checked (seed 001, 服务监督)."""

    subject_kind = models.CharField(_("checked"), max_length=10, choices=CheckSubject.choices)
    subject_id = models.BigIntegerField(_("subject"))
    customer = models.ForeignKey(
        "registry.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=10, choices=CheckMethod.choices)
    score = models.PositiveSmallIntegerField(_("score (0–100)"))
    person_checked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person checked"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    findings = models.TextField(_("findings"), blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")
        indexes = [
            models.Index(fields=["subject_kind", "subject_id"], name="quality_check_subject"),
            models.Index(fields=["person_checked", "checked_at"], name="quality_check_person"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_id}: {self.score}"
