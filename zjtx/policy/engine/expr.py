"""A small, sandboxed expression language for rule packages.

Expressions are parsed with Python's ``ast`` module in ``eval`` mode and then *compiled by this
module* into a tree of closures over a whitelist of node types. Nothing is ever handed to
``eval``/``exec``: attribute access, lambdas, comprehensions, imports and calls to anything but
the functions in ``FUNCTIONS`` are rejected when the package is loaded.

Numbers are ``Decimal`` end to end: a numeric literal is read from its source text, never via
``float``. A missing fact is an ``Unknown`` value that carries the names of the missing facts;
it propagates through arithmetic and comparisons, and ``and``/``or``/``not`` follow Kleene's
three-valued logic, so ``False and <unknown>`` is ``False`` while ``True and <unknown>`` is
unknown. A missing fact therefore never turns into zero.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .functions import _UNKNOWN_AWARE, FUNCTIONS
from .values import (
    Compiled,
    Env,
    ExpressionError,
    Unknown,
    Value,
    _bool,
    _num,
    format_decimal,
    format_value,
    merge_unknown,
)


def _and(values: list[Value]) -> Value:
    unknown: Unknown | None = None
    for v in values:
        if v is False:
            return False
        if v.__class__ is Unknown:
            unknown = merge_unknown(unknown, v) if unknown is not None else v
        elif v is not True:
            _bool(v, "and")
    return unknown if unknown is not None else True


def _or(values: list[Value]) -> Value:
    unknown: Unknown | None = None
    for v in values:
        if v is True:
            return True
        if v.__class__ is Unknown:
            unknown = merge_unknown(unknown, v) if unknown is not None else v
        elif v is not False:
            _bool(v, "or")
    return unknown if unknown is not None else False


def kleene_and(values: list[Value]) -> Value:
    return _and(values)


def kleene_or(values: list[Value]) -> Value:
    return _or(values)


def _arith(op: ast.operator, a: Value, b: Value) -> Value:
    if a.__class__ is Unknown or b.__class__ is Unknown:
        return merge_unknown(a, b)
    x, y = _num(a, "arithmetic"), _num(b, "arithmetic")
    try:
        if isinstance(op, ast.Add):
            return x + y
        if isinstance(op, ast.Sub):
            return x - y
        if isinstance(op, ast.Mult):
            return x * y
        if isinstance(op, ast.Div):
            return x / y
    except ArithmeticError as exc:  # division by zero, overflow
        raise ExpressionError(f"arithmetic failed ({x}, {y}): {exc!r}", ARITHMETIC) from exc
    raise ExpressionError(f"operator {type(op).__name__} is not allowed")


def _compare(op: ast.cmpop, a: Value, b: Value) -> Value:
    if isinstance(op, ast.In | ast.NotIn):
        # A missing fact on either side makes the membership unknown.
        unknown = merge_unknown(a, b)
        if unknown:
            return unknown
        if not isinstance(b, tuple | list | dict | str | frozenset | set):
            raise ExpressionError(f"'in' needs a list on the right, got {b!r}", EVALUATION)
        found = a in b
        return found if isinstance(op, ast.In) else not found
    if a.__class__ is Unknown or b.__class__ is Unknown:
        return merge_unknown(a, b)
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    if isinstance(a, bool) or isinstance(b, bool) or type(a) is not type(b):
        raise ExpressionError(f"cannot order {a!r} and {b!r}")
    if isinstance(op, ast.Lt):
        return a < b
    if isinstance(op, ast.LtE):
        return a <= b
    if isinstance(op, ast.Gt):
        return a > b
    if isinstance(op, ast.GtE):
        return a >= b
    raise ExpressionError(f"comparison {type(op).__name__} is not allowed")


_ARITH: dict[type, Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


# Caps checked when a package is loaded, so that compiling and evaluating stay bounded.
MAX_EXPRESSION_LENGTH = 2000
MAX_EXPRESSION_DEPTH = 40
MAX_LITERAL = Decimal(10) ** 18
ARITHMETIC = "arithmetic_error"
EVALUATION = "evaluation_failed"


def _depth(node: ast.AST) -> int:
    """The nesting depth of an expression tree, without recursion."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_EXPRESSION_DEPTH:
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(current))
    return deepest


