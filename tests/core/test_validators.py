"""Property and example tests for the GB 32100 / GB 11643 checks and the simple field checks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hy_client.forms import validators as v

USCC_BODY = st.text(alphabet=v.USCC_CHARSET, min_size=17, max_size=17)
ANY_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",))


@st.composite
def valid_uscc(draw: st.DrawFn) -> str:
    body = draw(USCC_BODY)
    return body + v.uscc_check_char(body)


@st.composite
def valid_id(draw: st.DrawFn) -> str:
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
    seq = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    body = f"{region}{born:%Y%m%d}{seq}"
    return body + v.id_check_char(body)


# --- USCC -----------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_known_uscc_codes_pass(code: str) -> None:
    assert v.check_uscc(code)
    assert v.uscc_check_char(code[:17]) == code[17]


def test_uscc_weights_are_powers_of_three_mod_31() -> None:
    assert v.USCC_WEIGHTS[:5] == (1, 3, 9, 27, 19)
    assert v.USCC_WEIGHTS[-1] == 28
    assert len(v.USCC_CHARSET) == 31 and not set("IOSVZ") & set(v.USCC_CHARSET)


@given(valid_uscc())
def test_generated_uscc_passes(code: str) -> None:
    assert v.check_uscc(code)
    assert v.uscc_error(code) is None


@settings(max_examples=60)
@given(valid_uscc(), st.integers(0, 17), st.data())
def test_every_single_char_uscc_mutation_fails(code: str, pos: int, data: st.DataObject) -> None:
    other = data.draw((st.sampled_from(v.USCC_CHARSET) | ANY_CHAR).filter(lambda c: c != code[pos]))
    mutated = code[:pos] + other + code[pos + 1:]
    assert not v.check_uscc(mutated)
    assert v.uscc_error(mutated)


@pytest.mark.parametrize(("code", "reason"), [
    ("", "统一社会信用代码应为18位"),
    ("91350100M000100Y4", "统一社会信用代码应为18位"),
    ("91350100M000100Y433", "统一社会信用代码应为18位"),
    ("91350100M000100I43", "统一社会信用代码含有无效字符（不使用I、O、S、V、Z）"),
    ("91350100m000100y43", "统一社会信用代码含有无效字符（不使用I、O、S、V、Z）"),
    ("91350100M000100Y44", "统一社会信用代码校验位错误"),
])
def test_uscc_reasons(code: str, reason: str) -> None:
    assert v.uscc_error(code) == reason


def test_uscc_check_char_rejects_bad_bodies() -> None:
    with pytest.raises(ValueError):
        v.uscc_check_char("123")
    with pytest.raises(ValueError):
        v.uscc_check_char("I" * 17)


# --- resident ID number -----------------------------------------------------------------------
@pytest.mark.parametrize("body", ["11010519491231002", "43040219800229123"])
def test_computed_check_char_passes(body: str) -> None:
    assert v.check_id_number(body + v.id_check_char(body))


def test_published_example_with_x() -> None:
    assert v.check_id_number("11010519491231002X")
    assert v.id_number_error("110105194912310021") == "身份证号校验位错误"


@given(valid_id())
def test_generated_id_passes(code: str) -> None:
    assert v.check_id_number(code)


@settings(max_examples=60)
@given(valid_id(), st.integers(0, 17), st.data())
def test_every_single_char_id_mutation_fails(code: str, pos: int, data: st.DataObject) -> None:
    other = data.draw((st.sampled_from("0123456789X") | ANY_CHAR).filter(lambda c: c != code[pos]))
    mutated = code[:pos] + other + code[pos + 1:]
    assert not v.check_id_number(mutated)


@pytest.mark.parametrize(("body", "reason"), [
    ("11010518991231002", "身份证号中的出生日期无效"),  # before 1900
    ("11010519490230002", "身份证号中的出生日期无效"),  # 30 February
    ("11010530000101002", "身份证号中的出生日期无效"),  # in the future
])
def test_id_birth_date_reasons(body: str, reason: str) -> None:
    assert v.id_number_error(body + v.id_check_char(body), today=date(2024, 1, 1)) == reason


def test_id_shape_reasons() -> None:
    assert v.id_number_error("1101051949123100") == "身份证号应为18位"
    shape = "身份证号格式错误（前17位为数字，末位为数字或X）"
    assert v.id_number_error("11010519491231002x") == shape
    assert v.id_number_error("1101051949123100X2") == shape
    assert v.normalise_code(" 11010519491231002x ") == "11010519491231002X"


# --- phones, e-mail, dates, numbers, passwords ------------------------------------------------
@pytest.mark.parametrize(("number", "mobile", "landline"), [
    ("13812345678", True, False),
    ("19912345678", True, False),
    ("12812345678", False, False),
    ("1381234567", False, False),
    ("0734-8846540", False, True),
    ("07348846540", False, True),
    ("010-62345678", False, True),
    ("0734-8846540-801", False, True),
    ("4007777016", False, True),
    ("400-777-7016", False, True),
    ("8846540", False, False),
    ("0734-0846540", False, False),
    ("0734 8846540", False, False),
    ("", False, False),
])
def test_phone_forms(number: str, mobile: bool, landline: bool) -> None:
    assert v.check_mobile(number) is mobile
    assert v.check_landline(number) is landline
    assert v.check_phone(number) is (mobile or landline)
    assert (v.phone_error(number) is None) is (mobile or landline)


@pytest.mark.parametrize(("address", "ok"), [
    ("zhang.san@example.com", True),
    ("a+b@mail.hy.gov.cn", True),
    ("user@localhost", False),
    ("@example.com", False),
    ("a@@example.com", False),
    ("a b@example.com", False),
    ("a@example.c", False),
    ("a@-example.com", False),
    ("张三@example.com", False),
    ("a" * 250 + "@x.cn", False),
])
def test_email(address: str, ok: bool) -> None:
    assert v.check_email(address) is ok
    assert (v.email_error(address) is None) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("2024-06-30", True), ("2024-02-29", True), ("2023-02-29", False), ("20240630", False),
    ("2024-6-30", False), ("2024-06-30T00:00", False), ("", False), ("２０２４-06-30", False),
])
def test_dates(text: str, ok: bool) -> None:
    assert v.check_date(text) is ok
    assert (v.parse_date(text) is not None) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("500", True), ("0", True), ("1200.5", True), ("-1", False), ("01", False), ("1,000", False),
    ("1e3", False), ("", False), ("1.", False),
])
def test_numbers(text: str, ok: bool) -> None:
    assert v.check_number(text) is ok


@pytest.mark.parametrize(("password", "reason"), [
    ("abc12345", None), ("short1", "密码至少8位"), ("abcdefgh", "密码需同时包含字母和数字"),
    ("12345678", "密码需同时包含字母和数字"),
])
def test_password(password: str, reason: str | None) -> None:
    assert v.password_error(password) == reason
