"""SM4 personal-data encryption (ADR 0017): round trip, tamper detection, keys, blind index,
masks and reveal."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from zjtx.core import crypto
from zjtx.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    encrypt,
    hmac_sm3,
    key_id_of,
    mask_id_number,
    mask_phone,
)

K1 = "k1:" + "11" * 16
K2 = "k2:" + "22" * 16


def test_round_trip_chinese_and_ascii() -> None:
    for text in ["340202199001011234", "13812345678", "张三 0553-1234567", "x" * 100]:
        stored = encrypt(text, context="a.b.c")
        assert stored.startswith("SM4.DEV-NOT-SECRET.")
        assert text not in stored
        assert decrypt(stored, context="a.b.c") == text


def test_same_plaintext_encrypts_differently_each_time() -> None:
    assert encrypt("13812345678") != encrypt("13812345678")


def test_sm4_matches_the_standard_test_vector() -> None:
    """GB/T 32907-2016 Appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210."""
    from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

    block = bytes.fromhex("0123456789abcdeffedcba9876543210")
    cipher = CryptSM4(padding_mode=2)  # no padding
    cipher.set_key(block, SM4_ENCRYPT)
    assert cipher.one_round(cipher.sk, list(block)) == list(
        bytes.fromhex("681edf34d206965e86b3e94f536e4246")
    )


def test_hmac_sm3_matches_openssl_and_the_pure_python_fallback(monkeypatch) -> None:
    fast = hmac_sm3(b"key", b"message")
    monkeypatch.setattr(crypto, "_HASHLIB_SM3", False)
    assert hmac_sm3(b"key", b"message") == fast
    assert len(fast) == 32


@pytest.mark.parametrize("position", [0, 10, 20, -1])
def test_any_flipped_byte_is_detected(position: int) -> None:
    stored = encrypt("340202199001011234", context="a.b.c")
    prefix, kid, payload = stored.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[position] ^= 0x01
    forged = f"{prefix}.{kid}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"
    with pytest.raises(DecryptionError):
        decrypt(forged, context="a.b.c")


def test_a_ciphertext_moved_to_another_column_does_not_open() -> None:
    stored = encrypt("13812345678", context="enterprises.enterprise.contact_phone")
    with pytest.raises(DecryptionError):
        decrypt(stored, context="enterprises.enterprise.legal_rep_id_number")


def test_truncated_and_unknown_key_values_are_refused() -> None:
    stored = encrypt("13812345678")
    with pytest.raises(DecryptionError):
        decrypt(stored[:-8])
    with pytest.raises(DecryptionError):
        decrypt(stored.replace("DEV-NOT-SECRET", "gone"))
    with pytest.raises(DecryptionError):
        decrypt("13812345678")


def test_rotation_old_keys_still_decrypt_and_the_first_key_encrypts() -> None:
    with override_settings(ZJTX_SM4_KEYS=K1):
        old = encrypt("13812345678")
    with override_settings(ZJTX_SM4_KEYS=f"{K2},{K1}"):
        assert key_id_of(old) == "k1"
        assert decrypt(old) == "13812345678"
        assert key_id_of(encrypt("x")) == "k2"
    with override_settings(ZJTX_SM4_KEYS=K2), pytest.raises(DecryptionError):
        decrypt(old)


@pytest.mark.parametrize(
    "spec",
    ["", "k1", "k1:zz", "k1:" + "11" * 8, "bad id:" + "11" * 16, f"{K1},{K1}"],
)
def test_bad_key_settings_are_refused(spec: str) -> None:
    with override_settings(ZJTX_SM4_KEYS=spec), pytest.raises(ImproperlyConfigured):
        encrypt("x")


def test_blind_index_normalises_and_depends_on_key_and_scope() -> None:
    a = blind_index("34020219900101123x", "id_number")
    assert a == blind_index(" 340202 19900101 123X ", "id_number")
    assert a == blind_index("３４０２０２１９９００１０１１２３Ｘ", "id_number")  # full width
    assert a != blind_index("340202199001011234", "id_number")
    assert blind_index("13812345678", "phone") == blind_index("+86 138-1234-5678", "phone")
    assert blind_index("13812345678", "phone") != blind_index("13812345678", "id_number")
    assert len(a) == 32 and "340202" not in a
    assert blind_index("", "phone") == ""
    with override_settings(ZJTX_BLIND_INDEX_KEY="33" * 16):
        assert blind_index("34020219900101123X", "id_number") != a


def test_masks() -> None:
    assert mask_id_number("340202199001011234") == "3402**********1234"
    assert mask_id_number("34020219900101123x") == "3402**********123X"
    assert mask_id_number("") == ""
    assert mask_id_number("AB123") == "***23"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0553-1234567") == "055****4567"
    assert mask_phone("12345") == "***45"
    assert mask_phone(None) == ""


def test_encrypted_field_allows_only_blank_and_null_lookups() -> None:
    from zjtx.core.crypto import EncryptedTextField

    field = EncryptedTextField(kind="phone")
    assert field.get_lookup("icontains") is None
    assert field.get_lookup("startswith") is None
    assert field.get_lookup("isnull") is not None
