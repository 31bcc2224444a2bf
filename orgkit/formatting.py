"""One way to write each kind of number a reader sees: counts, decimals, shares, signed changes, p-values.

Every number in a report, a figure or a catalogue sentence goes through these functions, so one quantity
is written one way everywhere: whole numbers with thousands separators (``3,711``, never ``3711`` beside
it), a true minus sign (``−0.88``, U+2212, not the hyphen ``-``), no signed zero (a value that rounds to
zero is ``0.00``, never ``−0.00`` or ``+0.00``), shares as percentages (``25%``), p-values as
``p < 0.001`` or ``p = 0.03`` (never ``p 0.000``), and ranges with an en dash (``4–12``).

Chinese reports use the same digits and separators (``3,711``、``25%``, no space before the percent sign,
as Chinese business writing does); nothing here depends on the language, so the functions take none.

This module imports nothing from orgkit: the catalogue (:mod:`orgkit.i18n`) formats the numbers of its
sentences with :func:`number` and every other module can import it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "MINUS",
    "NA",
    "is_missing",
    "number",
    "integer",
    "decimals",
    "percent",
    "signed",
    "points",
    "p_value",
    "p_cell",
    "span",
    "true_minus",
]

#: The minus sign of every negative number a reader sees (U+2212).
MINUS = "\u2212"
#: How a missing value is shown.
NA = "–"


def is_missing(value: Any) -> bool:
    """Whether ``value`` is missing: ``None``, NaN or pandas' ``NA``/``NaT``.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        result = pd.isna(value)
    except (TypeError, ValueError):  # pragma: no cover - a value pandas cannot judge
        return False
    return result if isinstance(result, bool) else bool(getattr(result, "item", lambda: False)()) \
        if getattr(result, "ndim", 1) == 0 else False


def true_minus(text: str) -> str:
    """``text`` with a leading hyphen-minus (``-0.5``) written as a true minus sign, and no signed zero.

    Only the sign of a number written by Python is changed; the text is otherwise returned as it is.

    Examples
    --------
    >>> true_minus("-0.88"), true_minus("-0.00"), true_minus("+0.0"), true_minus("12")
    ('−0.88', '0.00', '0.0', '12')
    """
    if text[:1] in ("-", "+", MINUS) and not any(ch in "123456789" for ch in text):
        return text[1:]  # rounds to zero: no sign
    return MINUS + text[1:] if text.startswith("-") else text


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Number) or is_missing(value):
        return None
    return float(value)


def number(value: Any, digits: int | None = 1, *, na: str = NA) -> str:
    """A number for a reader: thousands separators, ``digits`` decimals, whole numbers without decimals.

    Parameters
    ----------
    value : number
        Anything else is returned as ``str(value)``; a missing value as ``na``.
    digits : int or None
        Decimals of a number that is not whole; ``None``: as many as needed (up to six significant
        digits, ``0.35``, ``1,234.5``).
    na : str
        The text of a missing value.

    Examples
    --------
    >>> number(1234.5678), number(12.0), number(-0.04), number(-3), number(3711)
    ('1,234.6', '12', '0.0', '−3', '3,711')
    >>> number(0.35, None), number(float("inf")), number(None)
    ('0.35', '∞', '–')
    """
    if is_missing(value):
        return na
    v = _number_or_none(value)
    if v is None:
        return str(value)
    if math.isinf(v):
        return "∞" if v > 0 else MINUS + "∞"
    if v == int(v) and abs(v) < 1e15:
        return true_minus(f"{int(v):,}")
    if digits is None:
        return true_minus(format(v, ",.6g"))
    return true_minus(f"{v:,.{digits}f}")


def integer(value: Any, *, na: str = NA) -> str:
    """A whole number with thousands separators (rounded half to even).

    Examples
    --------
    >>> integer(3711), integer(2.6), integer(-1200)
    ('3,711', '3', '−1,200')
    """
    v = _number_or_none(value)
    return na if v is None or math.isinf(v) else true_minus(f"{round(v):,}")


def decimals(value: Any, digits: int = 2, *, na: str = NA) -> str:
    """A number with exactly ``digits`` decimals (a column of means: ``5.0`` beside ``5.5``, not ``5``).

    Examples
    --------
    >>> decimals(5, 1), decimals(-0.004, 2), decimals(1234.5, 1)
    ('5.0', '0.00', '1,234.5')
    """
    v = _number_or_none(value)
    if v is None:
        return na
    if math.isinf(v):
        return number(v)
    return true_minus(f"{v:,.{digits}f}")


def percent(value: Any, digits: int = 0, *, na: str = NA) -> str:
    """A share (a fraction) as a percentage, no space before the sign (``25%``, in both languages).

    Examples
    --------
    >>> percent(0.253), percent(0.0004), percent(-0.004), percent(1.0), percent(0.125, 1)
    ('25%', '0%', '0%', '100%', '12.5%')
    """
    v = _number_or_none(value)
    if v is None or math.isinf(v):
        return na
    return true_minus(f"{100 * v:,.{digits}f}") + "%"


def signed(value: Any, digits: int = 2, *, na: str = NA) -> str:
    """A number that can go either way (an E-I index, a change), with its sign: ``+0.70``, ``−0.88``, ``0.00``.

    A value that rounds to zero has no sign.

    Examples
    --------
    >>> signed(0.7), signed(-0.876), signed(-0.001), signed(0.004)
    ('+0.70', '−0.88', '0.00', '0.00')
    """
    v = _number_or_none(value)
    if v is None:
        return na
    return true_minus(f"{v:+,.{digits}f}")


def points(value: Any, *, na: str = NA) -> str:
    """A change of a share in percentage points, signed and whole: ``+6``, ``−7``, ``0``.

    Examples
    --------
    >>> points(0.06), points(-0.071), points(0.004)
    ('+6', '−7', '0')
    """
    v = _number_or_none(value)
    if v is None:
        return na
    return true_minus(f"{round(100 * v):+d}")


def p_cell(value: Any, *, na: str = NA) -> str:
    """A p-value in a table column headed "p": ``< 0.001``, ``0.004``, ``0.03``, ``0.22``, ``> 0.99``.

    Below 0.01 three decimals are shown (below 0.001 only that bound), otherwise two.

    Examples
    --------
    >>> p_cell(0.0002), p_cell(0.0042), p_cell(0.0312), p_cell(0.219), p_cell(0.9991)
    ('< 0.001', '0.004', '0.03', '0.22', '> 0.99')
    """
    v = _number_or_none(value)
    if v is None:
        return na
    if v < 0.001:
        return "< 0.001"
    if v < 0.01:
        return f"{v:.3f}"
    if v > 0.99:
        return "> 0.99"
    return f"{v:.2f}"


def p_value(value: Any, *, na: str = NA) -> str:
    """A p-value in a sentence: ``p < 0.001``, ``p = 0.03``.

    Examples
    --------
    >>> p_value(0.0002), p_value(0.0312), p_value(None)
    ('p < 0.001', 'p = 0.03', '–')
    """
    cell = p_cell(value, na=na)
    if cell == na:
        return na
    return f"p {cell}" if cell[0] in "<>" else f"p = {cell}"


def span(low: Any, high: Any) -> str:
    """A range of numbers with an en dash: ``4–12``.

    Examples
    --------
    >>> span(4, 12), span(0.05, 0.2)
    ('4–12', '0.05–0.2')
    """
    return f"{number(low, None)}–{number(high, None)}"
