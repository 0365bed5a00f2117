"""`hy-client profile | qualifications | personnel`: the reviewed records, draft first.

Every edit is saved to the local draft store before it is sent, so a failed command loses
nothing: the printed draft key finishes the same submission later (no duplicate record).
"""

from __future__ import annotations

import argparse
import sys

from .. import config, errors, forms, records
from ..api import models
from ..api.client import PlatformClient
from ..drafts import DraftStore
from ..forms import ensure_valid, get_spec
from ..records import FormState, Kind, RecordFlows, form_key, kind_of, record_id_of_key
from . import EXIT_OK
from .assignments import resolve_assignments, unknown_field
from .platform_opts import (
    add_json_option,
    add_platform_option,
    already_registered,
    logged_in,
    print_json,
)

_STATUS = {"draft": "草稿", "submitted": "审核中", "approved": "审核通过", "rejected": "已退回"}
_GROUPS: dict[str, tuple[Kind, str]] = {
    "qualifications": ("qualification", "企业资质"),
    "personnel": ("personnel", "职业人员"),
}


def register(sub: argparse._SubParsersAction) -> None:
    if already_registered(sub, "profile"):
        return
    p = sub.add_parser("profile", help="基本信息：查看、修改、提交审核")
    ps = p.add_subparsers(dest="action", metavar="操作")
    show = ps.add_parser("show", help="显示基本信息（有未提交的本地草稿时显示草稿）")
    _common(show, json=True)
    show.set_defaults(handler=cmd_profile_show)
    edit = ps.add_parser("edit", help="修改并保存到平台草稿（--set 字段=值，--attach 文件）",
                         epilog=f"{fields_help('profile_unit')}\n\n{fields_help('profile_person')}")
    _edit_options(edit)
    edit.add_argument("--resubmit", action="store_true",
                      help="修改已审核通过的基本信息（修改后需重新提交审核）")
    edit.add_argument("--accept-identity", action="store_true",
                      help="本地草稿的单位名称/统一社会信用代码与账号不一致时，仍然使用该草稿")
    edit.set_defaults(handler=cmd_profile_edit)
    submit = ps.add_parser("submit", help="提交审核")
    submit.add_argument("--accept-identity", action="store_true",
                        help="本地草稿的单位名称/统一社会信用代码与账号不一致时，仍然提交")
    _common(submit, json=True)
    submit.set_defaults(handler=lambda a: _submit(a, "profile"))
    p.set_defaults(handler=lambda a: (p.print_help(), 2)[1])

    for name, (kind, title) in _GROUPS.items():
        g = sub.add_parser(name, help=f"{title}：列表、新增、修改、提交审核")
        gs = g.add_subparsers(dest="action", metavar="操作")
        lp = gs.add_parser("list", help=f"{title}列表（含未提交的本地草稿）")
        _common(lp, json=True)
        lp.set_defaults(handler=cmd_list, kind=kind)
        fp = gs.add_parser("fields", help=f"{title}的字段、是否必填和可选值（可选值从平台读取）")
        _common(fp, json=False)
        fp.set_defaults(handler=cmd_fields, kind=kind)
        ap = gs.add_parser("add", help=f"新增{title}（--set 字段=值，--attach 文件）",
                           epilog=fields_help(kind, group=name))
        _edit_options(ap)
        ap.add_argument("--submit", action="store_true", help="保存后立即提交审核")
        ap.set_defaults(handler=cmd_add, kind=kind)
        ep = gs.add_parser("edit", help=f"修改{title}（如被退回后修改再提交）",
                           epilog=fields_help(kind, group=name))
        ep.add_argument("target", metavar="记录ID或草稿")
        _edit_options(ep)
        ep.add_argument("--submit", action="store_true", help="保存后立即提交审核")
        ep.add_argument("--resubmit", action="store_true",
                        help="修改已审核通过的记录（修改后需重新提交审核）")
        ep.set_defaults(handler=cmd_edit, kind=kind)
        sp = gs.add_parser("submit", help="提交审核：记录ID，或失败时显示的草稿标识")
        sp.add_argument("target", metavar="记录ID或草稿")
        _common(sp, json=True)
        sp.set_defaults(handler=lambda a: _submit(a, a.target), kind=kind)
        g.set_defaults(handler=lambda a, g=g: (g.print_help(), 2)[1])


def fields_help(spec_name: str, *, group: str = "",
                references: models.ReferenceLists | None = None) -> str:
    """The field table (``--help`` and ``fields``): label, key, required mark and allowed
    values, the platform's lists among them when ``references`` are given."""
    spec = get_spec(spec_name)
    lines = [f"{spec.title_zh}字段（--set 可写中文名或字段名；* 为提交时必填）："]
    for f in spec.fields:
        mark = "*" if f.required else " "
        allowed = ""
        if options := f.options(references):
            allowed = "，可选：" + "、".join(name for _, name in options)
        elif f.choices_from:
            allowed = f"，可选值见 hy-client {group} fields" if group else "，从平台列表中选择"
        elif f.kind == "date":
            allowed = "，格式 YYYY-MM-DD"
        lines.append(f"  {mark} {f.label_zh}（{f.key}）{allowed}")
    return "\n".join(lines)


