from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagerLevel(models.TextChoices):
    TECHNICAL = "technical", _("Technical manager")
    RESPONSE_CENTRE = "response_centre", _("Response-centre manager")
    TECHNICAL_CENTRE = "technical_centre", _("Technical-centre manager")
    GENERAL = "general", _("General manager")


# Accounts the system acts as (mail intake); never offered in a picker of people.
SYSTEM_USERNAMES = ("mailbot",)


class UserQuerySet(models.QuerySet):
    def people(self) -> UserQuerySet:
        """Without the system's own accounts."""
        return self.exclude(username__in=SYSTEM_USERNAMES)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    manager_level = models.CharField(
        _("manager level"), max_length=20, choices=ManagerLevel.choices, blank=True
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def label(self) -> str:
        return str(self)


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the clear text is shown once."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
