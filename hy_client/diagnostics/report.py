"""The report as support receives it: Chinese text, stable JSON, and one zip with both and the
recent log. Everything here is already redacted by the run that made the report.

JSON (``format`` ``hy-client-diagnostics/1``; keys are only ever added):
``{"format", "generated_at", "app_version", "sections", "cancelled", "summary": {"worst",
"counts": {severity: n}}, "findings": [{"id", "section", "severity", "code", "title", "detail",
"advice", "data"}]}``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from ..errors import SUPPORT_PHONE
from .model import SECTIONS, SEVERITY_ZH, Report

FORMAT = "hy-client-diagnostics/1"
_MARK = {"ok": "✔", "info": "·", "warning": "!", "error": "✘"}


def to_json(report: Report) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "app_version": report.app_version,
        "sections": list(report.sections),
        "cancelled": report.cancelled,
        "summary": {"worst": report.worst, "counts": report.counts()},
        "findings": [f.to_json() for f in report.findings],
    }


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2, sort_keys=False,
                      default=str)


def summary_line(report: Report) -> str:
    c = report.counts()
    head = {"error": "发现问题", "warning": "有需要注意的项目"}.get(report.worst, "未发现问题")
    return (f"{head}：错误 {c['error']} 项，警告 {c['warning']} 项，"
            f"提示 {c['info']} 项，正常 {c['ok']} 项")


def render_text(report: Report) -> str:
    local = report.generated_at.astimezone()
    lines = ["衡阳市公共资源交易系统客户端 诊断报告",
             f"生成时间：{local:%Y-%m-%d %H:%M:%S %z}    程序版本：hy-client {report.app_version}",
             summary_line(report) + ("（已中止，报告不完整）" if report.cancelled else ""), ""]
    for section in report.sections:
        findings = report.in_section(section)
        if not findings:
            continue
        lines.append(f"【{SECTIONS[section]}】")
        for f in findings:
            lines.append(f"  {_MARK[f.severity]} [{SEVERITY_ZH[f.severity]}] {f.title_zh}"
                         + (f"（{f.code}）" if f.code else ""))
            if f.detail_zh:
                lines.append(f"      {f.detail_zh}")
            if f.advice_zh and f.severity != "ok":
                lines.append(f"      建议：{f.advice_zh}")
        lines.append("")
    lines.append(f"如需帮助，请致电技术支持 {SUPPORT_PHONE}，并提供本报告。")
    return "\n".join(lines) + "\n"


def write_zip(report: Report, out: str | Path) -> Path:
    """One file to hand to support: report.txt, report.json and the (redacted) recent log."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.txt", render_text(report))
        zf.writestr("report.json", render_json(report))
        zf.writestr("hy-client.log", report.log_tail or "（无日志）\n")
    tmp.replace(path)
    return path
