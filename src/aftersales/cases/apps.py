from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "aftersales.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from aftersales.cases.lookup import open_cases_section
        from aftersales.cases.models import ActivityKind, Case, Macro
        from aftersales.core.subjects import register_subject
        from aftersales.registry.lookup import register_section

        register_section("open_cases", open_cases_section)
        from aftersales.cases import home_board

        home_board.register()  # the home page's "My queue" board and the bell's case links
        register_subject(Case, "case", kinds=ActivityKind.choices)
        register_subject(Macro, "macro", customer_of=lambda macro: None)  # its own history
        # The promise engine's subject kind "case", and coverage changes (contracts.hooks).
        from aftersales.cases import promises
        from aftersales.cases.services import cases_follow_coverage
        from aftersales.contracts.hooks import on_coverage_changed

        promises.register()
        on_coverage_changed(cases_follow_coverage)
        from aftersales.registry.demo import register_section as register_demo

        register_demo("cases", "aftersales.cases.demo.load_cases")
        register_demo("mail", "aftersales.cases.mail_demo.load")
        register_demo("case tags and links", "aftersales.cases.organize_demo.load")
        register_demo("macros", "aftersales.cases.macro_demo.load")
