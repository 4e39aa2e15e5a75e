import threading

import pytest
from django.db import close_old_connections, connection, transaction

from zjtx.core.docnumbers import document_number_issue, document_number_text
from zjtx.core.models import IssuedDocumentNumber


def test_format_follows_gb_t_9704():
    assert document_number_text("芜经信", 2026, 12) == "芜经信〔2026〕12号"


@pytest.mark.django_db
def test_numbers_are_sequential_per_issuer_and_year():
    a = document_number_issue(issuer="芜经信", year=2026)
    b = document_number_issue(issuer="芜经信", year=2026)
    c = document_number_issue(issuer="芜经信", year=2027)
    d = document_number_issue(issuer="芜政办", year=2026)
    assert (a.text, b.text, c.text, d.text) == (
        "芜经信〔2026〕1号",
        "芜经信〔2026〕2号",
        "芜经信〔2027〕1号",
        "芜政办〔2026〕1号",
    )


@pytest.mark.django_db
def test_a_rolled_back_issue_leaves_no_gap():
    document_number_issue(issuer="芜经信", year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_issue(issuer="芜经信", year=2026)
        raise RuntimeError
    assert document_number_issue(issuer="芜经信", year=2026).number == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_yields_no_gaps_or_duplicates():
    workers, each = 8, 5
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(each):
                document_number_issue(issuer="芜经信", year=2026)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(
        IssuedDocumentNumber.objects.filter(issuer="芜经信", year=2026).values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(1, workers * each + 1))