def _common(p: argparse.ArgumentParser, *, json: bool) -> None:
    add_platform_option(p)
    if json:
        add_json_option(p)


def _edit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", default=[], metavar="字段=值", dest="fields",
                   help="字段可写中文名（如 联系人）或字段名（如 contact）；选项可写中文")
    p.add_argument("--unset", action="append", default=[], metavar="字段", help="清空某字段")
    p.add_argument("--attach", action="append", default=[], metavar="文件",
                   help="上传电子件（PDF、JPG、PNG，不超过20MB）")
    _common(p, json=True)


def _flows(args: argparse.Namespace) -> RecordFlows:
    """The logged-in account's flows: its own drafts only (asked of the platform: who am I)."""
    signin = logged_in(args)
    account = signin.known_account()
    if getattr(args, "kind", None) == "qualification" and account.kind == "person":
        raise errors.HyError(errors.NOT_FOR_PERSON)  # what applies to a person only
    return RecordFlows.for_account(signin.client, DraftStore(), account)


# --- profile ----------------------------------------------------------------------------------
def cmd_profile_show(args: argparse.Namespace) -> int:
    flows = _flows(args)
    state = flows.open("profile")
    _print_state(state, args.json, flows.references())
    return EXIT_OK


def _check_identity(state: FormState, args: argparse.Namespace) -> None:
    """A profile draft naming another company is used only when the user says so."""
    if state.foreign_identity and not getattr(args, "accept_identity", False):
        labels = {f.key: f.label_zh for name in ("profile_unit", "profile_person")
                  for f in get_spec(name).fields}
        raise errors.HyError(errors.DRAFT_IDENTITY_MISMATCH,
                             "、".join(labels.get(k, k) for k in state.foreign_identity))


def _check_editable(state: FormState, args: argparse.Namespace) -> None:
    """Refused before any write (the platform would answer 409); an approved record is edited
    only with ``--resubmit``."""
    status = state.record.status if state.record is not None else None
    refused = records.refusal(status, "edit")
    if refused is not None:
        raise errors.HyError(errors.RECORD_ACTION_REFUSED, refused[0])
    if records.needs_resubmit(status, "edit") and not args.resubmit:
        raise errors.HyError(errors.RECORD_RESUBMIT_CONFIRM, records.RESUBMIT_NOTE_ZH)


def cmd_profile_edit(args: argparse.Namespace) -> int:
    flows = _flows(args)
    state = flows.open("profile")
    _check_identity(state, args)
    _check_editable(state, args)
    record = _save(flows, state.form_key, state.spec_name, state.data, args,
                   record_id=None)
    _print_record(record, args.json, references=flows.references())
    return EXIT_OK


# --- qualifications and personnel ----------------------------------------------------------
def cmd_list(args: argparse.Namespace) -> int:
    flows = _flows(args)
    records = flows.list_records(args.kind)
    drafts = [d for d in flows.drafts.list() if d.form_key.startswith(args.kind + ":")]
    if args.json:
        print_json({"records": records, "drafts": [
            {"draft": d.form_key, "record_id": d.record_id, "data": d.data,
             "updated_at": d.updated_at.isoformat()} for d in drafts]})
        return EXIT_OK
    for r in records:
        title = r.data.get("cert_no") or r.data.get("name") or ""
        print(f"{r.id:>5}  {_STATUS[r.status]:<4}  {title}  {r.data.get('expires_on', '')}"
              + (f"  退回原因：{r.reject_reason}" if r.reject_reason else ""))
    for d in drafts:
        print(f"  草稿 {d.form_key}（记录 {d.record_id or '未创建'}，"
              f"{d.updated_at:%Y-%m-%d %H:%M} 保存）")
    if not records and not drafts:
        print("（无）")
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    flows = _flows(args)
    key = _draft_key(flows, args.kind, args.target)
    state = flows.open(args.kind, _record_id_of(flows, key), key=key)
    _check_editable(state, args)
    record = _save(flows, key, state.spec_name, state.data, args,
                   record_id=state.record.id if state.record is not None else None)
    if args.submit:
        record = _submit_with(flows, key)
    _print_record(record, args.json, references=flows.references())
    return EXIT_OK


def cmd_fields(args: argparse.Namespace) -> int:
    settings = config.load()
    with PlatformClient.from_settings(settings, args.platform) as client:
        references = client.reference()
    print(fields_help(args.kind, references=references))
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    flows = _flows(args)
    key = form_key(args.kind)
    record = _save(flows, key, args.kind, {}, args, record_id=None)
    if args.submit:
        record = _submit_with(flows, key)
    _print_record(record, args.json, references=flows.references())
    return EXIT_OK


