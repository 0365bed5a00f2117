"""Check a program's output file (or stdin, "-") is strict UTF-8, optionally JSON, optionally
containing a text. Used by the Windows workflow's smoke tests; exit 1 with the reason."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--contains", default="")
    parser.add_argument("--expect", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="a JSON value at a dotted path must equal VALUE")
    args = parser.parse_args(argv)
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"not UTF-8: {exc}", file=sys.stderr)
        return 1
    if args.json or args.expect:
        try:
            document = json.loads(text)
        except ValueError as exc:
            print(f"not JSON: {exc}", file=sys.stderr)
            return 1
        for expectation in args.expect:
            path, _, wanted = expectation.partition("=")
            value = document
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if str(value) != wanted:
                print(f"{path} is {value!r}, not {wanted!r}", file=sys.stderr)
                return 1
    if args.contains and args.contains not in text:
        print(f"missing {args.contains!r}", file=sys.stderr)
        return 1
    print(f"ok: {len(data)} bytes of UTF-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
