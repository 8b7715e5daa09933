"""Writes on accounts: users with roles, API tokens, login throttling."""

from __future__ import annotations

import copy
import hashlib
import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can_grant_role, require_grant
from aftersales.accounts.backends import organisation_active
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.roles import Role
from aftersales.accounts.throttle import (
    client_address,
    login_failure_record,
    login_failures_clear,
    login_is_throttled,
)
from aftersales.core import timeline
from aftersales.core.errors import Forbidden, Invalid
from aftersales.core.memo import ConfigMemo

TOKEN_PREFIX = "as_"
BAD_CREDENTIALS = _("Wrong username or password.")
TOO_MANY_FAILURES = _("Too many failed logins. Try again in a few minutes.")
USERNAME_TAKEN = _("This username is already taken.")
UNKNOWN_ROLE = _("Unknown role.")
MANAGER_LEVEL_NOT_GRANTABLE = _("Only an administrator may set a manager level.")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User, name: str = "") -> str:
    """Create a token for the user and return its clear text, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    return raw


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# Every API call asks for its token's user. Revoking a token, deactivating a user and changing
# roles forget the memo at once in this process (registry's deactivations call
# forget_api_tokens); other processes see the change within two seconds (docs/decisions.md).
_tokens = ConfigMemo("api_tokens", ApiToken, User, links=(User.groups.through,), ttl=2.0)


def forget_api_tokens() -> None:
    """Tokens or their owners changed without a signal (a queryset update): look them up again."""
    _tokens.forget()


def _token_row(key_hash: str) -> ApiToken | None:
    # The contact comes along: access checks ask for it on every call (customer_id_of).
    return (
        ApiToken.objects.select_related("user__contact__customer")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )


def token_user(raw: str) -> User | None:
    """Return the active user behind a token, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    key_hash = hash_token(raw)
    token = _tokens.get(key_hash, lambda: _token_row(key_hash))
    if token is None or not token.user.is_active or not organisation_active(token.user):
        return None
    now = timezone.now()
    # Touch at most once a minute: a write per request would serialise API clients on SQLite.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    # A copy per request: the memoised row stays clean of what a request caches on its user.
    return copy.copy(token.user)


class LoginThrottled(Forbidden):
    """Too many failures for this username from this address: 429 rather than 403."""

    status_code = 429


def credentials_check(*, request: HttpRequest, username: str, password: str) -> User:
    """Authenticate with throttling per (username, address); raise Forbidden on failure and
    LoginThrottled (429) while throttled."""
    address = client_address(request)
    if login_is_throttled(username=username, address=address):
        raise LoginThrottled(TOO_MANY_FAILURES, extra={"throttled": True})
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failure_record(username=username, address=address)
        raise Forbidden(BAD_CREDENTIALS)
    login_failures_clear(username=username, address=address)
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    manager_level: str = "",
    by: User | None,
) -> User:
    """Create a login with one role; staff roles may enter the console, admins the admin site.

    `by` grants the role and must be allowed to (accounts.access.grantable_roles); None is the
    system itself (demo loader, management commands), never a request."""
    if role not in Role.values:
        raise Invalid(UNKNOWN_ROLE, field="role")
    require_grant(by, role)
    if manager_level and not can_grant_role(by, Role.MANAGER):
        raise Forbidden(MANAGER_LEVEL_NOT_GRANTABLE, extra={"field": "manager_level"})
    if not username.strip():
        raise Invalid(_("This field is required."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(USERNAME_TAKEN, field="username")
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise Invalid(" ".join(exc.messages), field="password") from exc
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        manager_level=manager_level,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    # Who granted which role is audited (rule 3); the login itself is the subject.
    timeline.record(
        subject=user,
        actor=by,
        kind="role_granted",
        text=role,
        internal=True,
        changes={"role": [None, role]},
    )
    return user


def user_preferences_update(*, user: User, language: str, time_zone: str) -> User:
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    return user
