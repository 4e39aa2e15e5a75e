import pytest
from hypothesis import given
from hypothesis import strategies as st

from zjtx.core.credit_code import (
    ALPHABET,
    ERROR_MESSAGES,
    check,
    make_valid_code,
    normalize,
    org_code_valid,
)

VALID = [
    "91350100M000100Y43",
    "91110000101623741K",
    "911101066976941872",
    "91340202MA2W000181",
    "91340207MA2TNE078R",
    "92340281MA8N123452",
    "91340200149000009R",
    "52340209MJB000122B",
]


@pytest.mark.parametrize("code", VALID)
def test_domain_examples_are_valid(code):
    assert check(code).valid


def test_changed_last_character_is_a_checksum_mismatch():
    assert check("91340202MA2W000180").errors == ["checksum_mismatch"]


def test_full_width_lower_case_input_with_spaces_is_normalised():
    result = check(" ９１３４０２０２ｍａ２ｗ０００１８１ ")
    assert result.normalized == "91340202MA2W000181"
    assert result.valid


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "empty"),
        ("9134020MA2W00018", "wrong_length"),
        ("91340202MA2W00018I", "invalid_characters"),
        ("9134A202MA2W000181", "invalid_division_code"),
        ("B1340202MA2W000181", "invalid_registration_authority"),
    ],
)
def test_each_problem_has_a_stable_code_and_a_chinese_message(raw, error):
    result = check(raw)
    assert error in result.errors
    assert "统一社会信用代码" in ERROR_MESSAGES[error]


def test_real_code_that_fails_the_checksum_is_reported():
    assert check("91350211M0000XUF46").errors == ["checksum_mismatch"]


def test_gb11714_warning_check():
    assert org_code_valid("91340202MA2W000181")
    assert not org_code_valid("91340202MA2W000191")


@given(
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(ALPHABET),
    body=st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)
def test_any_single_character_change_is_detected(position, replacement, body):
    code = make_valid_code("913402" + "02" + body)
    assert check(code).valid
    changed = code[:position] + replacement + code[position + 1 :]
    if changed == code:
        return
    assert not check(changed).valid


def test_normalize_none():
    assert normalize(None) == ""
