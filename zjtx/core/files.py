"""What an uploaded document really is, decided by its first bytes (OWASP ASVS V12.2.1).

Certification materials and subsidy evidence accept PDF, PNG and JPEG; the file name and the
browser's content type prove nothing. (Excel workbooks have their own, deeper check in
zjtx/monitoring/imports/filecheck.py.)
"""

from __future__ import annotations

# signature → (content type, file extension)
DOCUMENT_SIGNATURES: dict[bytes, tuple[str, str]] = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG by its signature; None otherwise."""
    for signature, kind in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None