class Compiler:
    """Turns expression source into a closure; `names` is everything the expression may read."""

    def __init__(self, source: str, names: frozenset[str] | set[str]) -> None:
        self.source = source
        self.names = names
        self.used: set[str] = set()

    def compile(self) -> Compiled:
        text = self.source.strip()
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise ExpressionError(
                f"an expression is at most {MAX_EXPRESSION_LENGTH} characters long"
            )
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            raise ExpressionError(f"syntax error in {self.source!r}: {exc.msg}") from exc
        except (RecursionError, MemoryError, ValueError) as exc:
            raise ExpressionError(f"expression {self.source[:80]!r}… is too complex") from exc
        if _depth(tree.body) > MAX_EXPRESSION_DEPTH:
            raise ExpressionError(
                f"expression {self.source[:80]!r} nests deeper than {MAX_EXPRESSION_DEPTH} levels"
            )
        self.text = text
        return self._node(tree.body)

    def _node(self, node: ast.AST) -> Compiled:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ExpressionError(f"{type(node).__name__} is not allowed in {self.source!r}")
        result: Compiled = method(node)
        return result

    def _Constant(self, node: ast.Constant) -> Compiled:
        value: Value = node.value
        if isinstance(value, bool) or isinstance(value, str) or value is None:
            return lambda env: value
        if isinstance(value, int | float):
            text = ast.get_source_segment(self.text, node) or str(value)
            try:
                number = Decimal(text.replace("_", ""))
            except InvalidOperation as exc:
                raise ExpressionError(f"number {text!r} is not allowed") from exc
            if not number.is_finite() or abs(number) >= MAX_LITERAL:
                raise ExpressionError(f"number {text!r} is out of range")
            return lambda env: number
        raise ExpressionError(f"literal {value!r} is not allowed")

    def _Name(self, node: ast.Name) -> Compiled:
        name = node.id
        if name in ("true", "false"):
            flag = name == "true"
            return lambda env: flag
        if name not in self.names:
            raise ExpressionError(f"unknown name {name!r} in {self.source!r}")
        self.used.add(name)
        getter: Compiled = operator.itemgetter(name)
        return getter

    def _List(self, node: ast.List) -> Compiled:
        return self._literal_collection(node.elts)

    def _Tuple(self, node: ast.Tuple) -> Compiled:
        return self._literal_collection(node.elts)

    def _literal_collection(self, elts: list[ast.expr]) -> Compiled:
        items = [self._node(e) for e in elts]
        for e in elts:
            if not isinstance(e, ast.Constant):
                raise ExpressionError("lists may hold only literals")
        values = tuple(item({}) for item in items)
        return lambda env: values

    def _UnaryOp(self, node: ast.UnaryOp) -> Compiled:
        operand = self._node(node.operand)
        if isinstance(node.op, ast.Not):

            def not_(env: Env) -> Value:
                v = operand(env)
                return v if isinstance(v, Unknown) else not _bool(v, "not")

            return not_
        if isinstance(node.op, ast.USub):

            def neg(env: Env) -> Value:
                v = operand(env)
                return v if isinstance(v, Unknown) else -_num(v, "-")

            return neg
        raise ExpressionError(f"unary {type(node.op).__name__} is not allowed")

    def _BinOp(self, node: ast.BinOp) -> Compiled:
        if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")
        left, right, op = self._node(node.left), self._node(node.right), node.op
        fast = _ARITH[type(op)]

        def binop(env: Env) -> Value:
            a, b = left(env), right(env)
            if a.__class__ is Decimal and b.__class__ is Decimal and not isinstance(op, ast.Div):
                return fast(a, b)
            return _arith(op, a, b)

        return binop

    def _BoolOp(self, node: ast.BoolOp) -> Compiled:
        parts = [self._node(v) for v in node.values]
        # Kleene logic with short-circuit: a decisive operand (False for and, True for or)
        # settles the result whatever the unknown operands are.
        decisive = not isinstance(node.op, ast.And)
        what = "or" if decisive else "and"

        def boolop(env: Env) -> Value:
            unknown: Unknown | None = None
            for part in parts:
                v = part(env)
                if v.__class__ is bool:
                    if v is decisive:
                        return decisive
                elif v.__class__ is Unknown:
                    unknown = v if unknown is None else merge_unknown(unknown, v)
                else:
                    _bool(v, what)
            return unknown if unknown is not None else not decisive

        return boolop

    def _Compare(self, node: ast.Compare) -> Compiled:
        first = self._node(node.left)
        rest = [(op, self._node(c)) for op, c in zip(node.ops, node.comparators, strict=True)]
        for op, _ in rest:
            if not isinstance(
                op, ast.Eq | ast.NotEq | ast.Lt | ast.LtE | ast.Gt | ast.GtE | ast.In | ast.NotIn
            ):
                raise ExpressionError(f"comparison {type(op).__name__} is not allowed")

        if len(rest) == 1:
            op0, comp0 = rest[0]
            fast = _COMPARE.get(type(op0))

            def compare1(env: Env) -> Value:
                a, b = first(env), comp0(env)
                if fast is not None and a.__class__ is b.__class__ and a.__class__ is not bool:
                    if a.__class__ is Decimal or a.__class__ is str or a.__class__ is date:
                        return fast(a, b)
                return _compare(op0, a, b)

            return compare1

        def compare(env: Env) -> Value:
            results: list[Value] = []
            left = first(env)
            for op, comp in rest:
                right = comp(env)
                results.append(_compare(op, left, right))
                left = right
            return _and(results)

        return compare

    def _IfExp(self, node: ast.IfExp) -> Compiled:
        test, body, orelse = self._node(node.test), self._node(node.body), self._node(node.orelse)

        def if_(env: Env) -> Value:
            cond = test(env)
            if cond is True:
                return body(env)
            if cond is False:
                return orelse(env)
            if cond.__class__ is Unknown:
                return cond
            raise ExpressionError(f"if: expected true/false, got {cond!r}")

        return if_

    def _Subscript(self, node: ast.Subscript) -> Compiled:
        container, key = self._node(node.value), self._node(node.slice)

        def subscript(env: Env) -> Value:
            mapping, k = container(env), key(env)
            unknown = merge_unknown(mapping, k)
            if unknown:
                return unknown
            if mapping.__class__ is not dict:
                raise ExpressionError(f"{mapping!r} is not a table")
            if k not in mapping:
                raise ExpressionError(f"{k!r} is not a key of the table")
            return mapping[k]

        return subscript

    def _Call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(f"only these functions are allowed: {', '.join(FUNCTIONS)}")
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed")
        name = node.func.id
        fn = FUNCTIONS[name]
        args = [self._node(a) for a in node.args]
        aware = name in _UNKNOWN_AWARE

        def call(env: Env) -> Value:
            values = [a(env) for a in args]
            if not aware:
                for v in values:
                    if v.__class__ is Unknown:
                        return merge_unknown(*values)
            try:
                return fn(*values)
            except ArithmeticError as exc:
                raise ExpressionError(f"{name}(): {exc!r}", ARITHMETIC) from exc
            except (TypeError, ValueError) as exc:
                raise ExpressionError(f"{name}(): {exc}", EVALUATION) from exc

        return call


