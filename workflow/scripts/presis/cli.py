"""The `presis` command: one subcommand per job (`presis validate SHEET`; `run`, `vardb …` to come).

A user's mistake (presis.errors.InputError) is printed as its list of problems on stderr
with exit status 1 — never a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from presis import __version__, samplesheet
from presis.errors import InputError

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presis", description="presis: precision diagnostics from FASTQ to tumour report")
    parser.add_argument("--version", action="version", version=f"presis {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", required=True)
    add_validate(commands)
    return parser


def add_validate(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "validate",
        help="check a sample sheet and the first read of each FASTQ",
        description="Check a sample sheet (TSV) and its FASTQ files; list every problem found.",
    )
    command.add_argument("sheet", metavar="SHEET", help="the sample sheet, e.g. config/samples.tsv")
    command.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    sheet = samplesheet.load_sheet(args.sheet)
    counts = [
        counted(len(samplesheet.patients(sheet)), "patient"),
        counted(sheet["sample"].nunique(), "sample"),
        counted(len(sheet), "FASTQ pair"),
    ]
    print(f"{args.sheet}: OK — {', '.join(counts)}")
    return 0


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; the exit status is returned (the console script exits with it)."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except InputError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
