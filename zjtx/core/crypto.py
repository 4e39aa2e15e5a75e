"""Personal data at rest: SM4 (GB/T 32907) with an HMAC-SM3 tag, key ids, blind indexes, masks.

ADR 0017. A value is stored as ``SM4.<key id>.<base64url(iv | ciphertext | tag)>``:

- SM4-CBC with a random 16-byte IV and PKCS#7 padding (gmssl's pure-Python SM4);
- encrypt-then-MAC: the tag is HMAC-SM3 over a version label, the field's context (``app.model.
  field``, so a ciphertext cannot be moved into another column), the key id, the IV and the
  ciphertext, checked in constant time before anything is decrypted;
- the encryption and MAC keys are both derived from the configured key by HMAC-SM3 with distinct
  labels, so one configured key never serves two purposes.

Keys come from the environment: ``ZJTX_SM4_KEYS="id:hex,id:hex"`` (16 or 32 bytes each), the first
is current and encrypts, every listed one decrypts, so keys rotate by putting a new one first and
running ``manage.py rotate_keys``. ``ZJTX_BLIND_INDEX_KEY`` (hex) keys the blind index, the HMAC of
the normalised value kept beside the ciphertext for duplicate checks and exact lookups.

Use ``EncryptedTextField`` for the column (encrypt on save, decrypt on load) and
``BlindIndexField(source=...)`` beside it when the value is looked up or must be unique.
Pages and exports show ``mask_id_number``/``mask_phone`` unless the role needs the value, and then
``reveal`` hands it over and writes an audit event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _
from gmssl.sm4 import SM4_DECRYPT, SM4_ENCRYPT, CryptSM4

from .errors import DomainError, Forbidden

logger = logging.getLogger("zjtx.crypto")

PREFIX = "SM4"
VERSION_LABEL = b"ZJTX-SM4-CBC-HMAC-SM3-1"
IV_BYTES = 16
TAG_BYTES = 32
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
# The key the development and test settings derive; production refuses it (config.settings.prod).
DEV_KEY_ID = "DEV-NOT-SECRET"


class CryptoErrorCode(StrEnum):
    REVEAL_FORBIDDEN = "reveal_forbidden"
    REVEAL_REASON_REQUIRED = "reveal_reason_required"
    NOT_ENCRYPTED_FIELD = "not_encrypted_field"


class DecryptionError(Exception):
    """The stored value is not a ciphertext this site can open: unknown key id, bad format, or a
    tag that does not match (the value was altered or moved from another column)."""


# ---- HMAC-SM3 ------------------------------------------------------------------------------


def _sm3_available() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_HASHLIB_SM3 = _sm3_available()


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) with SM3 (GB/T 32905): OpenSSL's SM3 when present, else gmssl's."""
    if _HASHLIB_SM3:
        return hmac.new(key, message, "sm3").digest()
    from gmssl import func, sm3

    def sm3_digest(data: bytes) -> bytes:
        return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))

    block = 64
    if len(key) > block:
        key = sm3_digest(key)
    key = key.ljust(block, b"\0")
    inner = sm3_digest(bytes(b ^ 0x36 for b in key) + message)
    return sm3_digest(bytes(b ^ 0x5C for b in key) + inner)


# ---- Keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataKey:
    key_id: str
    enc_key: bytes  # 16 bytes for SM4
    mac_key: bytes  # 32 bytes for HMAC-SM3


