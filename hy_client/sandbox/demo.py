"""Reference lists and the demo data created on a sandbox's first start.

The demo accounts and their passwords are documented in docs/sandbox.md.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from ..api import models
from ..forms.validators import id_check_char, uscc_check_char
from . import db
from .service import Context, create_account


def _options(*pairs: tuple[str, str]) -> list[models.Option]:
    return [models.Option(code=c, name=n) for c, n in pairs]


REFERENCES = models.ReferenceLists(
    qualification_types=_options(
        ("building_general", "建筑工程施工总承包"),
        ("municipal_general", "市政公用工程施工总承包"),
        ("highway_general", "公路工程施工总承包"),
        ("water_general", "水利水电工程施工总承包"),
        ("electronic_special", "电子与智能化工程专业承包"),
        ("supervision", "工程监理"),
        ("cost_consulting", "工程造价咨询"),
    ),
    qualification_grades=_options(
        ("special", "特级"), ("grade1", "一级"), ("grade2", "二级"), ("grade3", "三级"),
        ("class_a", "甲级"), ("class_b", "乙级"),
    ),
    personnel_titles=_options(
        ("senior_engineer", "高级工程师"), ("engineer", "工程师"),
        ("assistant_engineer", "助理工程师"), ("technician", "技术员"),
    ),
    personnel_cert_kinds=_options(
        ("constructor1", "一级注册建造师"), ("constructor2", "二级注册建造师"),
        ("cost_engineer1", "一级造价工程师"), ("supervisor", "注册监理工程师"),
        ("safety_b", "安全生产考核合格证书（B证）"),
    ),
)


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


def id_number(body: str) -> str:
    return body + id_check_char(body)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    kind: str
    user_type: str
    data: dict[str, str]


BIDDER_USCC = uscc("91430400MA4L8B2K3")
AGENCY_USCC = uscc("91430405MA4T6C1P5")
PERSON_ID = id_number("43040219850612123")

BIDDER = DemoAccount("demo_bidder", "Bidder2024", "unit", "bidder", {
    "name": "衡阳市湘江建设工程有限公司", "uscc": BIDDER_USCC, "legal_rep": "李建国",
    "contact": "王芳", "contact_phone": "0734-8123456", "email": "bid@xiangjiang-build.cn"})
AGENCY = DemoAccount("demo_agency", "Agency2024", "unit", "agency", {
    "name": "衡阳市恒信招标代理有限公司", "uscc": AGENCY_USCC, "legal_rep": "陈明",
    "contact": "刘洋", "contact_phone": "13807340001", "email": "office@hengxin-zb.cn"})
PERSON = DemoAccount("demo_person", "Person2024", "person", "bidder", {
    "name": "张伟", "id_number": PERSON_ID, "mobile": "13907340002",
    "email": "zhangwei@example.cn"})
ACCOUNTS = (BIDDER, AGENCY, PERSON)

# The demo certificate (``sandbox provision-token``) expires in under 30 days by default; the
# third bid opens after that, so the renewal advice has its critical case to show.
DEMO_CERT_DAYS = 20
_BIDS = (
    ("HYGC-2025-0101", "衡阳市蒸湘区道路改造工程施工", -5, 6),
    ("HYZC-2025-0207", "衡阳市第一中学教学设备采购", -2, 14),
    ("HYGC-2025-0315", "衡阳市雁峰区污水管网建设工程施工", -1, 45),
)


def seed(conn: sqlite3.Connection, ctx: Context) -> None:
    """Create the demo accounts, records and bids (first start only)."""
    now = ctx.now()
    ids = {}
    for demo in ACCOUNTS:
        ids[demo.username] = create_account(
            conn, ctx, username=demo.username, password=demo.password, kind=demo.kind,
            user_type=demo.user_type, data=demo.data).id
    bidder = ids[BIDDER.username]
    profile = {**BIDDER.data, "unit_type": "enterprise", "reg_capital": "5000",
               "founded_on": "2008-03-18", "address": "湖南省衡阳市蒸湘区解放大道28号",
               "business_scope": "房屋建筑工程、市政公用工程施工总承包"}
    conn.execute("UPDATE records SET status = 'approved', data = ?, submitted_at = ?"
                 " WHERE account_id = ? AND kind = 'profile'",
                 (json.dumps(profile, ensure_ascii=False), db.ts(now), bidder))
    qualification = {"qual_type": "building_general", "grade": "grade2",
                     "cert_no": "D243040123", "issuer": "湖南省住房和城乡建设厅",
                     "issued_on": "2021-06-01", "expires_on": "2026-06-01"}
    person = {"name": "赵强", "id_number": id_number("43040419800101001"),
              "title": "engineer", "cert_kind": "constructor2", "cert_no": "湘243040812345",
              "expires_on": "2027-12-31", "mobile": "13807340003"}
    for kind, spec, status, data in (("qualification", "qualification", "approved",
                                      qualification),
                                     ("personnel", "personnel", "submitted", person)):
        conn.execute(
            "INSERT INTO records (account_id, kind, spec, status, data, updated_at, submitted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (bidder, kind, spec, status, json.dumps(data, ensure_ascii=False), db.ts(now),
             db.ts(now)))
    for code, name, downloaded, opening in _BIDS:
        opens = (now + timedelta(days=opening)).replace(hour=9, minute=30, second=0,
                                                        microsecond=0)
        conn.execute(
            "INSERT INTO bids (account_id, project_code, project_name, documents_downloaded_at,"
            " bid_deadline, bid_opening) VALUES (?, ?, ?, ?, ?, ?)",
            (bidder, code, name, db.ts(now + timedelta(days=downloaded)), db.ts(opens),
             db.ts(opens)))
