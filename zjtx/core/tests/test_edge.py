"""The edge refuses NUL characters and unreadable multipart bodies with a 400, never a 500."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zjtx.accounts.models import Role

API = "/api/v1"
PDF = b"%PDF-1.4\n\x00\x00\x001 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def multipart(fields: dict[str, str], file_field: str, file_name: str, content: bytes) -> bytes:
    """A multipart body built by hand: the test client truncates long file names itself."""
    parts = [
        f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--B\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + b"--B--\r\n"


OBJECTION = {"notice": "1", "application": "1", "name": "张三", "phone": "1", "text": "x"}


@pytest.fixture
def client_raising(client):
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_nul_in_a_public_api_path_is_400_json(client_raising):
    r = client_raising.get(f"{API}/public/certificates/a%00b")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "nul_byte"
    assert "path" in body["fields"]


@pytest.mark.django_db
def test_nul_in_a_query_string_is_400_html_for_pages(client_raising, make_user, login):
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.get("/enterprises/?q=%00")
    assert r.status_code == 400
    assert r["Content-Type"].startswith("text/html")
    assert "q" in r.content.decode()


@pytest.mark.django_db
def test_nul_in_an_api_query_string_names_the_parameter(client_raising, make_user, login):
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.get(f"{API}/enterprises", {"q": "a\x00"})
    assert r.status_code == 400
    assert r.json()["code"] == "nul_byte"
    assert list(r.json()["fields"]) == ["q"]


@pytest.mark.django_db
def test_nul_in_a_json_body_names_the_field(client_raising, make_user, make_enterprise, login):
    firm = make_enterprise()
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.patch(
        f"{API}/enterprises/{firm.credit_code}",
        json.dumps({"contact_name": "张\u0000三"}),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "nul_byte"
    assert "contact_name" in r.json()["fields"]


@pytest.mark.django_db
def test_an_escaped_backslash_u0000_is_text_not_a_nul(client_raising, make_user, login):
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.post(
        f"{API}/policy/evaluate",
        json.dumps({"as_of": "2025-01-01", "programs": [], "facts": {"note": "\\u0000"}}),
        content_type="application/json",
    )
    assert r.status_code != 400 or r.json()["code"] != "nul_byte"


@pytest.mark.django_db
def test_nul_in_a_posted_form_field_is_400(client_raising, make_user, login):
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.post("/enterprises/new/", {"name": "甲\x00乙"})
    assert r.status_code == 400
    assert "name" in r.content.decode()


@pytest.mark.django_db
def test_multipart_without_a_boundary_is_400_for_anonymous_objections(client_raising):
    r = client_raising.generic(
        "POST",
        f"{API}/public/objections",
        b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\r\n--x--\r\n',
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "bad_multipart"


@pytest.mark.django_db
def test_multipart_without_a_boundary_on_a_page_is_400_html(client_raising, make_user, login):
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.generic(
        "POST", "/enterprises/new/", b"x", content_type="multipart/form-data"
    )
    assert r.status_code == 400
    assert r["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_file_name_over_1kb_is_400_not_500_for_anonymous_objections(client_raising):
    body = multipart(OBJECTION, "evidence", "a" * 1100 + ".pdf", PDF)
    r = client_raising.generic(
        "POST", f"{API}/public/objections", body, content_type="multipart/form-data; boundary=B"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "bad_multipart"


@pytest.mark.django_db
def test_a_file_name_over_255_characters_is_400_naming_the_field(client_raising):
    body = multipart(OBJECTION, "evidence", "a" * 300 + ".pdf", PDF)
    r = client_raising.generic(
        "POST", f"{API}/public/objections", body, content_type="multipart/form-data; boundary=B"
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "file_name_too_long"
    assert "evidence" in body["fields"]


@pytest.mark.django_db
def test_nul_in_an_uploaded_file_name_is_refused(client_raising):
    body = multipart(OBJECTION, "evidence", "a\x00b.pdf", PDF)
    r = client_raising.generic(
        "POST", f"{API}/public/objections", body, content_type="multipart/form-data; boundary=B"
    )
    # Django's parser may already drop the NUL from the name; either way never a 500.
    assert r.status_code in (400, 404)


@pytest.mark.django_db
def test_nul_bytes_inside_an_uploaded_file_are_not_inspected(client_raising):
    upload = SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")
    r = client_raising.post(
        f"{API}/public/objections",
        {
            "notice": 999,
            "application": 1,
            "name": "张三",
            "phone": "1",
            "text": "x",
            "evidence": upload,
        },
    )
    assert r.status_code == 404  # no such notice: the edge let the request through


@pytest.mark.django_db
def test_edge_runs_right_after_the_security_middleware(settings):
    assert settings.MIDDLEWARE[1] == "zjtx.core.edge.EdgeMiddleware"


@pytest.mark.django_db
def test_unknown_api_route_answers_the_json_error_shape(client):
    r = client.get(f"{API}/no/such/route")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


@pytest.mark.django_db
def test_unexpected_api_error_is_json_with_a_logged_incident(
    client_raising, make_user, login, monkeypatch, caplog
):
    from zjtx.policy import selectors

    def boom():
        raise RuntimeError("unexpected")

    monkeypatch.setattr(selectors, "packages_current", boom)
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.get(f"{API}/policy/programs")
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == "internal_error"
    incident = body["fields"]["incident"]
    assert len(incident) == 32 and incident in body["message"]
    assert any(incident in rec.getMessage() for rec in caplog.records)


@pytest.mark.django_db
def test_unexpected_page_error_shows_the_incident_number(
    client_raising, make_user, login, monkeypatch, caplog
):
    from zjtx.core import selectors

    def boom(user):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(selectors, "home_for", boom)
    login(make_user(Role.CITY_OFFICER))
    r = client_raising.get("/")
    assert r.status_code == 500
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "zjtx.incident"]
    assert logged
    incident = logged[0].split()[1].rstrip(":")
    assert incident in r.content.decode()


def test_wan_filter_never_fails_on_an_unreadable_stored_value():
    from decimal import Decimal

    from zjtx.core.money import format_wan

    assert format_wan(Decimal("NaN")) == "—"
    assert format_wan(Decimal("Infinity")) == "—"
    assert format_wan(Decimal("1e24")) == "100,000,000,000,000,000,000.00"
    assert format_wan(Decimal("1e999999")) == "—"


@pytest.mark.django_db
def test_an_unreadable_multipart_put_is_400_not_the_catch_all(client_raising, world_city_client):
    r = world_city_client.generic(
        "PUT", f"{API}/enterprises/x/financials/2024", b"x", content_type="multipart/form-data"
    )
    assert r.status_code in (400, 404)
    assert r.json()["code"] != "internal_error"


@pytest.fixture
def world_city_client(client_raising, make_user, login):
    login(make_user(Role.CITY_OFFICER))
    return client_raising
