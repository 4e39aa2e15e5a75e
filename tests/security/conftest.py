"""The probe's world: objects of 镜湖区 in every workflow, and the people who must not reach them."""

from __future__ import annotations

from typing import Any

import pytest

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken, Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bearer(user: Any) -> dict[str, str]:
    raw = token_generate()
    ApiToken.objects.create(user=user, name="probe", prefix=raw[:8], digest=token_digest(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def world(make_user, make_enterprise, units) -> dict[str, Any]:
    """Objects of 镜湖区 in every workflow, and the people who must not reach them."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from zjtx.certification import services as cert
    from zjtx.enterprises.models import AnnualFinancial
    from zjtx.monitoring.services.imports import import_upload
    from zjtx.monitoring.tests import xlsx_files as X
    from zjtx.partners.models import FinancialInstitution, ServiceProvider
    from zjtx.policy.services import policies_load
    from zjtx.subsidies.models import Budget
    from zjtx.subsidies.services import application_create, evidence_add
    from zjtx.subsidies.services import application_transition as subsidy_transition

    policies_load()
    today = timezone.localdate()
    a, b = units["镜湖区"], units["无为市"]
    city = make_user(Role.CITY_OFFICER)
    unit_a = make_user(Role.UNIT_OFFICER, unit=a)
    firm_a = make_enterprise("芜湖甲精密机械有限公司", a)
    firm_b = make_enterprise("无为乙电缆有限公司", b)
    for year in (today.year - 1, today.year - 2):
        AnnualFinancial.objects.create(
            enterprise=firm_a,
            year=year,
            operating_revenue=Decimal("50000000"),
            main_business_revenue=Decimal("45000000"),
            rd_expense=Decimal("2500000"),
            total_assets=Decimal("30000000"),
            total_liabilities=Decimal("12000000"),
            employees=120,
        )
    ent_a = make_user(Role.ENTERPRISE, enterprise=firm_a)

    rnd = cert.round_create(
        actor=city,
        year=today.year,
        title=f"{today.year}年度市级专精特新中小企业认定",
        program_id="miit2026.zjtx_sme",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
        required_materials=[{"code": "business_licence", "label": "营业执照", "required": True}],
    )
    rnd = cert.round_set_status(round=rnd, status="open", actor=city)
    app = cert.application_create(round=rnd, actor=ent_a)
    for m in app.form_schema["materials"]:
        cert.material_upload(
            application=app, kind=m["code"], name=f"{m['code']}.pdf", content=PDF, actor=ent_a
        )
    expert_user = make_user(Role.EXPERT)
    expert = cert.expert_profile_save(user=expert_user, actor=city, unit=units["经济技术开发区"])

    Budget.objects.create(
        program_id="wuhu.municipal_zjtx", year=today.year, amount_yuan=Decimal("250000")
    )
    subsidy = application_create(
        enterprise=firm_a,
        program_id="wuhu.municipal_zjtx",
        facts={"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": False},
        as_of=today,
        actor=ent_a,
    )
    evidence_add(application=subsidy, name="证明.pdf", data=PDF, actor=ent_a)
    subsidy_transition(application=subsidy, action="submit", actor=ent_a)

    run = import_upload(
        actor=unit_a,
        period_code="2026-09",
        data=X.workbook([X.row(firm_a.credit_code)]),
        original_name="报表.xlsx",
        dry_run=True,
    )

    # Financing: a demand of 镜湖区's firm shared with its own bank only, that bank's draft
    # product, a receivable between two 镜湖区 firms, a listing candidate.
    from zjtx.financing import services as fin

    bank_a = make_user(
        Role.BANK, institution=FinancialInstitution.objects.create(name="芜湖甲probe银行")
    )
    demand = fin.demand_publish(
        enterprise=firm_a,
        fields={
            "amount_yuan": "5000000",
            "term_months": 12,
            "purpose": "working_capital",
            "guarantees": ["credit"],
            "needed_by": (today + timedelta(days=30)).isoformat(),
        },
        consents=[
            {
                "institution_id": bank_a.institution_id,
                "scopes": [],
                "until": (today + timedelta(days=90)).isoformat(),
            }
        ],
        actor=ent_a,
    )
    product = fin.product_save(
        fields={
            "name": "甲银行probe贷",
            "kind": "loan",
            "amount_min_yuan": "1000000",
            "amount_max_yuan": "10000000",
            "term_min_months": 6,
            "term_max_months": 36,
            "rate_min_pct": "3.2",
            "rate_max_pct": "4.8",
            "guarantees": ["credit"],
            "purposes": ["working_capital"],
        },
        actor=bank_a,
    )
    debtor = make_enterprise("芜湖丙核心制造有限公司", a)
    receivable = fin.receivable_record(
        creditor=firm_a,
        debtor_id=debtor.pk,
        amount_yuan="800000",
        invoice_no="PROBE-001",
        due_on=(today + timedelta(days=60)).isoformat(),
        actor=ent_a,
    )
    candidate = fin.listing_add(enterprise=firm_a, board="anhui_zjtx", actor=city)

    # Service centre: a request of 镜湖区's firm handed to its own provider, that provider's
    # listing awaiting review, and an event it runs.
    from datetime import datetime

    from zjtx.servicedesk import events as sd_events
    from zjtx.servicedesk import providers as sd_providers
    from zjtx.servicedesk import services as sd

    provider_a = make_user(
        Role.PROVIDER,
        provider=ServiceProvider.objects.create(name="芜湖甲probe服务机构", platform="technology"),
    )
    service_request = sd.request_file(
        enterprise=firm_a,
        category="ip",
        title="专利申请咨询",
        text="想了解发明专利申请的费用和周期。",
        actor=ent_a,
    )
    service_request = sd.request_route(
        request=service_request,
        to="provider",
        provider=provider_a.provider,
        actor=city,
        reason="知识产权服务机构对口办理",
    )
    listing = sd_providers.listing_submit(
        actor=provider_a,
        name="芜湖甲probe服务机构",
        credit_code_raw=make_enterprise("芜湖甲probe服务机构有限公司", a).credit_code,
        platforms=["technology"],
        functions=["ip"],
        fee_policy="free",
    )
    event = sd_events.event_create(
        actor=provider_a,
        title="专利布局沙龙",
        kind="salon",
        starts_at=timezone.make_aware(
            datetime.combine(today + timedelta(days=20), datetime.min.time())
        ),
        place="芜湖市科技大厦",
        capacity=30,
    )

    # Cultivation and assessment: a pool change and a candidate run of 镜湖区, a draft
    # assessment run (a published one is every unit's to read), and a job 镜湖区 started.
    from zjtx.assessment.services import run_compute
    from zjtx.core.models import BackgroundJob
    from zjtx.cultivation.candidates import candidate_run_create
    from zjtx.cultivation.services import pool_change_propose

    pool_change = pool_change_propose(
        enterprise=firm_a, to_pool="reserve", reason="研发投入连续增长，拟入储备库", actor=unit_a
    )
    candidate_run = candidate_run_create(actor=unit_a)
    assessment_run = run_compute(year=today.year - 1, actor=city)
    job = BackgroundJob.objects.create(kind="probe", title="探针任务", created_by=unit_a, unit=a)

    outsiders = {
        "unit_b": make_user(Role.UNIT_OFFICER, unit=b),
        "ent_b": make_user(Role.ENTERPRISE, enterprise=firm_b),
        "expert_x": make_user(Role.EXPERT),
        "bank": make_user(
            Role.BANK, institution=FinancialInstitution.objects.create(name="芜湖probe银行")
        ),
        "provider": make_user(
            Role.PROVIDER,
            provider=ServiceProvider.objects.create(name="芜湖probe服务中心", platform="tech"),
        ),
    }
    return {
        "params": {
            "credit_code": firm_a.credit_code,
            "year": str(today.year - 1),
            "import_id": str(run.pk),
            "round_id": str(rnd.pk),
            "application_id": {"certification": str(app.pk), "subsidies": str(subsidy.pk)},
            "expert_id": str(expert.pk),
            "action": "submit",
            "decision": "approve",
            "demand_id": str(demand.pk),
            "bank": str(bank_a.institution_id),
            "product_id": str(product.pk),
            "receivable_id": str(receivable.pk),
            "candidate_id": str(candidate.pk),
            "request_id": str(service_request.pk),
            "listing_id": str(listing.pk),
            "event_id": str(event.pk),
            "change_id": {"policy": "1", "cultivation": str(pool_change.pk)},
            "run_id": {"cultivation": str(candidate_run.pk), "assessment": str(assessment_run.pk)},
            "unit_id": str(a.pk),
            "job_id": str(job.pk),
        },
        "outsiders": outsiders,
        "city": city,
        "unit_a": unit_a,
        "ent_a": ent_a,
    }
