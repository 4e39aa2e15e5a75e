"""Users, roles and jurisdiction scopes; API tokens."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class User(AbstractUser):
    """A person with exactly one role and, for scoped roles, exactly one scope object."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
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
