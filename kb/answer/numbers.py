"""Chinese numerals both ways: 148 <-> 一百四十八, 十万 -> 100000, 二〇三五 -> 2035.

One module for the answer library (article numbers, number forms of a question's terms, counted lists) and for
self-tests (amounts written differently). The scorer in `kb/cli/evaluation.py` keeps its own copy on purpose: it
mirrors `score.py` character for character, leading zeros included (〇五 -> "05"), which an int cannot.
"""

from __future__ import annotations

_DIGIT_CHARS = "〇一二三四五六七八九"
# The financial forms (大写) fines, receipts and contracts write sums in: 罚款人民币贰仟元, 壹万元整.
_FINANCIAL_DIGITS = {
    "壹": 1,
    "贰": 2,
    "貳": 2,
    "叁": 3,
    "參": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "陸": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
_FINANCIAL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
# Every financial numeral character, for the patterns that find figures in a text (kb/answer/features.py).
FINANCIAL_NUMERALS = "".join(_FINANCIAL_DIGITS) + "".join(_FINANCIAL_UNITS) + "萬"
_DIGITS = {c: i for i, c in enumerate(_DIGIT_CHARS)} | {"零": 0, "两": 2} | _FINANCIAL_DIGITS
_UNITS = {"十": 10, "百": 100, "千": 1000} | _FINANCIAL_UNITS
# 万 and 亿 close a section: 三千五百万 is 3500 × 10000, 一亿二千万 is 1 × 10^8 + 2000 × 10^4.
_SECTIONS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_SMALL = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"两": 2}


def chinese_number(n: int) -> str:
    """18 -> 十八, 120 -> 一百二十, 2005 -> 二千零五 (below 10000: article numbers and counts)."""
    if n == 0:
        return "零"
    units = ["", "十", "百", "千"]
    digits = [int(d) for d in str(n)]
    out, zero = "", False
    for i, d in enumerate(digits):
        place = len(digits) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += _DIGIT_CHARS[d] + units[place]
    return out[1:] if out.startswith("一十") else out


def digit_by_digit(token: str) -> str:
    """2035 -> 二〇三五: how years and codes are written, digit by digit."""
    return "".join(_DIGIT_CHARS[int(d)] for d in token)


def parse_chinese_number(s: str) -> int | None:
    """一百四十八 -> 148, 十万 -> 100000, 一亿二千万 -> 120000000, 二〇三五 -> 2035; None when `s` is not a numeral."""
    if not s:
        return None
    if all(c in _DIGITS for c in s):  # no unit at all: digit by digit, as years are written
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[c]
            digit = None
        elif c in _SECTIONS:
            section += digit or 0
            if not section and not total:
                return None  # 万 alone is a word, not a number
            if _SECTIONS[c] > 10_000:
                total = (total + section) * _SECTIONS[c]
            else:
                total += section * _SECTIONS[c]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(s: str) -> int | None:
    """A numeral as documents write it, in digits (148, full-width ３ too) or in Chinese (一百四十八); None otherwise."""
    return int(s) if s.isdigit() else parse_chinese_number(s)


def ordinal_forms(numeral: str, unit: str) -> list[str]:
    """第N<unit> as documents may write it, in Chinese numerals and in digits (第一百四十八条, 第148条; 第三批, 第3批);
    empty when `numeral` is not a number."""
    n = parse_number(numeral)
    return [] if n is None else [f"第{chinese_number(n)}{unit}", f"第{n}{unit}"]


def small_number(s: str) -> int:
    """一 … 十 (and 两) or Arabic digits as a number, the way items and slogans are counted; 0 for anything else."""
    return int(s) if s.isdigit() else _SMALL.get(s, 0)
