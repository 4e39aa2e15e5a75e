"""免申即享 scans."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from zjtx.core.http import AuthedRequest

from ._router import FORBID_EXTRA, _parse_date, router


class ScanIn(Schema):
    model_config = FORBID_EXTRA

    as_of: str
    programs: list[str] | None = None


class ScanHitOut(Schema):
    enterprise: str
    credit_code: str
    program: str
    version: int
    amount_yuan: str | None
    trace: list[dict[str, Any]]
    sources: dict[str, str]


class ScanOut(Schema):
    id: int
    as_of: str
    programs: list[str]
    status: str
    enterprise_count: int
    evaluation_count: int
    eligible_count: int
    insufficient_count: int
    total_amount_yuan: str
    seconds: str
    notified_count: int
    hits: list[ScanHitOut] = []


def _scan_out(run: Any, with_hits: bool = False) -> dict[str, Any]:
    from .. import scan as scans

    data = {
        "id": run.pk,
        "as_of": run.as_of.isoformat(),
        "programs": run.programs,
        "status": run.status,
        "enterprise_count": run.enterprise_count,
        "evaluation_count": run.evaluation_count,
        "eligible_count": run.eligible_count,
        "insufficient_count": run.insufficient_count,
        "total_amount_yuan": str(run.total_amount_yuan),
        "seconds": str(run.seconds),
        "notified_count": run.notified_count,
        "hits": [],
    }
    if with_hits:
        data["hits"] = [
            {
                "enterprise": h.enterprise.name,
                "credit_code": h.enterprise.credit_code,
                "program": h.program_id,
                "version": h.version,
                "amount_yuan": None if h.amount_yuan is None else str(h.amount_yuan),
                "trace": h.trace,
                "sources": h.sources,
            }
            for h in scans.scan_hits(run=run)[:5000]
        ]
    return data


@router.post("/policy/scans", response={201: ScanOut}, url_name="policy-scan-run")
def scan_run(request: AuthedRequest, payload: ScanIn) -> tuple[int, dict[str, Any]]:
    from .. import scan as scans

    run = scans.scan_run(
        actor=request.user, as_of=_parse_date(payload.as_of), program_ids=payload.programs
    )
    return 201, _scan_out(run)


@router.get("/policy/scans/{scan_id}", response=ScanOut, url_name="policy-scan")
def scan_detail(request: AuthedRequest, scan_id: int) -> dict[str, Any]:
    from .. import scan as scans

    return _scan_out(scans.scan_get(user=request.user, pk=scan_id), with_hits=True)


@router.post("/policy/scans/{scan_id}/notify", response=ScanOut, url_name="policy-scan-notify")
def scan_notify(request: AuthedRequest, scan_id: int) -> dict[str, Any]:
    from .. import scan as scans

    run = scans.scan_get(user=request.user, pk=scan_id)
    scans.scan_notify(run=run, actor=request.user)
    return _scan_out(scans.scan_get(user=request.user, pk=scan_id))