def _derive(key_id: str, material: bytes) -> DataKey:
    return DataKey(
        key_id=key_id,
        enc_key=hmac_sm3(material, b"zjtx-sm4-encryption")[:16],
        mac_key=hmac_sm3(material, b"zjtx-sm4-authentication"),
    )


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[DataKey, ...]:
    keys: list[DataKey] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key_id, sep, hex_material = item.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID_RE.match(key_id):
            raise ImproperlyConfigured(
                "ZJTX_SM4_KEYS: each entry is <id>:<hex>, the id 1-16 of A-Z a-z 0-9 _ -"
            )
        try:
            material = bytes.fromhex(hex_material.strip())
        except ValueError as exc:
            raise ImproperlyConfigured(f"ZJTX_SM4_KEYS: key {key_id} is not hex") from exc
        if len(material) not in (16, 32):
            raise ImproperlyConfigured(f"ZJTX_SM4_KEYS: key {key_id} must be 16 or 32 bytes")
        if any(k.key_id == key_id for k in keys):
            raise ImproperlyConfigured(f"ZJTX_SM4_KEYS: key id {key_id} appears twice")
        keys.append(_derive(key_id, material))
    if not keys:
        raise ImproperlyConfigured("ZJTX_SM4_KEYS is empty; see docs/operations.md")
    return tuple(keys)


def data_keys() -> tuple[DataKey, ...]:
    """Every configured key, the current (encrypting) one first."""
    return _parse_keys(str(getattr(settings, "ZJTX_SM4_KEYS", "")))


def current_key() -> DataKey:
    return data_keys()[0]


def _key_by_id(key_id: str) -> DataKey:
    for key in data_keys():
        if key.key_id == key_id:
            return key
    raise DecryptionError(f"unknown key id {key_id!r}")


@lru_cache(maxsize=8)
def _blind_key(spec: str) -> bytes:
    try:
        material = bytes.fromhex(spec)
    except ValueError as exc:
        raise ImproperlyConfigured("ZJTX_BLIND_INDEX_KEY is not hex") from exc
    if len(material) < 16:
        raise ImproperlyConfigured("ZJTX_BLIND_INDEX_KEY must be at least 16 bytes (32 hex)")
    return hmac_sm3(material, b"zjtx-blind-index")


def dev_key_hex(label: str) -> str:
    """A fixed key for development and tests only (derived from a public label)."""
    return hashlib.sha256(f"zjtx-dev-only-not-secret:{label}".encode()).hexdigest()[:32]


# ---- Encrypt / decrypt ---------------------------------------------------------------------


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(key: DataKey, context: str, iv: bytes, body: bytes) -> bytes:
    message = b"\0".join([VERSION_LABEL, context.encode(), key.key_id.encode(), iv + body])
    return hmac_sm3(key.mac_key, message)


def is_ciphertext(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ".") and value.count(".") == 2


def key_id_of(value: str) -> str | None:
    """The key id a stored value was encrypted under, or None for plaintext."""
    return value.split(".")[1] if is_ciphertext(value) else None


def encrypt(plaintext: str, *, context: str = "", key: DataKey | None = None) -> str:
    """SM4-CBC under the current key, tagged with HMAC-SM3; see the module docstring."""
    key = key or current_key()
    iv = secrets.token_bytes(IV_BYTES)
    cipher = CryptSM4()
    cipher.set_key(key.enc_key, SM4_ENCRYPT)
    body = cipher.crypt_cbc(iv, plaintext.encode("utf-8"))
    return f"{PREFIX}.{key.key_id}.{_b64e(iv + body + _tag(key, context, iv, body))}"


