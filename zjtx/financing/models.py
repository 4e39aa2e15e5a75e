"""Financing demands, per-bank engagements, products, receivables, 推介 lists and listing
candidates (芜湖实施意见 三(三)).

Money is Decimal 元 (pages show 万元). A demand is shown to a bank only through its engagement
with that bank: the consent names the data the bank may see and until when; withdrawing it
hides the demand from that bank at once. Each bank has at most one engagement per demand, so
a bank records at most one outcome on a demand.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 6, "decimal_places": 3}


class Purpose(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("Working capital")
    TECH_UPGRADE = "tech_upgrade", _("Technical upgrade")
    RD = "rd", _("Research and development")
    ACQUISITION = "acquisition", _("Acquisition")
    EQUIPMENT = "equipment", _("Equipment purchase")
    OTHER = "other", _("Other purpose")


class Guarantee(models.TextChoices):
    CREDIT = "credit", _("Credit (unsecured)")
    MORTGAGE = "mortgage", _("Mortgage")
    GUARANTOR = "guarantor", _("Guarantee")
    IP_PLEDGE = "ip_pledge", _("IP pledge")
    RECEIVABLE = "receivable", _("Receivables")
    ORDER = "order", _("Order financing")


class DataScope(models.TextChoices):
    FINANCIALS = "financials", _("Financial statements")
    MONITORING = "monitoring", _("Monitoring figures")
    CERTIFICATION = "certification", _("Certification status")
    TAX_GRADE = "tax_grade", _("Tax credit grade")


class TaxGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    M = "M", "M"
    C = "C", "C"
    D = "D", "D"


class FinancingSetting(models.Model):
    """The city's settings for financing (one row): the 受理 clock in working days."""

    takeup_working_days = models.PositiveSmallIntegerField(
        _("working days for a bank to take up a demand"), default=2
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("financing setting")
        verbose_name_plural = _("financing settings")

    def __str__(self) -> str:
        return str(self.takeup_working_days)


class Receivable(models.Model):
    """A supplier's receivable on a core enterprise, confirmed or disputed by the debtor."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    creditor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("supplier (creditor)"),
        on_delete=models.PROTECT,
        related_name="receivables_owed_to",
    )
    debtor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("core enterprise (debtor)"),
        on_delete=models.PROTECT,
        related_name="receivables_owed_by",
    )
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY)
    invoice_no = models.CharField(_("invoice or contract number"), max_length=60)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECORDED, db_index=True
    )
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="fin_receivable_positive"),
            models.CheckConstraint(
                condition=~Q(creditor=models.F("debtor")), name="fin_receivable_two_parties"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_no} {self.amount_yuan}"


class Demand(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="financing_demands",
    )
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    guarantees = models.JSONField(_("acceptable guarantees"), default=list)
    needed_by = models.DateField(_("needed by"))
    tax_grade = models.CharField(
        _("tax credit grade"), max_length=1, choices=TaxGrade.choices, blank=True
    )
    receivable = models.ForeignKey(
        Receivable,
        verbose_name=_("backing receivable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("financing demand")
        verbose_name_plural = _("financing demands")
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="fin_demand_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount_yuan}"


class Engagement(models.Model):
    """One bank's consent to see a demand, its take-up and its outcome."""

    class Status(models.TextChoices):
        CONSENTED = "consented", _("Awaiting take-up")
        TAKEN_UP = "taken_up", _("Taken up")
        GRANTED = "granted", _("Credit granted")
        DISBURSED = "disbursed", _("Disbursed")
        DECLINED = "declined", pgettext_lazy("credit", "Declined")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="engagements"
    )
    institution = models.ForeignKey(
        "partners.FinancialInstitution",
        verbose_name=_("financial institution"),
        on_delete=models.PROTECT,
        related_name="financing_engagements",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONSENTED, db_index=True
    )
    scopes = models.JSONField(_("data the bank may see"), default=list)
    consent_until = models.DateField(_("consent valid until"))
    consented_on = models.DateField(_("consented on"))
    taken_up_on = models.DateField(_("taken up on"), null=True, blank=True)
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken up by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_yuan = models.DecimalField(_("credit granted (yuan)"), **MONEY, null=True, blank=True)
    rate_pct = models.DecimalField(_("interest rate (%)"), **RATE, null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    disbursed_yuan = models.DecimalField(_("disbursed (yuan)"), **MONEY, null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    decline_code = models.CharField(
        pgettext_lazy("credit", "decline reason"), max_length=30, blank=True
    )
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    product = models.ForeignKey(
        "Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["demand", "institution_id"]
        verbose_name = _("bank engagement")
        verbose_name_plural = _("bank engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "institution"], name="fin_one_engagement_per_bank"
            ),
            models.CheckConstraint(
                condition=Q(granted_yuan__isnull=True) | Q(granted_yuan__gt=0),
                name="fin_granted_positive",
            ),
            models.CheckConstraint(
                condition=Q(disbursed_yuan__isnull=True) | Q(disbursed_yuan__gt=0),
                name="fin_disbursed_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}/{self.institution_id} {self.status}"


class Product(models.Model):
    """A bank's financial product; eligibility is a rule package on the policy engine."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting bureau review")
        RETURNED = "returned", _("Returned for correction")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Kind(models.TextChoices):
        LOAN = "loan", _("Loan")
        CREDIT_LINE = "credit_line", _("Credit line")
        GOV_BANK_GUARANTEE = "gov_bank_guarantee", _("Government-bank-guarantee loan")
        SUPPLY_CHAIN = "supply_chain", _("Supply-chain financing")
        TAX_LOAN = "tax_loan", _("Tax-based loan")
        BRIDGE = "bridge", _("Renewal bridge fund")

    institution = models.ForeignKey(
        "partners.FinancialInstitution",
        verbose_name=_("financial institution"),
        on_delete=models.PROTECT,
        related_name="financing_products",
    )
    name = models.CharField(_("product name"), max_length=100)
    kind = models.CharField(_("product kind"), max_length=20, choices=Kind.choices)
    amount_min_yuan = models.DecimalField(_("minimum amount (yuan)"), **MONEY)
    amount_max_yuan = models.DecimalField(_("maximum amount (yuan)"), **MONEY)
    term_min_months = models.PositiveSmallIntegerField(_("minimum term (months)"))
    term_max_months = models.PositiveSmallIntegerField(_("maximum term (months)"))
    rate_min_pct = models.DecimalField(_("minimum rate (%)"), **RATE)
    rate_max_pct = models.DecimalField(_("maximum rate (%)"), **RATE)
    guarantees = models.JSONField(_("guarantees accepted"), default=list)
    purposes = models.JSONField(_("purposes served"), default=list)
    # 政银担 risk split in percent: guarantor, re-guarantor, bank, government.
    risk_split = models.JSONField(_("risk split (%)"), default=dict, blank=True)
    eligibility_program = models.ForeignKey(
        "policy.PolicyProgram",
        verbose_name=_("eligibility rule package"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    eligibility_version = models.ForeignKey(
        "policy.PolicyPackageVersion",
        verbose_name=_("eligibility rule version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["institution_id", "name"]
        verbose_name = _("financial product")
        verbose_name_plural = _("financial products")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="fin_product_name"),
            models.CheckConstraint(
                condition=Q(amount_min_yuan__gt=0)
                & Q(amount_max_yuan__gte=models.F("amount_min_yuan")),
                name="fin_product_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(term_max_months__gte=models.F("term_min_months")),
                name="fin_product_term_range",
            ),
            models.CheckConstraint(
                condition=Q(rate_max_pct__gte=models.F("rate_min_pct")),
                name="fin_product_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PushList(models.Model):
    """A 推介 list sent to one bank: the consented demands that fit its products."""

    institution = models.ForeignKey(
        "partners.FinancialInstitution",
        verbose_name=_("financial institution"),
        on_delete=models.PROTECT,
        related_name="financing_push_lists",
    )
    period = models.CharField(_("period"), max_length=7)
    demand_ids = models.JSONField(_("demands"), default=list)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("promotion list")
        verbose_name_plural = _("promotion lists")

    def __str__(self) -> str:
        return f"{self.institution_id} {self.period}"


class ListingCandidate(models.Model):
    """An enterprise on the listing pipeline (安徽专精特新板 or 新三板)."""

    class Board(models.TextChoices):
        ANHUI_ZJTX = "anhui_zjtx", _("Anhui Zhuanjingtexin Board")
        NEEQ = "neeq", _("NEEQ (New Third Board)")

    class Stage(models.TextChoices):
        CULTIVATING = "cultivating", _("Cultivating")
        COACHING = "coaching", _("Coaching")
        FILING = "filing", _("Filing")
        LISTED = "listed", _("Listed")
        DROPPED = "dropped", _("Dropped")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="listing_candidacies",
    )
    board = models.CharField(_("board"), max_length=12, choices=Board.choices)
    status = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.CULTIVATING, db_index=True
    )
    recommended_year = models.PositiveSmallIntegerField(
        _("recommended in year"), null=True, blank=True
    )
    recommendation_reason = models.CharField(_("recommendation reason"), max_length=500, blank=True)
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["board", "enterprise_id"]
        verbose_name = _("listing candidate")
        verbose_name_plural = _("listing candidates")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "board"], name="fin_listing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.board}"
