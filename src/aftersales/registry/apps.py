from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "aftersales.registry"
    label = "registry"
    verbose_name = _("Service registry")

    def ready(self) -> None:
        from aftersales.core.subjects import register_subject
        from aftersales.registry import models as m

        kinds = [
            ("member_added", _("Project member added")),
            ("member_removed", _("Project member removed")),
            ("engineer_added", _("Engineer made responsible")),
            ("engineer_removed", _("Engineer no longer responsible")),
            ("portal_login_set", _("Portal login set")),
            ("portal_login_revoked", _("Portal login revoked")),
            ("config_change", _("Configuration change")),
        ]
        register_subject(m.Customer, "customer", kinds=kinds, customer_of=lambda c: c.pk)
        for model, name in [
            (m.Contact, "contact"),
            (m.Site, "site"),
            (m.Project, "project"),
            (m.Asset, "asset"),
            (m.Engineer, "engineer"),
            (m.Vendor, "vendor"),
            (m.ProductModel, "product_model"),
            (m.TopologyAttachment, "topology"),
        ]:
            register_subject(model, name, kinds=kinds)
