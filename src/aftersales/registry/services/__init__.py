"""Every write on the registry: plain functions, keyword-only, one transaction each; one module
per kind of row, `common` for the checks and messages they share. Import from here."""

from __future__ import annotations

from aftersales.registry.services.activation import deactivate, reactivate
from aftersales.registry.services.assets import (
    PARENT_IS_DESCENDANT,
    PARENT_IS_SELF,
    PARENT_OTHER_CUSTOMER,
    SERIAL_TAKEN,
    UNKNOWN_PARENT,
    asset_config_change,
    asset_create,
    asset_register,
    asset_update,
)
from aftersales.registry.services.common import (
    ACCEPTED_BEFORE_INSTALLED,
    OTHER_CUSTOMERS_RECORD,
    REQUIRED,
)
from aftersales.registry.services.contacts import (
    BAD_PHONE,
    NO_LOGIN,
    PHONE_TAKEN,
    USERNAME_TAKEN_BY_OTHER,
    contact_create,
    contact_portal_login_revoke,
    contact_portal_login_set,
    contact_update,
)
from aftersales.registry.services.customers import (
    CODE_TAKEN,
    UNKNOWN_CUSTOMER,
    customer_create,
    customer_register,
    customer_update,
)
from aftersales.registry.services.engineers import (
    STAFF_ROLE_ONLY,
    engineer_create,
    engineer_register,
    engineer_responsibility_add,
    engineer_responsibility_remove,
    engineer_update,
)
from aftersales.registry.services.projects import (
    ALREADY_MEMBER,
    INACTIVE_CHOICE,
    NOT_STAFF,
    OTHER_CUSTOMERS_CONTACT,
    PROJECT_CODE_TAKEN,
    project_create,
    project_member_add,
    project_member_remove,
    project_update,
)
from aftersales.registry.services.sites import NAME_TAKEN, site_create, site_update
from aftersales.registry.services.topology import (
    FILE_TYPE_NOT_ALLOWED,
    TOPOLOGY_TYPES,
    topology_upload,
)
from aftersales.registry.services.vendors import (
    MODEL_TAKEN,
    VENDOR_CODE_TAKEN,
    product_model_create,
    product_model_get_or_create,
    product_model_update,
    vendor_create,
    vendor_get_or_create,
    vendor_update,
)

__all__ = [
    # common
    "ACCEPTED_BEFORE_INSTALLED",
    "OTHER_CUSTOMERS_RECORD",
    "REQUIRED",
    # customers
    "CODE_TAKEN",
    "UNKNOWN_CUSTOMER",
    "customer_create",
    "customer_register",
    "customer_update",
    # contacts and their portal logins
    "BAD_PHONE",
    "NO_LOGIN",
    "PHONE_TAKEN",
    "USERNAME_TAKEN_BY_OTHER",
    "contact_create",
    "contact_portal_login_revoke",
    "contact_portal_login_set",
    "contact_update",
    # projects and their members
    "ALREADY_MEMBER",
    "INACTIVE_CHOICE",
    "NOT_STAFF",
    "OTHER_CUSTOMERS_CONTACT",
    "PROJECT_CODE_TAKEN",
    "project_create",
    "project_member_add",
    "project_member_remove",
    "project_update",
    # sites
    "NAME_TAKEN",
    "site_create",
    "site_update",
    # vendors and product models
    "MODEL_TAKEN",
    "VENDOR_CODE_TAKEN",
    "product_model_create",
    "product_model_get_or_create",
    "product_model_update",
    "vendor_create",
    "vendor_get_or_create",
    "vendor_update",
    # assets and their components
    "PARENT_IS_DESCENDANT",
    "PARENT_IS_SELF",
    "PARENT_OTHER_CUSTOMER",
    "SERIAL_TAKEN",
    "UNKNOWN_PARENT",
    "asset_config_change",
    "asset_create",
    "asset_register",
    "asset_update",
    # topology diagrams
    "FILE_TYPE_NOT_ALLOWED",
    "TOPOLOGY_TYPES",
    "topology_upload",
    # engineers
    "STAFF_ROLE_ONLY",
    "engineer_create",
    "engineer_register",
    "engineer_responsibility_add",
    "engineer_responsibility_remove",
    "engineer_update",
    # deactivate / reactivate
    "deactivate",
    "reactivate",
]