def decrypt(stored: str, *, context: str = "") -> str:
    """Check the tag, then decrypt; DecryptionError for anything altered or unknown."""
    if not is_ciphertext(stored):
        raise DecryptionError("not an SM4 ciphertext")
    _prefix, key_id, payload = stored.split(".")
    key = _key_by_id(key_id)
    try:
        raw = _b64d(payload)
    except (ValueError, TypeError) as exc:
        raise DecryptionError("bad encoding") from exc
    if len(raw) < IV_BYTES + 16 + TAG_BYTES or (len(raw) - IV_BYTES - TAG_BYTES) % 16:
        raise DecryptionError("bad length")
    iv, body, tag = raw[:IV_BYTES], raw[IV_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    if not hmac.compare_digest(_tag(key, context, iv, body), tag):
        raise DecryptionError("tag mismatch")
    cipher = CryptSM4()
    cipher.set_key(key.enc_key, SM4_DECRYPT)
    try:
        return cipher.crypt_cbc(iv, body).decode("utf-8")
    except (UnicodeDecodeError, IndexError) as exc:  # pragma: no cover - the tag held
        raise DecryptionError("bad padding") from exc


# ---- Blind index ---------------------------------------------------------------------------


def normalise(value: str, scope: str = "") -> str:
    """The form compared for equality: NFKC (full-width digits), no blanks or hyphens, upper
    case (an ID number's check letter X); phone numbers keep digits only, without a +86."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[\s\-]+", "", text).upper()
    if scope == "phone":
        text = re.sub(r"\D", "", text)
        if len(text) == 13 and text.startswith("86"):
            text = text[2:]
    return text


def blind_index(value: str, scope: str = "") -> str:
    """Keyed HMAC-SM3 of the normalised value (hex, 32 characters); "" for an empty value.

    `scope` separates kinds of value (``id_number``, ``phone``), so equal digits in two kinds do
    not produce the same index. Without the key the index cannot be brute-forced from the
    (small) space of phone or ID numbers.
    """
    text = normalise(value, scope)
    if not text:
        return ""
    key = _blind_key(str(getattr(settings, "ZJTX_BLIND_INDEX_KEY", "")))
    return hmac_sm3(key, f"{scope}\0{text}".encode()).hex()[:32]


# ---- Masks ---------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """340202199001011234 → 3402**********1234 (birth date hidden); short values keep the
    last two characters only."""
    text = normalise(value or "")
    if not text:
        return ""
    if len(text) >= 15:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * max(len(text) - 2, 1) + text[-2:]


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678; 0553-1234567 → 055****4567; short numbers keep two digits."""
    text = re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", str(value or "")))
    if not text:
        return ""
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return "*" * max(len(text) - 2, 1) + text[-2:]


MASKS = {"id_number": mask_id_number, "phone": mask_phone}


# ---- Model fields --------------------------------------------------------------------------


class Undecryptable(str):
    """Shown instead of a value whose tag fails: the page still renders, the stored ciphertext
    is kept untouched on save (get_prep_value writes `raw` back), and the event is logged."""

    raw: str

    def __new__(cls, raw: str) -> Undecryptable:
        obj = super().__new__(cls, str(_("(cannot be decrypted)")))
        obj.raw = raw
        return obj


class EncryptedTextField(models.TextField):
    """Text stored as an SM4 ciphertext; the Python value is the plaintext.

    Only `isnull` and `exact` with "" are allowed in queries (an encrypted value never equals
    another encryption of itself): look values up through a BlindIndexField. `kind` picks the
    mask (``id_number`` or ``phone``); `reveal_roles` are the roles for which `reveal` decrypts.
    A plaintext left in the column (rows written before the field was encrypted) is read as is
    and encrypted on the next save or by `manage.py rotate_keys`.
    """

    description = _("Encrypted text (SM4)")

    def __init__(
        self,
        *args: Any,
        kind: str = "",
        reveal_roles: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        self.kind = kind
        self.reveal_roles = frozenset(reveal_roles)
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.kind:
            kwargs["kind"] = self.kind
        # reveal_roles is policy, not schema: changing it needs no migration.
        return name, path, args, kwargs

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "" or not is_ciphertext(value):
            return value
        try:
            return decrypt(value, context=self.crypto_context)
        except DecryptionError as exc:
            logger.error(
                "undecryptable value in %s (%s): %s", self.crypto_context, key_id_of(value), exc
            )
            return Undecryptable(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, Undecryptable):
            return value.raw
        if value is None or value == "" or is_ciphertext(value):
            return value
        return encrypt(str(value), context=self.crypto_context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ("exact", "isnull", "iexact"):
            return None
        return {"exact": EncryptedExact, "iexact": EncryptedExact, "isnull": IsNull}[lookup_name]


class EncryptedExact(Exact):
    """`field=""` (blank) is allowed; comparing to a value is refused: use the blind index."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise TypeError(
                f"{self.lhs.output_field.name} is encrypted; look it up through its blind index"
            )
        return "" if self.rhs is None else self.rhs


class BlindIndexField(models.CharField):
    """The blind index of another field, kept up to date on every save (and bulk_create).

    ``queryset.update()`` and ``bulk_update()`` do not call it: set it with `blind_index`; a
    ``save(update_fields=[...])`` naming the source must name this field too.
    """

    def __init__(self, *args: Any, source: str = "", scope: str = "", **kwargs: Any) -> None:
        self.source = source
        self.scope = scope
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.scope:
            kwargs["scope"] = self.scope
        for key, default in (("max_length", 32), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("editable", None)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = blind_index(getattr(model_instance, self.source) or "", self.scope)
        setattr(model_instance, self.attname, value)
        return value

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        try:
            self.model._meta.get_field(self.source)
        except Exception:
            errors.append(
                checks.Error(f"BlindIndexField source {self.source!r} is not a field", obj=self)
            )
        return errors


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


# ---- Showing and revealing -----------------------------------------------------------------


def _field(obj: models.Model, field: str) -> EncryptedTextField:
    model_field = obj._meta.get_field(field)
    if not isinstance(model_field, EncryptedTextField):
        raise DomainError(CryptoErrorCode.NOT_ENCRYPTED_FIELD, _("This field is not encrypted."))
    return model_field


def can_reveal(actor: Any, obj: models.Model, field: str) -> bool:
    """Whether actor's role is one the field names in `reveal_roles` (scope is the caller's:
    obj must come from a queryset scoped to the actor)."""
    model_field = _field(obj, field)
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
        and str(getattr(actor, "role", "")) in model_field.reveal_roles
    )


def masked(obj: models.Model, field: str) -> str:
    """The value as a page or export shows it to a role that does not need it."""
    model_field = _field(obj, field)
    value = getattr(obj, field) or ""
    if isinstance(value, Undecryptable):
        return str(value)
    mask = MASKS.get(model_field.kind, mask_id_number)
    return mask(value)


def reveal(obj: models.Model, field: str, *, actor: Any, reason: str) -> str:
    """The plaintext for a role that needs it, with an audit event (who, which record, which
    field, why; never the value). Forbidden for other roles; the reason is required."""
    from .audit import audit_record

    reason = (reason or "").strip()
    if not can_reveal(actor, obj, field):
        raise Forbidden(CryptoErrorCode.REVEAL_FORBIDDEN, _("Your role cannot view this value."))
    if not reason:
        raise DomainError(
            CryptoErrorCode.REVEAL_REASON_REQUIRED,
            _("Give the reason for viewing the full value."),
            {"reason": _("This field is required.")},
        )
    value = getattr(obj, field) or ""
    audit_record(
        actor=actor,
        action="pii.reveal",
        obj=obj,
        after={"field": field, "reason": reason[:200]},
    )
    return str(value)


# ---- Checks --------------------------------------------------------------------------------


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: the keys parse and none of them is the development key."""
    problems: list[checks.CheckMessage] = []
    try:
        keys = data_keys()
        _blind_key(str(getattr(settings, "ZJTX_BLIND_INDEX_KEY", "")))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="zjtx.E017")]
    if any(k.key_id == DEV_KEY_ID for k in keys) or str(
        getattr(settings, "ZJTX_BLIND_INDEX_KEY", "")
    ) == dev_key_hex("blind-index"):
        problems.append(
            checks.Error(
                "ZJTX_SM4_KEYS or ZJTX_BLIND_INDEX_KEY is the development key", id="zjtx.E018"
            )
        )
    return problems


