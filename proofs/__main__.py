"""``python -m proofs [-o FOLDER] [--theorem NAME ...] [--no-pdf]``: run every check, write the proof book."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from proofs import THEOREMS, check_all
from proofs.book import compile_pdf, document

DEFAULT_FOLDER = Path(__file__).parent / "build"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proofs", description=__doc__)
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_FOLDER, help="folder for proofs.tex/.pdf"
    )
    parser.add_argument(
        "--theorem", action="append", choices=THEOREMS, help="check only this theorem (repeatable)"
    )
    parser.add_argument("--no-pdf", action="store_true", help="write the .tex only")
    args = parser.parse_args(argv)
    reports = check_all(args.theorem or THEOREMS)
    for report in reports:
        print(report)
    failed = [report.name for report in reports if not report.passed]
    args.output.mkdir(parents=True, exist_ok=True)
    tex = args.output / "proofs.tex"
    temporary = tex.with_name(".proofs.tex.tmp")
    temporary.write_text(document(reports), encoding="utf-8")
    os.replace(temporary, tex)
    print(f"wrote {tex}")
    if not args.no_pdf:
        if shutil.which("pdflatex") is None:
            print("pdflatex not found: no PDF written", file=sys.stderr)
        else:
            try:
                print(f"wrote {compile_pdf(tex)}")
            except RuntimeError as error:
                print(error, file=sys.stderr)
                return 1
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all {len(reports)} theorems pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
