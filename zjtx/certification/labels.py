"""Strings shown by certification but defined elsewhere (the sidebar in core.nav, the calendar
model in core.models, core.workdays messages), listed here so this app's catalogue carries
their Chinese until the owners of those files add them to theirs."""

from django.utils.translation import gettext_lazy as _

EXTERNAL_LABELS = (
    _("Certification"),
    _("My queue"),
    _("Certification rounds"),
    _("Expert pool"),
    _("Objections"),
    _("Dynamic management"),
    _("Working-day calendar"),
    _("Holiday (no work)"),
    _("Adjusted workday (调休)"),
    _("Choose holiday or adjusted workday."),
    _("working-day override"),
    _("working-day overrides"),
    _("document number counter"),
    _("document number counters"),
    _("issued document number"),
    _("issued document numbers"),
    _("Not found."),
)