def compile_expression(source: str, names: frozenset[str] | set[str]) -> tuple[Compiled, set[str]]:
    """Compile `source`; returns the closure and the names it reads."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("an expression must be non-empty text")
    compiler = Compiler(str(source), names)
    return compiler.compile(), compiler.used


class Template:
    """Chinese explanation text with {expression} placeholders."""

    def __init__(self, text: str, names: frozenset[str] | set[str]) -> None:
        self.text = text
        self.parts: list[str | Compiled] = []
        self.used: set[str] = set()
        pos = 0
        while True:
            start = text.find("{", pos)
            if start < 0:
                self.parts.append(text[pos:])
                break
            end = text.find("}", start)
            if end < 0:
                raise ExpressionError(f"unclosed {{ in text {text!r}")
            self.parts.append(text[pos:start])
            fn, used = compile_expression(text[start + 1 : end], names)
            self.used |= used
            self.parts.append(fn)
            pos = end + 1

    def render(self, env: Env) -> str:
        out: list[str] = []
        for part in self.parts:
            out.append(part if isinstance(part, str) else format_value(part(env)))
        return "".join(out)


__all__ = [
    "FUNCTIONS",
    "Compiled",
    "ExpressionError",
    "Template",
    "Unknown",
    "compile_expression",
    "format_decimal",
    "format_value",
    "kleene_and",
    "kleene_or",
    "merge_unknown",
]
