"""The rules of each spreadsheet kind: customers, contacts and assets."""

from __future__ import annotations

from typing import Any

from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from aftersales.lib.phones import normalize_phone
from aftersales.registry.imports.columns import ASSET_CREATE_REQUIRED
from aftersales.registry.imports.engine import (
    CREATE,
    LOOKUP_BATCH,
    UPDATE,
    Planner,
    Row,
)
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    CustomerLevel,
    ImportKind,
    ProductModel,
    Vendor,
)
from aftersales.registry.services import (
    REQUIRED,
    UNKNOWN_PARENT,
    product_model_get_or_create,
    vendor_get_or_create,
)

BAD_LEVEL = _("Choose one of VIP, A, B, C.")
AMBIGUOUS_CONTACT = _(
    "More than one contact of this customer has this name and no phone; edit them by hand."
)
SERIAL_OF_OTHER_CUSTOMER = _("This serial number belongs to another customer.")
PARENT_OF_OTHER_CUSTOMER = _("The parent asset belongs to another customer.")
PARENT_IS_SELF = _("An asset cannot be part of itself.")
PARENT_CYCLE = _("These parent serial numbers go round in a circle.")

BULK_BATCH = 500
MAX_DEPTH = 50


def _bulk_update(model, objs: list, fields: list[str]) -> None:
    if objs:
        model.objects.bulk_update(objs, fields, batch_size=BULK_BATCH)


class CustomerPlanner(Planner):
    kind = ImportKind.CUSTOMERS
    subject_kind = "customer"
    key_field = "code"
    editable = ("name", "region", "address", "level")

    def clean(self, row: Row, raw: dict[str, Any]) -> None:
        self.text(row, raw, "code", 40, required=True)
        self.text(row, raw, "name", 200, required=True)
        self.text(row, raw, "region", 20)
        self.text(row, raw, "address", 300)
        if "level" in raw:
            level = str(raw["level"] or "").strip().lower()
            if level in CustomerLevel.values:
                row.values["level"] = level
            elif level:
                row.problem("level", BAD_LEVEL)
            # An empty level keeps the stored one (new customers get the default).
        row.label = row.values.get("code", "")
        row.key = row.label.upper()

    def plan(self, rows: list[Row]) -> None:
        fresh = [r for r in rows if self.unique_in_file(r)]
        stored = self.stored_by(
            [r.key for r in fresh],
            lambda keys: (
                Customer.objects.annotate(key=Upper("code"))
                .filter(key__in=keys)
                .values("key", "id", "is_active", *self.editable)
            ),
        )
        for row in fresh:
            self.classify(row, stored.get(row.key), self.editable)

    def write(self, rows: list[Row]) -> None:
        fields = [f for f in self.editable if f in self.present]
        new = [
            Customer(
                code=r.values["code"], **{f: r.values[f] for f in self.editable if f in r.values}
            )
            for r in rows
            if r.action == CREATE
        ]
        Customer.objects.bulk_create(new, batch_size=BULK_BATCH)
        for row, obj in zip([r for r in rows if r.action == CREATE], new, strict=True):
            row.written_id = obj.pk
        changed = [
            Customer(
                id=r.stored["id"],
                updated_at=self.now,
                **{f: r.values.get(f, r.stored[f]) for f in fields},
            )
            for r in rows
            if r.action == UPDATE
        ]
        _bulk_update(Customer, changed, [*fields, "updated_at"])
        for row in rows:
            if row.action == UPDATE:
                row.written_id = row.stored["id"]

    def customer_of_row(self, row: Row) -> int | None:
        return row.written_id


