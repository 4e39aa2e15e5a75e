"""Users, roles and jurisdiction scopes; API tokens; activation links; role-grant requests."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zjtx.core.crypto import BlindIndexField, EncryptedTextField


class Role(models.TextChoices):
    CITY_OFFICER = "city_officer", _("City officer")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    ENTERPRISE = "enterprise", _("Enterprise user")
    EXPERT = "expert", _("Expert reviewer")
    BANK = "bank", _("Bank user")
    PROVIDER = "provider", _("Service-provider user")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# 等保2.0 8.1.4.1 d: the three administrators and city officers need a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.CITY_OFFICER})
# 三员分立 (8.1.7): granting, removing or resetting these needs the security administrator.
PRIVILEGED_ROLES = SECOND_FACTOR_ROLES
API_TOKEN_DAYS = 365
ACTIVATION_HOURS = 72


def api_token_expiry() -> datetime:
    return timezone.now() + timedelta(days=API_TOKEN_DAYS)


def activation_expiry() -> datetime:
    return timezone.now() + timedelta(hours=ACTIVATION_HOURS)


class User(AbstractUser):
    """A person with exactly one role and, for scoped roles, exactly one scope object."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=50, blank=True)
    # A person's mobile for SMS notices: SM4-encrypted at rest, masked everywhere (ADR 0017).
    phone = EncryptedTextField(_("phone"), max_length=30, blank=True, kind="phone")
    phone_bidx = BlindIndexField(source="phone", scope="phone")
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    institution = models.ForeignKey(
        "partners.FinancialInstitution",
        verbose_name=_("financial institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator issues a temporary password."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    (models.Q(role="unit_officer") & models.Q(unit__isnull=False))
                    | (~models.Q(role="unit_officer") & models.Q(unit__isnull=True))
                )
                & (
                    (models.Q(role="enterprise") & models.Q(enterprise__isnull=False))
                    | (~models.Q(role="enterprise") & models.Q(enterprise__isnull=True))
                )
                & (
                    (models.Q(role="bank") & models.Q(institution__isnull=False))
                    | (~models.Q(role="bank") & models.Q(institution__isnull=True))
                )
                & (
                    (models.Q(role="provider") & models.Q(provider__isnull=False))
                    | (~models.Q(role="provider") & models.Q(provider__isnull=True))
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored. It acts with its user's role and scope."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=api_token_expiry)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.name} ({self.prefix}…)"


class SecurityPolicy(models.Model):
    """The one row of password, lockout and session rules the security administrator edits.

    Floors follow 等保2.0 8.1.4.1 a/b assessor practice: >= 8 characters, >= 3 character
    classes, lock after <= 5 failures for >= 10 minutes, idle timeout <= 30 minutes, passwords changed at least every 90 days.
    """

    min_length = models.PositiveSmallIntegerField(
        _("minimum password length"),
        default=8,
        validators=[MinValueValidator(8), MaxValueValidator(64)],
    )
    min_classes = models.PositiveSmallIntegerField(
        _("minimum character classes"),
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(4)],
    )
    lockout_threshold = models.PositiveSmallIntegerField(
        _("failed logins before lockout"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(10)],
    )
    lockout_minutes = models.PositiveSmallIntegerField(
        _("lockout duration (minutes)"),
        default=15,
        validators=[MinValueValidator(10), MaxValueValidator(1440)],
    )
    idle_minutes = models.PositiveSmallIntegerField(
        _("idle timeout (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        _("password validity (days)"),
        default=90,
        validators=[MinValueValidator(30), MaxValueValidator(180)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        User,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")
        constraints = [
            models.CheckConstraint(name="security_policy_singleton", condition=models.Q(pk=1))
        ]

    def __str__(self) -> str:
        return str(_("Security policy"))


class ActivationLink(models.Model):
    """A one-time link that lets a user set their own password (new account or reset).

    Only the SHA-256 of the token is stored; the link goes to the user's e-mail and to nobody
    else, so no administrator ever holds a usable password (三员分立, 8.1.7).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_links")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=activation_expiry)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation link")
        verbose_name_plural = _("activation links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class RoleGrantRequest(models.Model):
    """A change the system administrator proposes and the security administrator decides.

    Creating an account with a privileged role, changing a role to or from one, resetting the
    password of a privileged account and changing any account's e-mail (the channel of its
    activation links) take effect only on approval (maker-checker, 三员分立 8.1.7).
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("Create a privileged account")
        ROLE_CHANGE = "role_change", _("Change a privileged role")
        PASSWORD_RESET = "password_reset", _("Reset the password of a privileged account")
        EMAIL_CHANGE = "email_change", _("Change the e-mail address")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    target = models.ForeignKey(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grant_requests",
    )
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("requested role"), max_length=20, choices=Role.choices, blank=True)
    previous_role = models.CharField(
        _("previous role"), max_length=20, choices=Role.choices, blank=True
    )
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=50, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=30, blank=True, kind="phone")
    email = models.EmailField(_("e-mail"), blank=True)
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "partners.FinancialInstitution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("account change request")
        verbose_name_plural = _("account change requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username}"
