from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "aftersales.contracts"
    label = "contracts"
    verbose_name = _("Contracts and warranty")

    def ready(self) -> None:
        from aftersales.notify.notices import register_notice_link

        register_notice_link("contract", "contracts:detail")
        from aftersales.contracts.lookup import contracts_section
        from aftersales.contracts.models import ServiceContract, WarrantyTerm
        from aftersales.core.subjects import register_subject
        from aftersales.registry.lookup import register_section

        register_section("contracts", contracts_section)
        register_subject(ServiceContract, "contract")
        register_subject(WarrantyTerm, "warranty_term")
        from aftersales.contracts.services import entitlement_refresh_open_cases
        from aftersales.registry.hooks import on_warranty_changed

        on_warranty_changed(entitlement_refresh_open_cases)
        from aftersales.registry.demo import register_section as register_demo

        register_demo("contracts", "aftersales.contracts.demo.load")
