"""Form specs: validation (full and partial), cross-field rules, payload normalisation."""

from __future__ import annotations

import pytest

from hy_client.api.models import Option, ReferenceLists
from hy_client.errors import ValidationError
from hy_client.forms import SPECS, ensure_valid, get_spec, payload, validate

USCC = "91350100M000100Y43"
ID = "11010519491231002X"

VALID: dict[str, dict[str, str]] = {
    "account": {"username": "hy_bidder1", "password": "abc12345", "password_confirm": "abc12345"},
    "registration_unit": {"name": "衡阳市建设工程有限公司", "uscc": USCC, "legal_rep": "张三",
                          "contact": "李四", "contact_phone": "0734-8846540",
                          "email": "bid@example.com"},
    "registration_person": {"name": "王五", "id_number": ID, "mobile": "13812345678",
                            "email": "wang@example.com"},
    "profile_unit": {"name": "衡阳市建设工程有限公司", "uscc": USCC, "unit_type": "enterprise",
                     "legal_rep": "张三", "legal_rep_id": ID, "reg_capital": "500",
                     "founded_on": "2010-05-01", "address": "衡阳市蒸湘区",
                     "contact": "李四", "contact_phone": "13812345678",
                     "email": "bid@example.com", "business_scope": "房屋建筑工程施工\n市政工程"},
    "profile_person": {"name": "王五", "id_number": ID, "mobile": "13812345678",
                       "email": "wang@example.com", "address": "", "employer": ""},
    "qualification": {"qual_type": "jz", "grade": "g1", "cert_no": "D243000001",
                      "issuer": "湖南省住房和城乡建设厅", "issued_on": "2021-03-01",
                      "expires_on": "2099-03-01"},
    "personnel": {"name": "赵六", "id_number": ID, "title": "senior", "cert_kind": "jzs1",
                  "cert_no": "湘143000001", "expires_on": "2027-01-01", "mobile": "13912345678"},
}

REFS = ReferenceLists(
    qualification_types=[Option(code="jz", name="建筑工程施工总承包")],
    qualification_grades=[Option(code="g1", name="一级")],
    personnel_titles=[Option(code="senior", name="高级工程师")],
    personnel_cert_kinds=[Option(code="jzs1", name="一级建造师")],
)


def test_every_spec_has_a_valid_example() -> None:
    assert set(VALID) == set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_valid_examples_pass(name: str) -> None:
    assert validate(name, VALID[name]) == []
    assert validate(name, VALID[name], references=REFS) == []


@pytest.mark.parametrize("name", sorted(SPECS))
def test_empty_form_lists_every_required_field(name: str) -> None:
    spec = get_spec(name)
    found = validate(name, {})
    assert [e.field for e in found] == [f.key for f in spec.fields if f.required]
    assert all(e.message == "不能为空" and e.label for e in found)
    assert validate(name, {}, partial=True) == []


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_shape(name: str) -> None:
    spec = get_spec(name)
    for f in spec.fields:
        assert f.key.isascii() and f.key == f.key.lower() and " " not in f.key
        assert f.label_zh and f.label_en
        if f.kind == "choice":
            assert bool(f.choices) != bool(f.choices_from)
        if f.choices_from:
            assert f.choices_from in ReferenceLists.model_fields


def test_unknown_spec() -> None:
    with pytest.raises(KeyError):
        get_spec("nope")


