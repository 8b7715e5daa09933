"""Possible duplicates at intake: the same customer reporting what looks like the same fault
again within a short time (same asset, or most of the same words), flagged for a merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aftersales.cases import search, selectors
from aftersales.cases.models import OPEN_STATUSES, Case

# Two reports this far apart are rarely the same call; beyond it a repeat is a new fault.
WINDOW = dt.timedelta(hours=48)
# The share of the shorter title's words both titles hold for "similar text".
WORD_SHARE = 0.5
MAX_FLAGGED = 3
# A customer with hundreds of cases in two days is a bulk import, not a duplicate call.
MAX_LOOKED_AT = 200


def _words(case: Case) -> set[str]:
    return set(search.query_words(f"{case.title} {case.fault_symptom}"))


def _alike(case: Case, other: Case, words: set[str]) -> list[str]:
    """Why `other` may be the same report as `case` (empty: it is not)."""
    reasons = []
    if case.asset_id is not None and other.asset_id == case.asset_id:
        reasons.append("asset")
    theirs = _words(other)
    shared = words & theirs
    shorter = min(len(words), len(theirs))
    if shorter and len(shared) / shorter >= WORD_SHARE:
        reasons.append("text")
    return reasons


def possible_duplicates(*, user: Any, case: Case) -> list[tuple[Case, list[str]]]:
    """Earlier open cases of the same customer, reported within WINDOW before `case`, about the
    same asset or with most of the same words; the latest first, with their reasons. The newer
    report is the duplicate: it is merged into the earlier one."""
    if case.merged_into_id is not None:
        return []
    nearby = (
        selectors.cases_for_user(user)
        .filter(
            customer_id=case.customer_id,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
            created_at__gte=case.created_at - WINDOW,
            created_at__lte=case.created_at,
        )
        .exclude(pk=case.pk)
        .defer("search_text")
        .order_by("-created_at", "-id")[:MAX_LOOKED_AT]
    )
    words = _words(case)
    found = []
    for other in nearby:
        reasons = _alike(case, other, words)
        if reasons:
            found.append((other, reasons))
    found.sort(key=lambda pair: (abs(pair[0].created_at - case.created_at), pair[0].pk))
    return found[:MAX_FLAGGED]
