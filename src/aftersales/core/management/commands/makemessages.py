"""Django's makemessages, also extracting `_t(...)`: the services' alias for eager gettext."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    # Services import `gettext as _t` (`_` is their lazy gettext); xgettext only knows `_`.
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_t"]