@pytest.mark.parametrize(("name", "key", "value", "reason"), [
    ("registration_unit", "uscc", "91350100M000100Y44", "统一社会信用代码校验位错误"),
    ("registration_unit", "contact_phone", "12345",
     "电话号码格式错误（手机号11位，或固定电话如 0734-8846540）"),
    ("registration_unit", "email", "bid@", "电子邮箱格式错误"),
    ("registration_person", "id_number", "110105194912310021", "身份证号校验位错误"),
    ("registration_person", "mobile", "0734-8846540", "手机号格式错误（应为11位，以1开头）"),
    ("profile_unit", "unit_type", "bank", "请从列表中选择"),
    ("profile_unit", "reg_capital", "五百", "请输入数字（如 500 或 1200.5）"),
    ("profile_unit", "founded_on", "2010/05/01", "日期格式错误（应为 YYYY-MM-DD，如 2024-06-30）"),
    ("profile_unit", "name", "甲" * 101, "不能超过100个字符"),
    ("profile_unit", "name", "甲\n乙", "不能包含换行或控制字符"),
    ("profile_unit", "business_scope", "甲\x00乙", "含有不可见的控制字符"),
    ("account", "username", "1abc", "用户名须以汉字或字母开头"),
    ("account", "username", "某公司/分部", "用户名只能包含汉字、字母、数字和 _ - . · ( )"),
    ("account", "username", "张", "用户名至少2个字符"),
])
def test_field_reasons(name: str, key: str, value: str, reason: str) -> None:
    data = {**VALID[name], key: value}
    found = validate(name, data)
    assert [(e.field, e.message) for e in found] == [(key, reason)]
    assert found[0].label == get_spec(name).field(key).label_zh
    # a draft save reports the same problem: the field is filled in
    assert [e.field for e in validate(name, {key: value}, partial=True)] == [key]


def test_reference_lists_checked_only_when_given() -> None:
    data = {**VALID["qualification"], "grade": "g9"}
    assert validate("qualification", data) == []
    found = validate("qualification", data, references=REFS)
    assert [(e.field, e.message) for e in found] == [("grade", "请从列表中选择")]


@pytest.mark.parametrize("expires_on", ["2098-03-01", "2097-01-01"])
def test_expiry_must_follow_issue(expires_on: str) -> None:
    data = {**VALID["qualification"], "issued_on": "2098-03-01", "expires_on": expires_on}
    found = validate("qualification", data)
    assert [(e.field, e.message, e.label) for e in found] == [
        ("expires_on", "有效期至应晚于发证日期", "有效期至")]


@pytest.mark.parametrize(("spec", "days", "refused"), [
    ("qualification", -1, True), ("qualification", 0, False), ("qualification", 1, False),
    ("personnel", -1, True), ("personnel", 0, False),
])
def test_an_expiry_already_past_is_refused_even_in_a_draft(spec: str, days: int,
                                                           refused: bool) -> None:
    from datetime import UTC, datetime, timedelta

    today = (datetime.now(UTC) + timedelta(hours=8)).date()  # China time
    when = f"{today + timedelta(days=days)}"
    for partial in (True, False):
        found = [e for e in validate(spec, {**VALID[spec], "expires_on": when}, partial=partial)
                 if e.field == "expires_on"]
        assert bool(found) is refused
        if refused:
            assert "已过期" in found[0].message and found[0].message_en


def test_required_electronic_documents() -> None:
    for name in ("qualification", "personnel"):
        error = get_spec(name).attachments_error(0)
        assert error is not None and error.field == "attachments" and "电子件" in error.message
        assert get_spec(name).attachments_error(1) is None
    assert get_spec("profile_unit").attachments_error(0) is None


def test_date_rule_waits_for_both_dates() -> None:
    assert validate("qualification", {"expires_on": "2099-01-01"}, partial=True) == []
    found = validate("qualification", {"issued_on": "2021-01-01", "expires_on": "bad"},
                     partial=True)
    assert [e.field for e in found] == ["expires_on"]


def test_password_confirmation() -> None:
    found = validate("account", {**VALID["account"], "password_confirm": "abc123456"})
    assert [(e.field, e.message) for e in found] == [("password_confirm", "两次输入的密码不一致")]
    weak = {**VALID["account"], "password": "abcdefgh", "password_confirm": "abcdefgh"}
    assert [(e.field, e.message) for e in validate("account", weak)] == [
        ("password", "密码需同时包含字母和数字"), ("password_confirm", "密码需同时包含字母和数字")]


