"""Official document numbers (发文字号): gapless per issuer and year (GB/T 9704-2012, DOMAIN §9).

A number is taken inside the caller's transaction with the counter row locked, so that two
officers issuing at once queue on the row, and a rolled-back issue gives its number back.
Format: 机关代字 + 〔year〕 + number + 号, no 第, no zero padding: 芜经信〔2026〕12号.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from .models import DocumentCounter, IssuedDocumentNumber


def document_number_text(issuer: str, year: int, number: int) -> str:
    return f"{issuer}〔{year}〕{number}号"


def _counter_locked(issuer: str, year: int) -> DocumentCounter:
    counter = DocumentCounter.objects.select_for_update().filter(issuer=issuer, year=year).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():  # savepoint: a concurrent first issue may win the insert
            DocumentCounter.objects.create(issuer=issuer, year=year, last_number=0)
    except IntegrityError:
        pass
    return DocumentCounter.objects.select_for_update().get(issuer=issuer, year=year)


def counter_next(*, issuer: str, year: int) -> int:
    """The next number of a series; must run inside a transaction (the lock lasts until commit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next needs an enclosing transaction")
    counter = _counter_locked(issuer, year)
    counter.last_number += 1
    DocumentCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return counter.last_number


@transaction.atomic
def document_number_issue(
    *, issuer: str, year: int, purpose: str = "", obj: Model | None = None, actor: Any = None
) -> IssuedDocumentNumber:
    """Issue the next 发文字号 of `issuer` for `year` and register it."""
    number = counter_next(issuer=issuer, year=year)
    return IssuedDocumentNumber.objects.create(
        issuer=issuer,
        year=year,
        number=number,
        text=document_number_text(issuer, year, number),
        purpose=purpose[:200],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
