from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "aftersales.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from aftersales.cases.lookup import open_cases_section
        from aftersales.registry.lookup import register_section

        register_section("open_cases", open_cases_section)
