from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aftersales.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from aftersales.core.views import HomeBoard, register_home_board
        from aftersales.sla.board import BOARD_NAME, BOARD_TEMPLATE, load_due_board

        register_home_board(HomeBoard(BOARD_NAME, BOARD_TEMPLATE, load_due_board))
