"""View decorators built on accounts.access: the HTML side of the one permission gate."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from aftersales.accounts.access import can, is_customer_contact, is_staff_member
from aftersales.accounts.endpoint_access import CONTACT, STAFF, access, staff_perm


def staff_required(view):
    """Staff only; a customer contact gets 404 so the console's existence leaks nothing."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return access(STAFF)(wrapper)


def permission_required(permission: str):
    def decorator(view):
        @wraps(view)
        @staff_required
        def wrapper(request, *args, **kwargs):
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return access(staff_perm(permission))(wrapper)

    return decorator


def contact_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_customer_contact(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return access(CONTACT)(wrapper)