class ContactPlanner(Planner):
    kind = ImportKind.CONTACTS
    subject_kind = "contact"
    key_field = "phone"
    editable = ("name", "phone", "email", "role")

    def clean(self, row: Row, raw: dict[str, Any]) -> None:
        self.text(row, raw, "customer", 40, required=True)
        self.text(row, raw, "name", 100, required=True)
        self.phone(row, raw)
        self.email(row, raw)
        self.text(row, raw, "role", 100)
        row.label = " ".join(v for v in (row.values.get("name"), row.values.get("phone")) if v)

    def plan(self, rows: list[Row]) -> None:
        self.customer_ids(rows)
        for row in rows:
            if not row.bad:
                phone = normalize_phone(row.values.get("phone", ""))
                # Without a phone the name is the only handle on a contact.
                row.key = (
                    row.values["customer_id"],
                    phone or None,
                    "" if phone else row.values["name"],
                )
                row.values["phone_normalized"] = phone
        fresh = [r for r in rows if self.unique_in_file(r)]
        fields = ("key", "id", "is_active", *self.editable)
        by_phone = self.stored_by(
            [r.key for r in fresh if r.key[1]],
            lambda keys: (
                {**c, "key": (c["customer_id"], c["phone_normalized"], "")}
                for c in Contact.objects.filter(
                    customer_id__in={k[0] for k in keys}, phone_normalized__in={k[1] for k in keys}
                ).values("customer_id", "phone_normalized", *fields[1:])
            ),
        )
        nameless = [r.key for r in fresh if not r.key[1]]
        by_name: dict[tuple, list[dict]] = {}
        for start in range(0, len(nameless), LOOKUP_BATCH):
            keys = nameless[start : start + LOOKUP_BATCH]
            for c in Contact.objects.filter(
                customer_id__in={k[0] for k in keys},
                phone_normalized="",
                name__in={k[2] for k in keys},
            ).values("customer_id", *fields[1:]):
                by_name.setdefault((c["customer_id"], None, c["name"]), []).append(c)
        for row in fresh:
            if row.key[1]:
                self.classify(row, by_phone.get(row.key), self.editable)
                continue
            matches = by_name.get(row.key, [])
            if len(matches) > 1:
                row.problem("name", AMBIGUOUS_CONTACT)
            self.classify(row, matches[0] if matches else None, self.editable)

    def write(self, rows: list[Row]) -> None:
        fields = [f for f in self.editable if f in self.present]
        if "phone" in fields:
            fields.append("phone_normalized")
        new = [
            Contact(
                customer_id=r.values["customer_id"],
                phone_normalized=r.values["phone_normalized"],
                **{f: r.values[f] for f in self.editable if f in r.values},
            )
            for r in rows
            if r.action == CREATE
        ]
        # bulk_create skips Contact.save(), so phone_normalized is set above by hand.
        Contact.objects.bulk_create(new, batch_size=BULK_BATCH)
        for row, obj in zip([r for r in rows if r.action == CREATE], new, strict=True):
            row.written_id = obj.pk
        changed = [
            Contact(
                id=r.stored["id"],
                updated_at=self.now,
                **{f: r.values.get(f, r.stored.get(f)) for f in fields},
            )
            for r in rows
            if r.action == UPDATE
        ]
        _bulk_update(Contact, changed, [*fields, "updated_at"])
        for row in rows:
            if row.action == UPDATE:
                row.written_id = row.stored["id"]


