from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "aftersales.feedback"
    label = "feedback"
    verbose_name = _("Customer voice")

    def ready(self) -> None:
        from aftersales.notify.notices import register_notice_link

        register_notice_link("complaint", "complaints:detail")
        from aftersales.core.subjects import register_subject
        from aftersales.feedback.models import (
            Callback,
            CallbackEventKind,
            CallbackItem,
            Complaint,
            ComplaintEventKind,
            SurveyEventKind,
            SurveyInvitation,
        )

        register_subject(Complaint, "complaint", kinds=ComplaintEventKind.choices)
        register_subject(Callback, "callback", kinds=CallbackEventKind.choices)
        register_subject(CallbackItem, "callback_item", kinds=CallbackEventKind.choices)
        register_subject(SurveyInvitation, "survey", kinds=SurveyEventKind.choices)
        # Complaints (cmp): the engine's subject kind, the quality checks' timeline, the demo.
        from aftersales.feedback import complaint_promises
        from aftersales.feedback.models import QualityCheck
        from aftersales.registry.demo import register_section as register_demo

        complaint_promises.register()
        register_subject(QualityCheck, "quality_check")
        register_demo("complaints", "aftersales.feedback.complaint_demo.load")
        # Surveys (svy): the demo's answered surveys, one with a low score and its follow-up.
        register_demo("surveys", "aftersales.feedback.survey_demo.load")
        # Callbacks (cbk): the problem's "told" promise and the demo's generated month.
        from aftersales.feedback import callback_promises

        callback_promises.register()
        from aftersales.sla.promises import register_kind_alias

        register_kind_alias("callback", "callback_item")
        register_demo("callbacks", "aftersales.feedback.callback_demo.load")
