"""The platform's forms. Field keys are the wire keys of ``Record.data`` / ``Registration.data``.

Keys are shared where the meaning is shared (``name``, ``uscc``, ``id_number``, ``mobile``,
``email``), and every dated expiry is ``expires_on`` so renewal advice reads them all one way.
"""

from __future__ import annotations

from .spec import DateAfter, Field, FormSpec, NotPast, SameAs

_UNIT_NAME = Field("name", "单位名称", "Organisation name", max_length=100,
                   help_zh="与营业执照上的名称一致")
_USCC = Field("uscc", "统一社会信用代码", "Unified social credit code", "uscc",
              placeholder="18位代码", placeholder_en="18 characters",
              help_zh="见营业执照，共18位（不含字母I、O、S、V、Z）")
_LEGAL_REP = Field("legal_rep", "法定代表人", "Legal representative", max_length=50)
_CONTACT = Field("contact", "联系人", "Contact person", max_length=50)
_CONTACT_PHONE = Field("contact_phone", "联系电话", "Contact phone", "phone",
                       placeholder="手机号或 0734-8846540",
                       placeholder_en="mobile or 0734-8846540")
_EMAIL = Field("email", "电子邮箱", "E-mail", "email", placeholder="name@example.com")
_PERSON_NAME = Field("name", "姓名", "Name", max_length=50)
_ID_NUMBER = Field("id_number", "身份证号", "Resident ID number", "id_number",
                   placeholder="18位，末位可为X",
                   placeholder_en="18 characters, the last may be X")
_MOBILE = Field("mobile", "手机号", "Mobile number", "mobile", placeholder="11位手机号",
                placeholder_en="11 digits")

ACCOUNT = FormSpec(
    "account", "账号", "Account",
    (
        Field("username", "用户名", "Username", "username",
              placeholder="单位名称或本人姓名", placeholder_en="organisation or person's name",
              help_zh="可用单位名称或本人姓名（也可用字母、数字）；登录时不区分英文字母大小写，"
                      "注册后不能修改"),
        Field("password", "密码", "Password", "password", help_zh="至少8位，需同时包含字母和数字"),
        Field("password_confirm", "确认密码", "Confirm password", "password"),
    ),
    (SameAs("password_confirm", "password", "两次输入的密码不一致",
            "The two passwords differ"),),
)

REGISTRATION_UNIT = FormSpec(
    "registration_unit", "单位注册", "Register an organisation",
    (_UNIT_NAME, _USCC, _LEGAL_REP, _CONTACT, _CONTACT_PHONE, _EMAIL),
)

REGISTRATION_PERSON = FormSpec(
    "registration_person", "自然人注册", "Register a natural person",
    (_PERSON_NAME, _ID_NUMBER, _MOBILE, _EMAIL),
)

UNIT_TYPES: tuple[tuple[str, str], ...] = (
    ("enterprise", "企业法人"),
    ("branch", "非法人企业/分支机构"),
    ("institution", "事业单位"),
    ("association", "社会团体"),
    ("other", "其他组织"),
)

PROFILE_UNIT = FormSpec(
    "profile_unit", "单位基本信息", "Organisation profile",
    (
        _UNIT_NAME, _USCC,
        Field("unit_type", "单位类型", "Organisation type", "choice", choices=UNIT_TYPES),
        _LEGAL_REP,
        Field("legal_rep_id", "法定代表人身份证号", "Legal representative's ID number",
              "id_number", required=False),
        Field("reg_capital", "注册资本（万元）", "Registered capital (10k CNY)", "number",
              required=False, placeholder="如 500", placeholder_en="e.g. 500"),
        Field("founded_on", "成立日期", "Date founded", "date", placeholder="YYYY-MM-DD"),
        Field("address", "注册地址", "Registered address", max_length=200),
        _CONTACT, _CONTACT_PHONE, _EMAIL,
        Field("business_scope", "经营范围", "Business scope", "multiline", max_length=2000,
              help_zh="与营业执照上的经营范围一致"),
    ),
)

PROFILE_PERSON = FormSpec(
    "profile_person", "个人基本信息", "Personal profile",
    (
        _PERSON_NAME, _ID_NUMBER, _MOBILE, _EMAIL,
        Field("address", "联系地址", "Postal address", required=False, max_length=200),
        Field("employer", "工作单位", "Employer", required=False, max_length=100),
    ),
)

QUALIFICATION = FormSpec(
    "qualification", "企业资质", "Enterprise qualification",
    (
        Field("qual_type", "资质类别", "Qualification type", "choice",
              choices_from="qualification_types"),
        Field("grade", "资质等级", "Grade", "choice", choices_from="qualification_grades"),
        Field("cert_no", "证书编号", "Certificate number", max_length=64),
        Field("issuer", "发证机关", "Issuing authority", max_length=100),
        Field("issued_on", "发证日期", "Date of issue", "date", placeholder="YYYY-MM-DD"),
        Field("expires_on", "有效期至", "Valid until", "date", placeholder="YYYY-MM-DD"),
    ),
    (DateAfter("expires_on", "issued_on", "有效期至应晚于发证日期",
               "Must be later than the date of issue"),
     NotPast("expires_on", "资质证书已过期，请先办理延续后再录入",
             "The qualification has expired: renew it before filing it")),
    attachments_required=("请上传资质证书扫描件（电子件）后再提交审核",
                          "Upload a scan of the qualification certificate before submitting"),
)

PERSONNEL = FormSpec(
    "personnel", "职业人员", "Professional personnel",
    (
        _PERSON_NAME, _ID_NUMBER,
        Field("title", "职称", "Professional title", "choice", choices_from="personnel_titles"),
        Field("cert_kind", "证书类别", "Certificate kind", "choice",
              choices_from="personnel_cert_kinds"),
        Field("cert_no", "证书编号", "Certificate number", max_length=64),
        Field("expires_on", "证书有效期至", "Certificate valid until", "date",
              placeholder="YYYY-MM-DD"),
        _MOBILE,
    ),
    (NotPast("expires_on", "人员证书已过期，请先办理延续后再录入",
             "The certificate has expired: renew it before filing it"),),
    attachments_required=("请上传人员证书扫描件（电子件）后再提交审核",
                          "Upload a scan of the person's certificate before submitting"),
)

SPECS: dict[str, FormSpec] = {s.name: s for s in (
    ACCOUNT, REGISTRATION_UNIT, REGISTRATION_PERSON, PROFILE_UNIT, PROFILE_PERSON,
    QUALIFICATION, PERSONNEL,
)}
