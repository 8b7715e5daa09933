from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "aftersales.inventory"
    label = "inventory"
    verbose_name = _("Spare-parts inventory")

    def ready(self) -> None:
        from aftersales.notify.notices import register_notice_link

        register_notice_link("part_sale", "inventory:sale_detail")
        from aftersales.core.subjects import register_subject
        from aftersales.inventory.models import Loan, MoveKind, Part, Stocktake, Warehouse
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
        register_subject(
            Loan, "loan", kinds=[("lent", _("Loaner lent")), ("returned", _("Loaner returned"))]
        )
        register_section("loans", "aftersales.inventory.loan_demo.load")
        from aftersales.inventory.models import PartSale, PartSaleEventKind

        register_subject(PartSale, "part_sale", kinds=PartSaleEventKind.choices)
        register_section("part_sales", "aftersales.inventory.sales_demo.load")