# --- shared ---------------------------------------------------------------------------------
def _save(flows: RecordFlows, key: str, spec_name: str, data: dict[str, str],
          args: argparse.Namespace, *, record_id: int | None) -> models.Record:
    unreachable: errors.HyError | None = None
    try:
        references: models.ReferenceLists | None = flows.references()
    except errors.HyError as exc:
        references, unreachable = None, exc  # keep what was typed, then report
    merged = {**data, **resolve_assignments(references, spec_name, args.fields)}
    spec = get_spec(spec_name)
    for name in args.unset:
        field = spec.key_for(name)
        if field is None:
            raise errors.ValidationError([unknown_field(spec_name, name)])
        merged.pop(field, None)
    # Refused before anything is saved: an invalid value never sits in a draft.
    ensure_valid(spec_name, merged, partial=True, references=references)
    flows.edit(key, spec_name, merged, record_id=record_id)
    try:
        if unreachable is not None:
            raise unreachable
        record = flows.save_remote(key)
        for path in args.attach:
            print(f"上传 {path} …", file=sys.stderr)
            record = flows.attach(key, path, progress=_progress)
            print(file=sys.stderr)
    except errors.HyError:
        _tell_draft_kept(key)
        raise
    return record


def _progress(sent: int, total: int) -> None:
    print(f"\r  {sent * 100 // total:3d}%  {sent // 1024} / {total // 1024} KB", end="",
          file=sys.stderr, flush=True)


def _submit(args: argparse.Namespace, target: str) -> int:
    flows = _flows(args)
    key = "profile" if target == "profile" else _draft_key(flows, args.kind, target)
    kind = kind_of(key)
    record_id = None if key == "profile" else _record_id_of(flows, key)
    state = flows.open(kind, record_id, key=key) if key == "profile" or record_id else None
    if state is not None:
        if key == "profile":  # a draft naming another company: asked first, never sent
            _check_identity(state, args)
        record = state.record
        refused = records.refusal(record.status if record else None, "submit")
        if refused is not None and record is not None:
            if (state.draft is not None and record.status == "submitted"
                    and forms.payload(state.spec_name, state.draft.data) == record.data):
                flows.drafts.mark_submitted(key)  # an earlier submit went through, unanswered
                _print_record(record, args.json, references=flows.references())
                return EXIT_OK
            # refused before any write (the platform would answer 409)
            raise errors.HyError(errors.RECORD_ACTION_REFUSED, refused[0])
    record = _submit_with(flows, key)
    _print_record(record, args.json, references=flows.references())
    return EXIT_OK


def _submit_with(flows: RecordFlows, key: str) -> models.Record:
    try:
        return flows.submit(key)
    except errors.HyError:
        _tell_draft_kept(key)
        raise


def _tell_draft_kept(key: str) -> None:
    kind = kind_of(key)
    group = "profile" if kind == "profile" else ("qualifications" if kind == "qualification"
                                                 else "personnel")
    target = "" if kind == "profile" else f" {key}"
    print(f"内容已保存在本地草稿中；可稍后用 hy-client {group} submit{target} 重试。",
          file=sys.stderr)


def _record_id_of(flows: RecordFlows, key: str) -> int | None:
    draft = flows.drafts.load(key)
    if draft is not None and draft.record_id is not None:
        return draft.record_id
    return record_id_of_key(key)


def _draft_key(flows: RecordFlows, kind: Kind, target: str) -> str:
    """A record id → this account's draft holding it (if any) or ``kind:id``; a draft key as
    is."""
    if target.startswith(kind + ":"):
        return target
    if not target.isdecimal():
        raise errors.HyError(errors.NOT_FOUND, target[:40])
    for d in flows.drafts.list():
        if d.form_key.startswith(kind + ":") and d.record_id == int(target):
            return d.form_key
    return form_key(kind, int(target))


def _print_state(state: FormState, as_json: bool,
                 references: models.ReferenceLists | None = None) -> None:
    if as_json:
        print_json({"form": state.form_key, "spec": state.spec_name, "data": state.data,
                    "local_draft": state.has_draft, "foreign_identity": state.foreign_identity,
                    "record": state.record})
        return
    if state.record is not None:
        _print_record(state.record, False, data=state.data, spec=state.spec_name,
                      references=references)
    if state.has_draft:
        print("（显示的是尚未提交的本地草稿）")
    if state.foreign_identity:
        print(f"注意：{errors.DRAFT_IDENTITY_MISMATCH.zh}。{errors.DRAFT_IDENTITY_MISMATCH.advice_zh}")


def _print_record(record: models.Record, as_json: bool, *, data: dict[str, str] | None = None,
                  spec: str | None = None,
                  references: models.ReferenceLists | None = None) -> None:
    if as_json:
        print_json(record)
        return
    form = get_spec(spec or record.spec)
    print(f"记录 {record.id}  状态：{_STATUS[record.status]}"
          + (f"  退回原因：{record.reject_reason}" if record.reject_reason else ""))
    shown = data if data is not None else record.data
    for f in form.fields:
        print(f"  {f.label_zh}：{f.name_for(shown.get(f.key, ''), references)}")
    for a in record.attachments:
        print(f"  电子件：{a.filename}（{records.human_size(a.size)}）")
