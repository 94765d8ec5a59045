"""Reading the numbers of a report: points as written, masked, in Chinese numerals, or damaged.

Reports write points in more ways than ``4.8``:

* full-width digits, ``４．８`` (folded to ASCII by :func:`~evalrules._claims.normalise_report`
  before anything here runs);
* Chinese numerals, ``四点八``, ``九十八点六``, ``一百零二``;
* masked numbers in templates and redacted copies, ``xx``, ``×``, ``*``, ``□``, ``___``, or a mix
  such as ``4.x``: these are *unknown*, never 0;
* a lost decimal point, ``扣05分`` for 0.5 (seen in copies of score sheets): the number is read as
  written, and :attr:`Reading.probable` gives the value it most likely meant, so a check can
  flag it instead of silently trusting either.

Every value is an exact :class:`~decimal.Decimal`, written as the report wrote it (``4.80`` keeps
its trailing zero).
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

__all__ = [
    "CHINESE_NUMBER",
    "MASK_CHARS",
    "NUMBER",
    "Reading",
    "chinese_number",
    "lost_decimal",
    "read_number",
]

#: Characters that stand for a digit nobody filled in or somebody blacked out (after folding
#: full-width forms: ``＊`` is ``*``, ``Ｘ`` is ``X``).
MASK_CHARS = "xX×*□?_○△"
_MASK = f"[{re.escape(MASK_CHARS)}]"
_FRACTION = rf"(?:\.[\d{re.escape(MASK_CHARS)}]{{1,6}})?"

#: A Chinese numeral from 零 to 九百九十九, with an optional decimal part after 点.
CHINESE_NUMBER = "[零〇一二两三四五六七八九十百]{1,8}(?:点[零〇一二两三四五六七八九]{1,4})?"
#: A number as reports write one: digits (a masked fraction allowed), a mask, or a Chinese
#: numeral. A Chinese numeral counts only when 分 follows, so ``三会一课`` is no number.
#: Every part is bounded and starts only where a run of its characters starts, so a line of
#: ten thousand digits, masks or numerals is read in linear time, not tried at every offset.
NUMBER = (
    rf"(?:(?<![\d.])\d{{1,7}}(?!\d){_FRACTION}|(?<!{_MASK}){_MASK}{{1,8}}(?!{_MASK}){_FRACTION}"
    rf"|(?<![零〇一二两三四五六七八九十百])(?:{CHINESE_NUMBER})(?=\s*分))"
)

_KNOWN = re.compile(r"\d+(?:\.\d+)?")
_LEADING_ZERO = re.compile(r"0(\d+)")
_CHINESE = re.compile(CHINESE_NUMBER)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})


@attrs.frozen
class Reading:
    """A number as read from the report.

    Attributes:
        value: The exact value, or ``None`` when the number is masked.
        text: The characters read, e.g. ``"4.8"``, ``"xx"``, ``"四点八"``, ``"05"``.
        probable: For a number that looks like it lost its decimal point (``05``), the value
            it most likely meant (``0.5``); ``None`` otherwise.
    """

    value: Decimal | None
    text: str
    probable: Decimal | None = None

    @property
    def masked(self) -> bool:
        """True when the text masks the number (``xx``, ``*``): unknown, not 0."""
        return self.value is None


def chinese_number(text: str) -> Decimal | None:
    """Return the value of a Chinese numeral (``九十八点六`` → 98.6), ``None`` if it is none.

    Both forms are read: with units (``一百零二``, ``十二``) and digit by digit (``一〇二``).
    """
    if not _CHINESE.fullmatch(text):
        return None
    whole, _, fraction = text.partition("点")
    if not whole:
        return None
    if "十" in whole or "百" in whole:
        value = _with_units(whole)
        if value is None:
            return None
    else:
        value = int("".join(str(_DIGITS[ch]) for ch in whole))
    if not fraction:
        return Decimal(value)
    return Decimal(f"{value}.{''.join(str(_DIGITS[ch]) for ch in fraction)}")


def _with_units(text: str) -> int | None:
    """Read ``一百零二``, ``九十八``, ``十``; ``None`` for a malformed numeral (``十十``)."""
    match = re.fullmatch(r"(?:(.)百)?(?:(.)?十)?(?:零?(.))?", text)
    if match is None:
        return None
    hundreds, tens, ones = match.groups()
    if text.count("十") > 1 or text.count("百") > 1:
        return None
    try:
        value = _DIGITS[hundreds] * 100 if hundreds else 0
        if "十" in text:
            value += (_DIGITS[tens] if tens else 1) * 10
        value += _DIGITS[ones] if ones else 0
    except KeyError:
        return None
    return value


def read_number(text: str) -> Reading:
    """Read a number token as :data:`NUMBER` matches it.

    Digits give their exact value; a Chinese numeral its value; anything else is masked
    (``value`` is ``None``). A whole number written with a leading zero (``05``, ``025``) is
    kept as written, with the value it probably meant (``0.5``) in ``probable``.
    """
    token = text.strip().rstrip(".")
    if _KNOWN.fullmatch(token):
        probable = None
        if zero := _LEADING_ZERO.fullmatch(token):
            probable = Decimal(f"0.{zero.group(1)}")
        return Reading(Decimal(token), token, probable)
    value = chinese_number(token)
    if value is not None:
        return Reading(value, token)
    return Reading(None, token)


def lost_decimal(claimed: Decimal, maximum: Decimal) -> Decimal | None:
    """Return what ``claimed`` meant if a decimal point was lost (``48`` of 5 → 4.8).

    Only a whole number more than twice the max is considered (11 of 10 is a claim above its
    max, not 1.1), and only when a decimal point before its last digit brings it within.
    """
    if claimed <= 2 * maximum or claimed != claimed.to_integral_value() or claimed < 10:
        return None
    candidate = claimed.scaleb(-1)
    return candidate if candidate <= maximum else None
