"""The expression language: Decimal arithmetic, three-valued logic, and the sandbox."""

from datetime import date
from decimal import Decimal

import pytest

from zjtx.policy.engine.expr import ExpressionError, Template, Unknown, compile_expression

NAMES = {"a", "b", "flag", "cat", "caps", "d"}


def run(source, **env):
    fn, _ = compile_expression(source, NAMES)
    return fn(env)


def missing(*names):
    return Unknown(frozenset(names))


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        ("a * 0.10", {"a": Decimal("3000000.05")}, Decimal("300000.0050")),
        ("a + b", {"a": Decimal("0.1"), "b": Decimal("0.2")}, Decimal("0.3")),
        ("a / b", {"a": Decimal(1), "b": Decimal(4)}, Decimal("0.25")),
        ("-a", {"a": Decimal(2)}, Decimal(-2)),
        ("min(a, b)", {"a": Decimal(1), "b": Decimal(2)}, Decimal(1)),
        ("max(a, b, 5)", {"a": Decimal(1), "b": Decimal(2)}, Decimal(5)),
        ("floor(a / 2)", {"a": Decimal(9)}, Decimal(4)),
        ("round(a, 2)", {"a": Decimal("0.125")}, Decimal("0.13")),
        ("pct(a, b)", {"a": Decimal(3), "b": Decimal(100)}, Decimal(3)),
        ("pct(a, b)", {"a": Decimal(3), "b": Decimal(0)}, Decimal(0)),
        ("growth(a, b)", {"a": Decimal(110), "b": Decimal(100)}, Decimal(10)),
        ("count(flag, true, false)", {"flag": True}, Decimal(2)),
        ("1 if flag else 2", {"flag": False}, Decimal(2)),
        ("cat in ['x', 'y']", {"cat": "y"}, True),
        ("cat not in ('x',)", {"cat": "y"}, True),
        ("caps[cat]", {"caps": {"x": Decimal(5)}, "cat": "x"}, Decimal(5)),
        ("1 < a <= 3", {"a": Decimal(3)}, True),
        ("year(d)", {"d": date(2025, 5, 1)}, Decimal(2025)),
        ("a == 2025", {"a": Decimal(2025)}, True),
        ("sqrt(a)", {"a": Decimal("1.1025")}, Decimal("1.05")),
    ],
)
def test_expression_values(source, env, expected):
    assert run(source, **env) == expected


def test_numeric_literals_are_decimal_from_source_text():
    value = run("0.1 + 0.2")
    assert isinstance(value, Decimal)
    assert value == Decimal("0.3")


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        ("flag and a > 1", {"flag": False, "a": missing("a")}, False),
        ("flag or a > 1", {"flag": True, "a": missing("a")}, True),
        ("flag and a > 1", {"flag": True, "a": missing("a")}, missing("a")),
        ("flag or a > 1", {"flag": False, "a": missing("a")}, missing("a")),
        ("a + b", {"a": missing("a"), "b": missing("b")}, missing("a", "b")),
        ("not flag", {"flag": missing("flag")}, missing("flag")),
        ("1 if flag else 2", {"flag": missing("flag")}, missing("flag")),
        ("caps[cat]", {"caps": {"x": Decimal(1)}, "cat": missing("cat")}, missing("cat")),
        ("min(a, 5)", {"a": missing("a")}, missing("a")),
    ],
)
def test_missing_facts_propagate_and_never_become_zero(source, env, expected):
    assert run(source, **env) == expected


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "a.__class__",
        "(lambda: 1)()",
        "[x for x in a]",
        "open('/etc/passwd')",
        "eval('1')",
        "a ** 2",
        "a // 2",
        "a % 2",
        "a @ b",
        "f'{a}'",
        "{'k': 1}",
        "a if b",
        "",
        "unknown_name + 1",
        "min(a, key=b)",
        "a[1:2]",
    ],
)
def test_anything_outside_the_whitelist_is_refused_at_compile_time(source):
    with pytest.raises(ExpressionError):
        compile_expression(source, NAMES)


def test_type_errors_and_division_by_zero_fail_loudly():
    with pytest.raises(ExpressionError):
        run("a + flag", a=Decimal(1), flag=True)
    with pytest.raises(ExpressionError):
        run("a / b", a=Decimal(1), b=Decimal(0))
    with pytest.raises(ExpressionError):
        run("flag and a", flag=True, a=Decimal(1))
    with pytest.raises(ExpressionError):
        run("caps[cat]", caps={"x": Decimal(1)}, cat="y")


def test_template_renders_values_for_chinese_text():
    template = Template("投资{wan(a)}，奖补{yuan(b)}，比例{percent(a / b)}，{flag}", NAMES)
    text = template.render(
        {"a": Decimal(3000000), "b": Decimal("300000.5"), "flag": True, "cat": "x"}
    )
    # 3,000,000 / 300,000.5 is 9.99998…%: below 10 %, so it never reads "10%".
    assert text == "投资300万元，奖补300,000.50元，比例9.999%，是"
    assert Template("{percent(a)}", NAMES).render({"a": Decimal("12.345")}) == "12.35%"
    assert Template("{wan(a)}", NAMES).render({"a": missing("a")}) == "（未知）"


def test_template_refuses_bad_placeholders():
    with pytest.raises(ExpressionError):
        Template("{a.__class__}", NAMES)
    with pytest.raises(ExpressionError):
        Template("unclosed {a", NAMES)


def test_explanation_figures_never_contradict_the_threshold_through_rounding():
    from zjtx.policy.engine.functions import FUNCTIONS

    wan, percent = FUNCTIONS["wan"], FUNCTIONS["percent"]
    # 9,999,999.99 元 is below 1,000 万元: it must not read "1,000万元".
    assert wan(Decimal("9999999.99")) == "999.999万元"
    assert wan(Decimal("10000000")) == "1,000万元"
    assert wan(Decimal("22926888")) == "2,292.69万元"
    assert percent(Decimal("5.99996")) == "5.999%"
    assert percent(Decimal("36.815104235818560668066539")) == "36.82%"
    assert percent(Decimal("6")) == "6%"


def test_a_computed_figure_in_a_text_has_at_most_two_decimals():
    template = Template("资产负债率{a}%，不高于{b}%", NAMES)
    text = template.render({"a": Decimal("36.815104235818560668066539"), "b": Decimal(75)})
    assert text == "资产负债率36.82%，不高于75%"
    assert Template("{a}", NAMES).render({"a": Decimal("74.99999")}) == "74.999"
    assert Template("{a}", NAMES).render({"a": Decimal("2025")}) == "2025"
