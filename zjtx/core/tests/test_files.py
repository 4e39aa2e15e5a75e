"""Uploaded documents are recognised by their first bytes, not their names."""

import pytest

from zjtx.core.files import sniff_document


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", ("application/pdf", "pdf")),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ("image/png", "png")),
        (b"\xff\xd8\xff\xe0JFIF", ("image/jpeg", "jpg")),
        (b"PK\x03\x04", None),  # a zip (or .docx) is not a document here
        (b"<html>%PDF-", None),  # the signature must come first
        (b"", None),
    ],
)
def test_sniff_document(head, kind):
    assert sniff_document(head) == kind