# ---- Rotation ------------------------------------------------------------------------------


@dataclass
class RotationReport:
    model: str
    scanned: int = 0
    rewritten: int = 0
    current: int = 0
    plaintext: int = 0
    failed: int = 0


def _needs_rewrite(raw: str | None, current_id: str) -> bool:
    return bool(raw) and key_id_of(str(raw)) != current_id


def rotate_model(
    model: type[models.Model],
    *,
    batch_size: int = 500,
    after_pk: Any = None,
    progress: Any = None,
) -> RotationReport:
    """Re-encrypt every encrypted column of `model` under the current key, batch by batch.

    Each batch is its own transaction, rows already under the current key are left alone, so an
    interrupted run is resumed by running it again (or from `after_pk`). Plaintext rows are
    encrypted, blind indexes recomputed (which also moves them to a new blind-index key).
    Undecryptable rows are counted and left untouched. Uses ``update()``: no save() side effects.
    """
    from django.db import transaction
    from django.db.models import ExpressionWrapper, F, TextField

    fields = encrypted_fields(model)
    bidx = blind_index_fields(model)
    report = RotationReport(model=model._meta.label)
    if not fields:
        return report
    current_id = current_key().key_id
    raw_names = {f.attname: f"_raw_{f.attname}" for f in fields}
    qs = model._base_manager.order_by("pk").annotate(
        **{
            alias: ExpressionWrapper(F(attname), output_field=TextField())
            for attname, alias in raw_names.items()
        }
    )
    last = after_pk
    while True:
        page = qs.filter(pk__gt=last) if last is not None else qs
        rows = list(page.values("pk", *raw_names.values(), *(b.attname for b in bidx))[:batch_size])
        if not rows:
            break
        with transaction.atomic():
            for row in rows:
                report.scanned += 1
                changes: dict[str, Any] = {}
                plain: dict[str, str] = {}
                broken = False
                for f in fields:
                    raw = row[raw_names[f.attname]]
                    if not raw:
                        plain[f.name] = ""
                        continue
                    if not is_ciphertext(raw):
                        plain[f.name] = raw
                        report.plaintext += 1
                    else:
                        try:
                            plain[f.name] = decrypt(raw, context=f.crypto_context)
                        except DecryptionError:
                            broken = True
                            continue
                    if _needs_rewrite(raw, current_id):
                        changes[f.attname] = plain[f.name]
                for b in bidx:
                    if b.source in plain:
                        index = blind_index(plain[b.source], b.scope)
                        if index != row[b.attname]:
                            changes[b.attname] = index
                if broken:
                    report.failed += 1
                    logger.error("rotate_keys: undecryptable value in %s pk=%s", model, row["pk"])
                    continue
                if any(a in changes for a in raw_names):
                    model._base_manager.filter(pk=row["pk"]).update(**changes)
                    report.rewritten += 1
                else:
                    if changes:  # only a blind index was stale (e.g. a new blind-index key)
                        model._base_manager.filter(pk=row["pk"]).update(**changes)
                    report.current += 1
        last = rows[-1]["pk"]
        if progress:
            progress(report, last)
    return report


