"""A staff member's personal settings on cases: watches and saved queue views."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases.models import Case, SavedView, Watch
from aftersales.core.errors import Invalid, NotFound

NAME_REQUIRED = _("Give the view a name.")
NAME_TAKEN = _("You already have a view with this name.")
QUERY_TOO_LONG = _("Too many filters to save.")


def case_watch_set(*, case: Case, user: User, on: bool) -> bool:
    """Watch or unwatch a case; idempotent either way. Returns the new state."""
    if on:
        Watch.objects.get_or_create(case=case, user=user)
    else:
        Watch.objects.filter(case=case, user=user).delete()
    return on


def is_watching(*, case: Case, user: User) -> bool:
    return Watch.objects.filter(case=case, user=user).exists()


def saved_views_for(*, user: User):
    return SavedView.objects.filter(user=user)


def saved_view_save(*, user: User, name: str, query: str) -> SavedView:
    """Keep the queue's query string under a name; the page number is not part of a view."""
    name = (name or "").strip()
    if not name:
        raise Invalid(NAME_REQUIRED, field="name")
    params = QueryDict((query or "").lstrip("?"), mutable=True)
    params.pop("page", None)
    query = params.urlencode()
    if len(query) > SavedView._meta.get_field("query").max_length:
        raise Invalid(QUERY_TOO_LONG, field="query")
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, name=name[:80], query=query)
    except IntegrityError as exc:
        raise Invalid(NAME_TAKEN, field="name") from exc


def saved_view_delete(*, user: User, pk: int) -> None:
    """Remove one of the user's own views; someone else's answers not found."""
    deleted, _count = SavedView.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound(_("Not found."))