def test_non_string_value_is_an_error_not_a_crash() -> None:
    found = validate("registration_person", {**VALID["registration_person"], "mobile": 138})  # type: ignore[dict-item]
    assert [(e.field, e.message) for e in found] == [("mobile", "格式错误")]


def test_payload_normalises_and_drops_unknown_and_empty() -> None:
    data = {**VALID["profile_unit"], "uscc": " 91350100m000100y43 ",
            "legal_rep_id": "11010519491231002x", "name": "  衡阳市建设工程有限公司 ",
            "business_scope": "甲\r\n乙\r\n", "reg_capital": "", "admin": "1"}
    assert validate("profile_unit", data) == []
    out = payload("profile_unit", data)
    assert out["uscc"] == USCC and out["legal_rep_id"] == ID
    assert out["name"] == "衡阳市建设工程有限公司" and out["business_scope"] == "甲\n乙"
    assert "admin" not in out and "reg_capital" not in out
    assert list(out) == [k for k in get_spec("profile_unit").keys if k in out]


def test_ensure_valid_raises_catalogue_error_naming_fields() -> None:
    with pytest.raises(ValidationError) as info:
        ensure_valid("registration_person", {**VALID["registration_person"], "mobile": "1"})
    assert info.value.code == "F101"
    assert "手机号：手机号格式错误" in str(info.value)
    out = ensure_valid("registration_person", VALID["registration_person"])
    assert out["mobile"] == "13812345678"


def test_options_static_and_referenced() -> None:
    assert ("enterprise", "企业法人") in get_spec("profile_unit").field("unit_type").options()
    field = get_spec("qualification").field("qual_type")
    assert field.options() == []
    assert field.options(REFS) == [("jz", "建筑工程施工总承包")]


def test_password_fields_are_marked_secret() -> None:
    secret = {f.key for s in SPECS.values() for f in s.fields if f.secret}
    assert secret == {"password", "password_confirm"}


def test_every_refusal_carries_its_english_and_the_field_label() -> None:
    """The Chinese stays what it was; every reason the specs can give also has an English one."""
    cases = {
        "account": {"username": "1ab", "password": "short", "password_confirm": "other"},
        "profile_unit": {**VALID["profile_unit"], "uscc": "123", "founded_on": "2020-13-01",
                         "reg_capital": "-1", "email": "x", "contact_phone": "12",
                         "unit_type": "nope", "name": "a\nb"},
        "qualification": {**VALID["qualification"], "issued_on": "2024-01-01",
                          "expires_on": "2023-01-01"},  # before the issue, and past

        "registration_person": {"id_number": "110105194912310021", "mobile": "1"},
    }
    for name, data in cases.items():
        found = validate(name, data, references=REFS)
        assert found, name
        for error in found:
            assert error.message and error.message_en, error
            assert error.message_en.isascii() and not error.message.isascii(), error
            assert error.label_en == get_spec(name).field(error.field).label_en
    assert str(validate("account", {})[0].message) == "不能为空"


def test_a_chinese_placeholder_has_an_english_one() -> None:
    for spec in SPECS.values():
        for f in spec.fields:
            assert f.placeholder.isascii() or (f.placeholder_en.isascii() and f.placeholder_en), f


@pytest.mark.parametrize("typed, kept", [
    ("衡阳市湘江建设工程有限公司", "衡阳市湘江建设工程有限公司"),
    ("  张三\u3000", "张三"),  # trimmed, ideographic space included
    ("ＨＹ＿Ｂｉｄｄｅｒ１", "HY_Bidder1"),  # NFKC: full-width letters become ASCII
    ("某某公司（长沙分公司）", "某某公司(长沙分公司)"),
])
def test_usernames_may_be_a_unit_or_a_persons_name(typed, kept):
    from hy_client.forms import ensure_valid

    data = {"username": typed, "password": "abc12345", "password_confirm": "abc12345"}
    assert ensure_valid("account", data)["username"] == kept
