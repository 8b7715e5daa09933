"""Every read of surveys that pages and the API share: the active template, a link's
invitation, results (CSAT, NPS, dimensions, by engineer, customer and period), free-text
answers and follow-ups. Results are staff-only; `gate` answers 404/403 for anyone else.

CSAT is the share (in %) of answers to the overall-satisfaction question (dimension
"overall") rated 4 or 5; NPS is % promoters (9–10) minus % detractors (0–6) of the
recommendation answers. Both are None when nothing was answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.cases.models import Case
from aftersales.cases.selectors import case_get_for_user
from aftersales.core.db import MAX_ID
from aftersales.core.errors import NotFound
from aftersales.feedback import survey_access as access
from aftersales.feedback.models import (
    Dimension,
    QuestionKind,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyTemplate,
)
from aftersales.feedback.survey_tokens import nonce_of

TEMPLATE_CODE = "satisfaction"
NOT_FOUND = _("Not found.")
LINK_NOT_FOUND = _("This survey link is not valid. Please use the link from your message.")
GROUPS = ("engineer", "customer", "month", "quarter")


def active_template(code: str = TEMPLATE_CODE) -> SurveyTemplate | None:
    """The highest active version of the template `code`."""
    return SurveyTemplate.objects.filter(code=code, active=True).order_by("-version").first()


def invitation_for_token(token: str) -> SurveyInvitation:
    """The invitation a link names, or 404 for a token we did not sign or a replaced link."""
    nonce = nonce_of(token)
    found = (
        SurveyInvitation.objects.select_related("template", "customer", "case").filter(nonce=nonce)
        if nonce
        else SurveyInvitation.objects.none()
    )
    invitation = found.first()
    if invitation is None:
        raise NotFound(LINK_NOT_FOUND)
    return invitation


def questions_of(template: SurveyTemplate) -> list:
    return list(template.questions.order_by("order"))


def case_for_survey(*, user: Any, number: str) -> Case:
    """The case whose survey link `user` asks for: 404 (contacts, unknown), 403 (no right)."""
    access.gate(user, access.SEND)
    return case_get_for_user(user=user, number=number)


def invitation_of_case(case: Case) -> SurveyInvitation | None:
    return SurveyInvitation.objects.filter(case=case).first()


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFilters:
    """Answered between `date_from` and `date_to` (local days, inclusive)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    customer: str = ""  # customer code
    engineer: str = ""  # username


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def answered_invitations(filters: ResultFilters) -> QuerySet[SurveyInvitation]:
    qs = SurveyInvitation.objects.filter(answered_at__isnull=False)
    if filters.date_from:
        qs = qs.filter(answered_at__gte=_local_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(answered_at__lt=_local_start(filters.date_to + dt.timedelta(days=1)))
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.engineer:
        qs = qs.filter(engineer__username=filters.engineer)
    return qs


def _percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    value = Decimal(part * 100) / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _sums() -> dict[str, Any]:
    """The counts behind CSAT and NPS, as aggregates over answer rows."""
    overall = Q(question__kind=QuestionKind.RATING, question__dimension=Dimension.OVERALL)
    nps = Q(question__kind=QuestionKind.NPS)
    return {
        "responses": Count("invitation", distinct=True),
        "overall": Count("pk", filter=overall),
        "satisfied": Count("pk", filter=overall & Q(number__gte=4)),
        "nps_total": Count("pk", filter=nps),
        "promoters": Count("pk", filter=nps & Q(number__gte=9)),
        "detractors": Count("pk", filter=nps & Q(number__lte=6)),
    }


def _scores(row: dict[str, Any]) -> dict[str, Any]:
    promoters = _percent(row["promoters"], row["nps_total"])
    detractors = _percent(row["detractors"], row["nps_total"])
    return {
        "csat": _percent(row["satisfied"], row["overall"]),
        "nps": None if promoters is None else round(promoters - (detractors or 0), 1),
        "responses": row["responses"],
    }


def survey_results(*, user: Any, filters: ResultFilters, group: str = "") -> dict[str, Any]:
    """CSAT, NPS, responses and the average rating per dimension; with `group` (engineer,
    customer, month or quarter) the same figures per group, as "groups"."""
    access.gate(user, access.RESULTS)
    answers = SurveyAnswer.objects.filter(invitation__in=answered_invitations(filters))
    totals = answers.aggregate(**_sums())
    totals["responses"] = answered_invitations(filters).count()
    dimensions = {
        row["question__dimension"]: round(float(row["average"]), 2)
        for row in answers.filter(question__kind=QuestionKind.RATING)
        .exclude(question__dimension="")
        .values("question__dimension")
        .annotate(average=Avg("number"))
        .order_by("question__dimension")
        if row["average"] is not None
    }
    result = {**_scores(totals), "dimensions": dimensions}
    if group in GROUPS:
        result["groups"] = _grouped(answers, group)
    return result


def _grouped(answers: QuerySet[SurveyAnswer], group: str) -> list[dict[str, Any]]:
    tz = timezone.get_current_timezone()
    keys: dict[str, Any] = {
        "engineer": ("invitation__engineer__username", "invitation__engineer__display_name"),
        "customer": ("invitation__customer__code", "invitation__customer__name"),
        "month": (TruncMonth("invitation__answered_at", tzinfo=tz),),
        "quarter": (TruncQuarter("invitation__answered_at", tzinfo=tz),),
    }
    if group in ("month", "quarter"):
        rows = answers.annotate(key=keys[group][0]).values("key").order_by("key")
    else:
        key, label = keys[group]
        rows = answers.values(key, label).order_by(key)
    rows = rows.annotate(**_sums())
    out = []
    for row in rows:
        if group in ("month", "quarter"):
            moment = row["key"]
            day = moment.date() if isinstance(moment, dt.datetime) else moment
            key = f"{day:%Y-%m}" if group == "month" else f"{day.year}-Q{(day.month - 1) // 3 + 1}"
            label = key
        else:
            key, label = row[keys[group][0]] or "", row[keys[group][1]] or ""
        out.append({"key": key, "label": label or key, **_scores(row)})
    return out


def free_text_answers(*, user: Any, filters: ResultFilters, q: str = "") -> QuerySet:
    """Free-text answers, newest first; `q` matches the text (case-insensitive)."""
    access.gate(user, access.RESULTS)
    qs = (
        SurveyAnswer.objects.filter(
            invitation__in=answered_invitations(filters), question__kind=QuestionKind.TEXT
        )
        .exclude(text="")
        .select_related("invitation__customer", "invitation__case", "invitation__engineer")
    )
    if q.strip():
        qs = qs.filter(text__icontains=q.strip())
    return qs.order_by("-invitation__answered_at", "-pk")


# --- follow-ups and templates ----------------------------------------------------------------


def follow_ups_for_user(*, user: Any, status: str = "") -> QuerySet[SurveyFollowUp]:
    """Follow-ups, the open and oldest first."""
    access.gate(user, access.VIEW_FOLLOW_UPS)
    qs = SurveyFollowUp.objects.select_related("customer", "owner", "invitation__case")
    if status:
        qs = qs.filter(status=status)
    # "open" sorts after "closed": descending puts the open ones first.
    return qs.order_by("-status", "opened_at", "pk")


def follow_up_get_for_user(*, user: Any, pk: int) -> SurveyFollowUp:
    """The follow-up, or 404 (also for an id no row can have)."""
    qs = follow_ups_for_user(user=user)
    if not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise NotFound(NOT_FOUND)
    try:
        return qs.get(pk=pk)
    except SurveyFollowUp.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def templates_for_user(*, user: Any) -> QuerySet[SurveyTemplate]:
    access.gate(user, access.RESULTS)
    return SurveyTemplate.objects.annotate(question_count=Count("questions")).order_by(
        "code", "-version"
    )


def template_get_for_user(*, user: Any, pk: int) -> SurveyTemplate:
    access.gate(user, access.RESULTS)
    if not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise NotFound(NOT_FOUND)
    try:
        return SurveyTemplate.objects.get(pk=pk)
    except SurveyTemplate.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def template_has_answers(template: SurveyTemplate) -> bool:
    return SurveyAnswer.objects.filter(question__template=template).exists()
