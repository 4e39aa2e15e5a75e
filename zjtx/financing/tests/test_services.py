"""Financing services: consent and its withdrawal, scoping, the take-up clock, outcomes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from zjtx.core.errors import DomainError
from zjtx.core.models import WorkflowClock
from zjtx.core.workflow import TransitionConflict, WorkflowError
from zjtx.financing import selectors, services
from zjtx.financing.models import Demand, Engagement

from .conftest import GRANT, demand_fields

pytestmark = pytest.mark.django_db


def _engagement(demand, bank):
    return Engagement.objects.get(demand=demand, institution=bank)


def test_a_consented_bank_sees_the_demand_and_withdrawal_hides_it_at_once(fin, make_demand):
    demand = make_demand(banks=("hs", "yz"))
    assert selectors.demand_get(user=fin["bank_hs"], pk=demand.pk) == demand
    services.consent_withdraw(demand=demand, institution_id=fin["hs"].pk, actor=fin["ent"])
    with pytest.raises(Http404):
        selectors.demand_get(user=fin["bank_hs"], pk=demand.pk)
    # The other bank's consent stands.
    assert selectors.demand_get(user=fin["bank_yz"], pk=demand.pk) == demand


def test_a_bank_without_consent_and_other_enterprises_and_units_get_404(fin, make_demand):
    demand = make_demand(banks=("hs",))
    for who in ("bank_yz", "other_ent", "other_unit"):
        with pytest.raises(Http404):
            selectors.demand_get(user=fin[who], pk=demand.pk)
    for who in ("ent", "unit", "city"):
        assert selectors.demand_get(user=fin[who], pk=demand.pk) == demand


def test_a_bank_acting_after_withdrawal_gets_not_found(fin, make_demand):
    demand = make_demand(banks=("hs",))
    engagement = _engagement(demand, fin["hs"])
    services.consent_withdraw(demand=demand, institution_id=fin["hs"].pk, actor=fin["ent"])
    with pytest.raises(DomainError) as err:
        services.engagement_transition(
            engagement=engagement, action="take_up", actor=fin["bank_hs"]
        )
    assert err.value.code == "not_found"


def test_a_bank_sees_only_its_own_engagement_and_outcome(fin, make_demand):
    demand = make_demand(banks=("hs", "yz"))
    services.engagement_transition(
        engagement=_engagement(demand, fin["yz"]), action="take_up", actor=fin["bank_yz"]
    )
    services.engagement_transition(
        engagement=_engagement(demand, fin["yz"]), action="grant", actor=fin["bank_yz"], data=GRANT
    )
    seen = selectors.engagements_of(user=fin["bank_hs"], demand=demand)
    assert [e.institution_id for e in seen] == [fin["hs"].pk]
    assert seen[0].granted_yuan is None
    # The yz engagement is out of the hs bank's scope even by id.
    with pytest.raises(DomainError) as err:
        services.engagement_transition(
            engagement=_engagement(demand, fin["yz"]), action="disburse", actor=fin["bank_hs"]
        )
    assert err.value.code == "not_found"
    # The enterprise sees both.
    assert len(selectors.engagements_of(user=fin["ent"], demand=demand)) == 2


def test_a_bank_records_at_most_one_outcome_per_demand(fin, make_demand):
    demand = make_demand(banks=("hs",))
    engagement = _engagement(demand, fin["hs"])
    services.engagement_transition(engagement=engagement, action="take_up", actor=fin["bank_hs"])
    services.engagement_transition(
        engagement=engagement, action="grant", actor=fin["bank_hs"], data=GRANT
    )
    with pytest.raises(TransitionConflict) as err:
        services.engagement_transition(
            engagement=engagement, action="grant", actor=fin["bank_hs"], data=GRANT
        )
    assert err.value.code == "transition_not_allowed"
    with pytest.raises(TransitionConflict):
        services.engagement_transition(
            engagement=engagement,
            action="decline",
            actor=fin["bank_hs"],
            reason_code="other",
            reason="x",
        )
    assert Engagement.objects.filter(demand=demand, institution=fin["hs"]).count() == 1


def test_disbursement_cannot_exceed_the_credit_granted(fin, make_demand):
    demand = make_demand(banks=("hs",))
    engagement = _engagement(demand, fin["hs"])
    services.engagement_transition(engagement=engagement, action="take_up", actor=fin["bank_hs"])
    services.engagement_transition(
        engagement=engagement, action="grant", actor=fin["bank_hs"], data=GRANT
    )
    engagement.refresh_from_db()
    with pytest.raises(WorkflowError) as err:
        services.engagement_transition(
            engagement=engagement,
            action="disburse",
            actor=fin["bank_hs"],
            data={
                "disbursed_yuan": "4000000.01",
                "disbursed_on": engagement.granted_on.isoformat(),
            },
        )
    assert err.value.code == "disbursed_exceeds_granted"
    services.engagement_transition(
        engagement=engagement,
        action="disburse",
        actor=fin["bank_hs"],
        data={"disbursed_yuan": "3000000.00", "disbursed_on": engagement.granted_on.isoformat()},
    )
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.DISBURSED
    assert engagement.disbursed_yuan == Decimal("3000000.00")


def test_decline_needs_a_reason_from_the_standard_list(fin, make_demand):
    engagement = _engagement(make_demand(banks=("hs",)), fin["hs"])
    with pytest.raises(WorkflowError) as err:
        services.engagement_transition(
            engagement=engagement, action="decline", actor=fin["bank_hs"]
        )
    assert err.value.code == "reason_required"
    with pytest.raises(WorkflowError) as err:
        services.engagement_transition(
            engagement=engagement, action="decline", actor=fin["bank_hs"], reason_code="weather"
        )
    assert err.value.code == "reason_unknown"
    services.engagement_transition(
        engagement=engagement, action="decline", actor=fin["bank_hs"], reason_code="outside_policy"
    )
    engagement.refresh_from_db()
    assert engagement.decline_code == "outside_policy"


def test_the_take_up_clock_counts_working_days_across_national_day_and_a_tiaoxiu_saturday(
    fin, make_demand
):
    # Consent on Wednesday 30 September 2026: 1-7 October are holidays; 8 and 9 October are
    # working days, so two working days fall due on Friday 9 October.
    consent_day = date(2026, 9, 30)
    demand = make_demand(banks=("hs",), today=consent_day)
    clock = WorkflowClock.objects.get(
        workflow="financing.engagement", object_id=str(_engagement(demand, fin["hs"]).pk)
    )
    assert clock.due_on == date(2026, 10, 9)
    # The city sets three working days: the third is the 调休 Saturday 10 October.
    services.settings_set(takeup_working_days=3, actor=fin["city"])
    demand = make_demand(banks=("yz",), today=consent_day)
    engagement = _engagement(demand, fin["yz"])
    clock = WorkflowClock.objects.get(workflow="financing.engagement", object_id=str(engagement.pk))
    assert clock.due_on == date(2026, 10, 10)


def test_overdue_take_ups_escalate_to_the_city_and_the_unit(fin, make_demand):
    consent_day = date(2026, 9, 30)
    demand = make_demand(banks=("hs", "yz"), today=consent_day)
    services.engagement_transition(
        engagement=_engagement(demand, fin["yz"]),
        action="take_up",
        actor=fin["bank_yz"],
        today=date(2026, 10, 8),
    )
    # On the due day nothing is overdue; on Saturday 10 October (调休, a working day) it is.
    assert selectors.overdue_takeups(user=fin["city"], today=date(2026, 10, 9)) == []
    rows = selectors.overdue_takeups(user=fin["city"], today=date(2026, 10, 10))
    assert [r["engagement"].institution_id for r in rows] == [fin["hs"].pk]
    assert len(selectors.overdue_takeups(user=fin["unit"], today=date(2026, 10, 10))) == 1
    assert selectors.overdue_takeups(user=fin["other_unit"], today=date(2026, 10, 10)) == []
    assert selectors.overdue_takeups(user=fin["bank_hs"], today=date(2026, 10, 10)) == []
    # A late take-up stops the clock as breached.
    services.engagement_transition(
        engagement=_engagement(demand, fin["hs"]),
        action="take_up",
        actor=fin["bank_hs"],
        today=date(2026, 10, 12),
    )
    assert selectors.overdue_takeups(user=fin["city"], today=date(2026, 10, 12)) == []
    clock = WorkflowClock.objects.get(
        object_id=str(_engagement(demand, fin["hs"]).pk), workflow="financing.engagement"
    )
    assert clock.state == WorkflowClock.State.BREACHED


def test_withdrawing_the_demand_withdraws_every_consent(fin, make_demand):
    demand = make_demand(banks=("hs", "yz"))
    services.demand_transition(demand=demand, action="withdraw", actor=fin["ent"])
    assert set(Engagement.objects.filter(demand=demand).values_list("status", flat=True)) == {
        Engagement.Status.WITHDRAWN
    }
    for who in ("bank_hs", "bank_yz"):
        with pytest.raises(Http404):
            selectors.demand_get(user=fin[who], pk=demand.pk)


def test_consent_again_after_withdrawal_restarts_the_clock(fin, make_demand):
    demand = make_demand(banks=("hs",))
    services.consent_withdraw(demand=demand, institution_id=fin["hs"].pk, actor=fin["ent"])
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    services.consent_give(
        demand=demand,
        institution_id=fin["hs"].pk,
        scopes=["financials"],
        until=until,
        actor=fin["ent"],
    )
    assert selectors.demand_get(user=fin["bank_hs"], pk=demand.pk) == demand
    assert (
        WorkflowClock.objects.filter(state="running", workflow="financing.engagement").count() == 1
    )


def test_an_expired_consent_hides_the_demand(fin, make_demand):
    demand = make_demand(banks=("hs",))
    later = Engagement.objects.get(demand=demand).consent_until + timedelta(days=1)
    assert not selectors.demand_list_for(user=fin["bank_hs"], today=later).exists()


def test_only_the_enterprise_publishes_and_consents(fin):
    with pytest.raises(DomainError) as err:
        services.demand_publish(
            enterprise=fin["firm"], fields=demand_fields(), actor=fin["other_ent"]
        )
    assert err.value.code == "not_found"
    with pytest.raises(DomainError) as err:
        services.demand_publish(
            enterprise=fin["firm"], fields=demand_fields(amount_yuan="-1"), actor=fin["ent"]
        )
    assert err.value.code == "invalid_amount"
    with pytest.raises(DomainError) as err:
        services.demand_publish(
            enterprise=fin["firm"], fields=demand_fields(guarantees=["gold"]), actor=fin["ent"]
        )
    assert err.value.code == "invalid_input" and "guarantees" in err.value.fields


def test_a_receivable_is_confirmed_only_by_the_debtor_and_then_backs_a_demand(fin):
    receivable = services.receivable_record(
        creditor=fin["firm"],
        debtor_id=fin["other_firm"].pk,
        amount_yuan="800000.00",
        invoice_no="HT-2026-001",
        due_on="2027-03-31",
        actor=fin["ent"],
    )
    with pytest.raises(DomainError) as err:
        services.demand_publish(
            enterprise=fin["firm"],
            fields=demand_fields(receivable_id=receivable.pk),
            actor=fin["ent"],
        )
    assert err.value.code == "receivable_not_confirmed"
    with pytest.raises(WorkflowError) as err:
        services.receivable_transition(receivable=receivable, action="confirm", actor=fin["ent"])
    assert err.value.code == "not_the_debtor"
    services.receivable_transition(receivable=receivable, action="confirm", actor=fin["other_ent"])
    demand = services.demand_publish(
        enterprise=fin["firm"], fields=demand_fields(receivable_id=receivable.pk), actor=fin["ent"]
    )
    assert demand.receivable_id == receivable.pk
    assert Demand.objects.count() == 1


def test_role_checks_go_through_the_one_require_role(fin):
    """A deactivated account keeps its role but acts as nobody: 403 for the city's settings,
    404 for an enterprise's own objects, as `zjtx.accounts.scoping.require_role` decides."""
    from zjtx.core.errors import Forbidden, NotFound

    city, ent = fin["city"], fin["ent"]
    city.is_active = ent.is_active = False
    with pytest.raises(Forbidden) as exc:
        services.settings_set(takeup_working_days=3, actor=city)
    assert exc.value.code == "forbidden"
    with pytest.raises(NotFound):
        services.demand_publish(enterprise=fin["firm"], fields=demand_fields(), actor=ent)
    with pytest.raises(Forbidden):
        services.settings_set(takeup_working_days=3, actor=fin["unit"])
    with pytest.raises(NotFound):
        services.demand_publish(
            enterprise=fin["firm"], fields=demand_fields(), actor=fin["other_ent"]
        )
