"""@mentions in a case's comments and internal notes: the bell tells each staff member named.

`@login` or `@display name` names a staff member; a mention is a notice only (no e-mail).
Only staff who may see the case are told, never the author, never a customer's contact.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from aftersales.accounts.access import can, is_staff_member
from aftersales.accounts.models import User
from aftersales.cases import access
from aftersales.cases.models import Activity, Case
from aftersales.notify.notices import notice_create

KIND = "case.mentioned"
# A mention reads up to the first character that cannot go on a Latin name: "@li," names li,
# "@lily" does not; Chinese names end wherever the name does ("@张三请看" names 张三).
_NAME_GOES_ON = re.compile(r"[A-Za-z0-9_.+\-]")
_MENTION_START = re.compile(r"@(\S)")
# A text naming more people than this is a list, not a call for attention.
MAX_MENTIONS = 20


def _candidates(text: str) -> list[tuple[str, User]]:
    """(name, user) of every active user whose login or display name starts like a mention."""
    starts = {m.group(1) for m in _MENTION_START.finditer(text)}
    if not starts:
        return []
    starts = set(sorted(starts)[:MAX_MENTIONS])
    match = reduce(
        or_, (Q(username__istartswith=c) | Q(display_name__istartswith=c) for c in starts)
    )
    names = []
    for user in User.objects.filter(match, is_active=True):
        names += [(n.casefold(), user) for n in {user.username, user.display_name.strip()} if n]
    # The longest name first: "@张三丰" names 张三丰, not 张三.
    return sorted(names, key=lambda pair: -len(pair[0]))


def mentioned_in(text: str) -> list[User]:
    """The users a text mentions by `@login` or `@display name`, in order, each once."""
    names = _candidates(text)
    folded = text.casefold()
    found: dict[int, User] = {}
    for i, ch in enumerate(folded):
        if ch != "@" or len(found) >= MAX_MENTIONS:
            continue
        for name, user in names:
            end = i + 1 + len(name)
            if folded[i + 1 : end] != name:
                continue
            if end < len(text) and _NAME_GOES_ON.match(text[end]) and _NAME_GOES_ON.match(name[-1]):
                continue
            found.setdefault(user.pk, user)
            break
    return list(found.values())


def notify_mentioned(case: Case, *, activity: Activity, by: User) -> list[User]:
    """Give each staff member the text mentions, who may see the case, a notice; return them."""
    if "@" not in activity.text:
        return []
    told = []
    for user in mentioned_in(activity.text):
        if user.pk == by.pk or not is_staff_member(user) or not can(user, access.VIEW):
            continue
        with translation.override(user.language):
            title = _("%(who)s mentioned you on case %(number)s: %(title)s") % {
                "who": by,
                "number": case.number,
                "title": case.title,
            }
        notice = notice_create(
            user=user,
            kind=KIND,
            title=title,
            ref_type="case",
            ref_id=case.number,
            dedupe_key=f"{KIND}:{activity.pk}",
        )
        if notice is not None:
            told.append(user)
    return told
