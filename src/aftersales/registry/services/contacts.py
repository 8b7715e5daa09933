"""Writes on a customer's contacts and their portal logins."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import forget_api_tokens, user_create
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.lib.phones import normalize_phone
from aftersales.registry.models import Contact, Customer
from aftersales.registry.services.common import audit, require, taken, touch

PHONE_TAKEN = _("This customer already has a contact with this phone number.")
BAD_PHONE = _("Enter a phone number with at least 7 digits.")
USERNAME_TAKEN_BY_OTHER = _("This username is already taken.")
NO_LOGIN = _("This contact has no portal login.")
FIELDS = ["name", "phone", "email", "role"]


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = "",
    username: str = "",
    password: str = "",
    by: User | None,
) -> Contact:
    """Add a contact; with a username it also gets a portal login for its organisation,
    granted by `by` (None: the system)."""
    name = require("name", name)
    normalized = normalize_phone(phone) if phone else ""
    if phone and len(normalized) < 7:
        raise Invalid(BAD_PHONE, field="phone")
    if (
        normalized
        and Contact.objects.filter(customer=customer, phone_normalized=normalized).exists()
    ):
        raise Invalid(PHONE_TAKEN, field="phone")
    user = None
    if username:
        user = user_create(
            username=username,
            password=password or None,
            role=Role.CUSTOMER_CONTACT,
            display_name=name,
            email=email,
            phone=phone,
            by=by,
        )
    contact = Contact.objects.create(
        customer=customer,
        name=name,
        phone=phone.strip(),
        email=email.strip(),
        role=role,
        user=user,
    )
    audit(contact, by=by, kind="created", text=str(contact))
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    name: str,
    phone: str = "",
    email: str = "",
    role: str = "",
    by: User | None = None,
) -> Contact:
    """Edit a contact; its portal login's name, e-mail and phone follow."""
    name = require("name", name)
    normalized = normalize_phone(phone) if phone else ""
    if phone and len(normalized) < 7:
        raise Invalid(BAD_PHONE, field="phone")
    if normalized and taken(
        Contact.objects.filter(customer_id=contact.customer_id, phone_normalized=normalized),
        contact,
    ):
        raise Invalid(PHONE_TAKEN, field="phone")
    before = timeline.snapshot(contact, FIELDS)
    contact.name = name
    contact.phone = phone.strip()
    contact.email = email.strip()
    contact.role = role.strip()
    touch(contact, FIELDS)
    audit(contact, by=by, kind="updated", before=before)
    if contact.user_id:
        # The portal shows the login's own name and address; keep them in step.
        User.objects.filter(pk=contact.user_id).update(
            display_name=name, email=contact.email, phone=contact.phone
        )
        forget_api_tokens()
    return contact


@transaction.atomic
def contact_portal_login_set(
    *, contact: Contact, username: str, password: str, by: User | None
) -> Contact:
    """Give the contact a portal login, or rename/re-enable it and set a new password."""
    username = require("username", username)
    require("password", password)
    if contact.user_id is None:
        contact.user = user_create(
            username=username,
            password=password,
            role=Role.CUSTOMER_CONTACT,
            display_name=contact.name,
            email=contact.email,
            phone=contact.phone,
            by=by,
        )
        touch(contact, ["user"])
        audit(contact, by=by, kind="portal_login_set", text=username)
        return contact
    user = contact.user
    if taken(User.objects.filter(username__iexact=username), user):
        raise Invalid(USERNAME_TAKEN_BY_OTHER, field="username")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from exc
    user.username = username
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["username", "password", "is_active"])
    audit(contact, by=by, kind="portal_login_set", text=username)
    return contact


@transaction.atomic
def contact_portal_login_revoke(*, contact: Contact, by: User | None = None) -> Contact:
    """Disable the portal login and its API tokens; the login row stays for the history."""
    if contact.user_id is None:
        raise Invalid(NO_LOGIN, field="username")
    portal_login_disable(contact.user)
    audit(contact, by=by, kind="portal_login_revoked", text=contact.user.username)
    return contact


def portal_login_disable(user: User) -> None:
    """Switch a login off and revoke its live API tokens, inside the caller's transaction."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    forget_api_tokens()
