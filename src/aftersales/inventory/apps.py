from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "aftersales.inventory"
    label = "inventory"
    verbose_name = _("Spare-parts inventory")

    def ready(self) -> None:
        from aftersales.core.subjects import register_subject
        from aftersales.inventory.models import MoveKind, Part, Stocktake, Warehouse
        from aftersales.registry.demo import register_section

        # Stock belongs to no customer: its timeline rows carry none.
        register_subject(Part, "part", kinds=MoveKind.choices, customer_of=lambda obj: None)
        register_subject(Warehouse, "warehouse", customer_of=lambda obj: None)
        register_subject(
            Stocktake,
            "stocktake",
            kinds=[("opened", _("Stocktake opened")), ("closed", _("Stocktake closed"))],
            customer_of=lambda obj: None,
        )
        register_section("inventory", "aftersales.inventory.demo.load")
