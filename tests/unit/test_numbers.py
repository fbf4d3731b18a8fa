from kb.answer.numbers import chinese_number, digit_by_digit, parse_chinese_number, small_number


def test_numerals_with_units_read_as_their_value():
    cases = {
        "十二": 12,
        "二十": 20,
        "两千零五": 2005,
        "一百四十八": 148,
        "一百零八": 108,
        "十万": 100_000,
        "三千五百万": 35_000_000,
        "一亿二千万": 120_000_000,
        "一万亿": 10**12,
        "两万三千": 23_000,
    }
    assert {s: parse_chinese_number(s) for s in cases} == cases


def test_numerals_without_units_read_digit_by_digit():
    assert parse_chinese_number("二〇三五") == 2035 and parse_chinese_number("二〇二四") == 2024


def test_what_is_not_a_numeral_has_no_value():
    assert [parse_chinese_number(s) for s in ("", "第", "万", "半", "十八岁")] == [None] * 5


def test_numbers_written_back_in_chinese():
    assert [chinese_number(n) for n in (0, 10, 18, 120, 148, 2005)] == [
        "零",
        "十",
        "十八",
        "一百二十",
        "一百四十八",
        "二千零五",
    ]
    assert all(parse_chinese_number(chinese_number(n)) == n for n in range(1, 10_000))
    assert digit_by_digit("2035") == "二〇三五"
    assert [small_number(s) for s in ("三", "两", "十", "12", "十一", "")] == [3, 2, 10, 12, 0, 0]


def test_financial_numerals_are_read_as_numbers():
    from kb.answer.numbers import parse_chinese_number

    assert parse_chinese_number("贰仟") == 2000
    assert parse_chinese_number("壹万") == 10000
    assert parse_chinese_number("壹拾伍") == 15
    assert parse_chinese_number("叁佰陆拾") == 360
