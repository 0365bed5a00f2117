#!/usr/bin/env python3
"""Release checklist: build the one-folder bundle, smoke-test it, check its size.

    make release-check          # or: .venv/bin/python scripts/release_check.py [--skip-build]

1. ``pyinstaller build.spec`` into dist/hy-client (prints the build time);
2. the bundle smoke tests (tests/build/, run against that bundle via HY_BUNDLE_DIR): the frozen
   ``hy-client token list --json`` on a SoftHSM2 token, ``doctor --json``, the GUI's imports, the
   bundled data, the sandbox left out;
3. the bundle size against the target (200 MB); past it the check fails.
Exit status 0 only when every step passed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
BUNDLE_NAME = "hy-client"
LIMIT_MB = 200.0


def build(dist: Path, work: Path, *, clean: bool = False, capture: bool = False) -> float:
    """Run PyInstaller on build.spec; returns the seconds it took. Raises CalledProcessError
    (with PyInstaller's output when ``capture``). ``clean`` also empties PyInstaller's cache."""
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
               "--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN",
               *(["--clean"] if clean else [])]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, timeout=1800, capture_output=capture,
                   text=capture)
    return time.monotonic() - started


def bundle_size(path: Path) -> int:
    """Bytes of every file in the bundle (symlinks not followed, so nothing counts twice)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest(path: Path, count: int = 8) -> list[tuple[int, str]]:
    sizes = [(p.lstat().st_size, str(p.relative_to(path))) for p in path.rglob("*")
             if p.is_file() and not p.is_symlink()]
    return sorted(sizes, reverse=True)[:count]


def smoke(bundle: Path, work: Path | None = None) -> int:
    """The tests in tests/build/ against ``bundle`` (``work``: the build's work dir, for the
    version-resource check); returns pytest's exit status."""
    env = {**os.environ, "HY_BUNDLE_DIR": str(bundle), "QT_QPA_PLATFORM": "offscreen"}
    if work is not None:
        env["HY_BUNDLE_WORK"] = str(work)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", str(ROOT / "tests" / "build")],
                          cwd=ROOT, env=env, check=False, timeout=1800).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--skip-build", action="store_true", help="check an existing bundle")
    parser.add_argument("--limit-mb", type=float, default=LIMIT_MB)
    args = parser.parse_args(argv)
    bundle = args.dist / BUNDLE_NAME
    results: list[tuple[str, bool, str]] = []

    if not args.skip_build:
        print(f"== build: pyinstaller {SPEC.name} → {bundle}", flush=True)
        try:
            seconds = build(args.dist, args.work, clean=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            print(f"build failed: {exc}", file=sys.stderr)
            return 1
        results.append(("build", True, f"{seconds:.1f} s"))
    if not (bundle / (BUNDLE_NAME + (".exe" if os.name == "nt" else ""))).exists():
        print(f"no bundle at {bundle}", file=sys.stderr)
        return 1

    print("== smoke test of the bundle", flush=True)
    status = smoke(bundle, None if args.skip_build else args.work)
    results.append(("smoke test", status == 0, f"pytest exit {status}"))

    size_mb = bundle_size(bundle) / 1e6
    results.append(("size", size_mb <= args.limit_mb,
                    f"{size_mb:.1f} MB (target < {args.limit_mb:.0f} MB)"))
    print("== largest files")
    for size, name in largest(bundle):
        print(f"  {size / 1e6:7.1f} MB  {name}")

    print("== release check")
    for name, ok, note in results:
        print(f"  {'PASS' if ok else 'FAIL'}  {name:<11} {note}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
