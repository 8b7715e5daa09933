"""The one timeline (architecture rule 3): every action on every subject of every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.subjects import changes_labelled, kind_label, subject_kind_of, subject_label


class ActivityQuerySet(models.QuerySet):
    def of(self, subject: models.Model) -> ActivityQuerySet:
        """The rows of one subject (a case, a repair order, a customer, a contract...)."""
        return self.filter(subject_kind=subject_kind_of(subject), subject_id=subject.pk)


class Activity(models.Model):
    """One action on one subject, written by its service in the same transaction (rule 3).

    The subject is (subject_kind, subject_id) rather than a foreign key so that every app's
    subjects share one table and one reader; `customer_id` is copied for scoping and reports.
    """

    subject_kind = models.CharField(_("subject kind"), max_length=20)
    subject_id = models.BigIntegerField(_("subject"))
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Timelines are read by subject; an index per actor would tax every write for a
        # report nobody runs yet.
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=30)
    text = models.TextField(_("text"), blank=True)
    internal = models.BooleanField(_("internal note"), default=False)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # {field: [old, new]}
    data = models.JSONField(default=dict, blank=True)  # kind-specific details (vendor, amount...)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["at", "id"]
        indexes = [
            # for_subject(): a subject's page reads its timeline in order.
            models.Index(
                fields=["subject_kind", "subject_id", "at", "id"], name="activity_subject_idx"
            ),
            # A customer's history card (its registry rows and contracts, without the many
            # case rows) and customer-scoped reports by subject kind.
            models.Index(
                fields=["customer_id", "subject_kind", "at"], name="activity_customer_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind}:{self.subject_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def get_kind_display(self) -> str:
        """The kind's label as its subject's app registered it (the kind itself otherwise)."""
        return kind_label(self.subject_kind, self.kind)

    def subject_label(self) -> str:
        return subject_label(self.subject_kind)

    def changes_labelled(self) -> list[tuple[str, object, object]]:
        """(field label, old, new) per changed field, for a history card."""
        return changes_labelled(self.subject_kind, self.changes)
