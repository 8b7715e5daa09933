from __future__ import annotations

from aftersales.accounts.access import is_customer_contact, is_staff_member, user_roles


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_staff_member": False, "is_customer_contact": False, "user_roles": set()}
    return {
        "is_staff_member": is_staff_member(user),
        "is_customer_contact": is_customer_contact(user),
        "user_roles": user_roles(user),
    }