def models_with_encrypted_fields() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if encrypted_fields(m)]


def encrypt_existing_rows(apps: Any, schema_editor: Any, labels: Iterable[str] = ()) -> None:
    """Data migrations: encrypt the plaintext rows of each "app_label.Model" (RunPython)."""
    for label in labels:
        rotate_model(apps.get_model(label))


def decrypt_existing_rows(apps: Any, schema_editor: Any, labels: Iterable[str] = ()) -> None:
    """The reverse: write every value back as plaintext, so the column can become text again."""
    from django.db.models import ExpressionWrapper, F, TextField

    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for label in labels:
        model = apps.get_model(label)
        fields = encrypted_fields(model)
        aliases = {f.attname: f"_raw_{f.attname}" for f in fields}
        rows = model._base_manager.annotate(
            **{a: ExpressionWrapper(F(n), output_field=TextField()) for n, a in aliases.items()}
        ).values("pk", *aliases.values())
        with connection.cursor() as cursor:
            for row in rows.iterator(500):
                for f in fields:
                    raw = row[aliases[f.attname]]
                    if not is_ciphertext(raw):
                        continue
                    cursor.execute(
                        f"UPDATE {quote(model._meta.db_table)} SET {quote(f.column)} = %s "
                        f"WHERE {quote(model._meta.pk.column)} = %s",
                        [decrypt(raw, context=f.crypto_context), row["pk"]],
                    )