class AssetPlanner(Planner):
    kind = ImportKind.ASSETS
    subject_kind = "asset"
    key_field = "serial_number"
    editable = ("installed_on", "accepted_on", "warranty_months", "software_version")

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.customer_of: dict[str, int] = {}  # serial key -> customer id, for every file row
        self.parent_of: dict[str, str] = {}  # serial key -> parent key, good rows naming one
        self.action_of: dict[str, str] = {}  # serial key -> action, for the same rows
        self.waiting: list[Row] = []  # parent neither stored nor seen yet: may come later
        self.ids: dict[str, int] = {}  # serial key -> id, for stored rows and rows written
        self.links: list[tuple[str, str]] = []  # parents further down the file: set at the end
        self.vendors: dict[str, int] = {}
        vendors = list(Vendor.objects.values_list("id", "name", "code"))
        for pk, _name, code in vendors:
            self.vendors.setdefault(code.lower(), pk)
        for pk, name, _code in vendors:
            self.vendors[name.lower()] = pk  # a name match wins over a code match
        self.models: dict[tuple[int, str], int] = {}
        self._models_of: set[int] = set()

    def clean(self, row: Row, raw: dict[str, Any]) -> None:
        self.text(row, raw, "customer", 40, required=True)
        self.text(row, raw, "serial_number", 80, required=True)
        self.text(row, raw, "product_model", 120)
        self.text(row, raw, "vendor", 200)
        self.date(row, raw, "installed_on")
        self.date(row, raw, "accepted_on")
        self.whole_number(row, raw, "warranty_months", 1200)
        self.text(row, raw, "software_version", 80)
        self.text(row, raw, "parent", 80)
        row.label = row.values.get("serial_number", "")
        row.key = row.label.upper()
        if "parent" in row.values:
            row.values["parent"] = row.values["parent"].upper()
            if row.values["parent"] and row.values["parent"] == row.key:
                row.problem("parent", PARENT_IS_SELF)

    def _model_id(self, vendor_id: int | None, name: str) -> int | None:
        if vendor_id is None:
            return None
        if vendor_id not in self._models_of:
            self._models_of.add(vendor_id)
            for pk, model_name in ProductModel.objects.filter(vendor_id=vendor_id).values_list(
                "id", "name"
            ):
                self.models.setdefault((vendor_id, model_name.lower()), pk)
        return self.models.get((vendor_id, name.lower()))

    def plan(self, rows: list[Row]) -> None:
        self.customer_ids(rows)
        fresh = [r for r in rows if self.unique_in_file(r)]
        for row in fresh:
            self.customer_of[row.key] = row.values["customer_id"]
        stored = self.stored_by(
            [r.key for r in fresh],
            lambda keys: (
                Asset.objects.annotate(key=Upper("serial_number"))
                .filter(key__in=keys)
                .values(
                    "key",
                    "id",
                    "is_active",
                    "customer_id",
                    "product_model_id",
                    "product_model__name",
                    "product_model__vendor_id",
                    "parent_id",
                    "parent__serial_number",
                    *self.editable,
                )
            ),
        )
        parents = self.stored_by(
            [r.values["parent"] for r in fresh if r.values.get("parent")],
            lambda keys: (
                Asset.objects.annotate(key=Upper("serial_number"))
                .filter(key__in=keys)
                .values("key", "id", "customer_id", "is_active")
            ),
        )
        self.ids.update((key, p["id"]) for key, p in parents.items() if p["is_active"])
        for row in fresh:
            found = stored.get(row.key)
            if found is not None and found["customer_id"] != row.values["customer_id"]:
                row.problem("customer", SERIAL_OF_OTHER_CUSTOMER)
                continue
            self._resolve_model(row, found)
            self._check_parent(row, parents)
            if found is not None:
                found = {
                    **found,
                    "parent": (found["parent__serial_number"] or "").upper(),
                    "product_model_id": found["product_model_id"],
                }
            self.classify(row, found, (*self.editable, "parent", "product_model_id"))
            if row.bad:
                continue
            if found is not None:
                self.ids[row.key] = found["id"]
            if row.values.get("parent"):
                self.parent_of[row.key] = row.values["parent"]
                self.action_of[row.key] = row.action

    def _resolve_model(self, row: Row, found: dict | None) -> None:
        """Find the product model id; None means it is created on commit."""
        if found is None:
            for name in ASSET_CREATE_REQUIRED:
                if not row.values.get(name):
                    row.problem(name, REQUIRED)
            if row.bad:
                return
        vendor = row.values.get("vendor")
        model = row.values.get("product_model")
        if not vendor and not model:
            return  # keeps the stored model
        vendor_id = (
            self.vendors.get(vendor.lower()) if vendor else found["product_model__vendor_id"]
        )
        name = model or found["product_model__name"]
        row.values["product_model_id"] = self._model_id(vendor_id, name)
        row.values["model_name"] = name
        row.values["vendor_id"] = vendor_id

    def _check_parent(self, row: Row, stored: dict[str, dict]) -> None:
        parent = row.values.get("parent")
        if not parent or row.bad:
            return
        customer_id = row.values["customer_id"]
        if parent in self.customer_of:
            if self.customer_of[parent] != customer_id:
                row.problem("parent", PARENT_OF_OTHER_CUSTOMER)
            return
        found = stored.get(parent)
        if found is None or not found["is_active"]:
            self.waiting.append(row)  # it may be further down the file
        elif found["customer_id"] != customer_id:
            row.problem("parent", PARENT_OF_OTHER_CUSTOMER)

    def _product_model_id(self, row: Row) -> int:
        pk = row.values["product_model_id"]
        if pk is not None:
            return pk
        vendor_id = row.values["vendor_id"]
        if vendor_id is None:
            vendor_id = vendor_get_or_create(name=row.values["vendor"]).pk
            self.vendors[row.values["vendor"].lower()] = vendor_id
        pk = self._model_id(vendor_id, row.values["model_name"])
        if pk is None:
            vendor = Vendor(pk=vendor_id)
            pk = product_model_get_or_create(vendor=vendor, name=row.values["model_name"]).pk
            self.models[(vendor_id, row.values["model_name"].lower())] = pk
        row.values["product_model_id"] = pk
        return pk

    def _parent_id(self, row: Row, default: int | None) -> int | None | bool:
        """The parent's id; None for no parent; False while the parent is not written yet."""
        if "parent" not in row.values:
            return default
        parent = row.values["parent"]
        if not parent:
            return None
        return self.ids.get(parent, False)

    def write(self, rows: list[Row]) -> None:
        # Parents usually sit just above their components: create in rounds so most links are
        # set on insert, and only parents further down the file wait for the end.
        pending = [r for r in rows if r.action == CREATE]
        while pending:
            ready = [r for r in pending if self._parent_id(r, None) is not False]
            if not ready:
                self.links.extend((r.key, r.values["parent"]) for r in pending)
                ready = pending
            new = [
                Asset(
                    customer_id=r.values["customer_id"],
                    serial_number=r.values["serial_number"],
                    product_model_id=self._product_model_id(r),
                    parent_id=self._parent_id(r, None) or None,
                    **{f: r.values[f] for f in self.editable if f in r.values},
                )
                for r in ready
            ]
            Asset.objects.bulk_create(new, batch_size=BULK_BATCH)
            self._remember_ids(ready, new)
            pending = [r for r in pending if r.key not in self.ids]
        self._update([r for r in rows if r.action == UPDATE])
        for row in rows:
            row.written_id = row.stored["id"] if row.action == UPDATE else self.ids.get(row.key)

    def _remember_ids(self, rows: list[Row], objs: list[Asset]) -> None:
        if objs and objs[0].pk is None:  # a backend that cannot return ids from bulk inserts
            found = self.stored_by(
                [r.key for r in rows],
                lambda part: (
                    Asset.objects.annotate(key=Upper("serial_number"))
                    .filter(key__in=part)
                    .values("key", "id")
                ),
            )
            self.ids.update((key, item["id"]) for key, item in found.items())
            return
        self.ids.update((r.key, obj.pk) for r, obj in zip(rows, objs, strict=True))

    def _update(self, rows: list[Row]) -> None:
        fields = [f for f in self.editable if f in self.present]
        if self.present & {"vendor", "product_model"}:
            fields.append("product_model_id")
        if "parent" in self.present:
            fields.append("parent_id")
        changed = []
        for r in rows:
            values = {f: r.values.get(f, r.stored[f]) for f in fields}
            if "product_model_id" in r.values:
                values["product_model_id"] = self._product_model_id(r)
            parent_id = self._parent_id(r, r.stored["parent_id"])
            if parent_id is False:
                self.links.append((r.key, r.values["parent"]))
                parent_id = r.stored["parent_id"]
            values["parent_id"] = parent_id
            changed.append(Asset(id=r.stored["id"], updated_at=self.now, **values))
        _bulk_update(Asset, changed, [*fields, "updated_at"])

    def finish(self, *, write: bool) -> list[Row]:
        late: list[Row] = []
        for row in self.waiting:
            parent = row.values["parent"]
            if parent not in self.customer_of:
                row.problem("parent", UNKNOWN_PARENT)
                late.append(row)
            elif self.customer_of[parent] != row.values["customer_id"]:
                row.problem("parent", PARENT_OF_OTHER_CUSTOMER)
                late.append(row)
        late_numbers = {r.number for r in late}
        for row_key, parent in self.parent_of.items():
            # Hierarchies are shallow (chassis > board > module); the cap bounds bad input.
            for _step in range(MAX_DEPTH):
                if parent == row_key or parent not in self.parent_of:
                    break
                parent = self.parent_of[parent]
            number = self.seen[row_key]
            if parent == row_key and number not in late_numbers:
                cyclic = Row(number, label=row_key, action=self.action_of[row_key])
                cyclic.problem("parent", PARENT_CYCLE)
                late.append(cyclic)
        if write and not late:
            self._link_parents()
        return late

    def _link_parents(self) -> None:
        ids = self.ids
        objs = [Asset(id=ids[child], parent_id=ids[parent]) for child, parent in self.links]
        _bulk_update(Asset, objs, ["parent_id"])


PLANNERS: dict[str, type[Planner]] = {
    ImportKind.CUSTOMERS: CustomerPlanner,
    ImportKind.CONTACTS: ContactPlanner,
    ImportKind.ASSETS: AssetPlanner,
}
