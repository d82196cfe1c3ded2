"""The `presis` command: one subcommand per job (`presis validate SHEET`, `run`, `vardb …`).

A user's mistake (presis.errors.InputError) is printed as its list of problems on stderr
with exit status 1 — never a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from presis import __version__
from presis.errors import InputError
from presis.inputs import samplesheet
from presis.vardb.cli import add_vardb

Handler = Callable[[argparse.Namespace], int]
REPO = Path(__file__).resolve().parents[3]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presis", description="presis: precision diagnostics from FASTQ to tumour report"
    )
    parser.add_argument("--version", action="version", version=f"presis {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", required=True)
    add_validate(commands)
    add_run(commands)
    add_vardb(commands)
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


def add_run(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "run",
        help="validate a sample sheet, then run the workflow on it",
        description="Validate SHEET, then run the presis workflow at hospital level N; results go to "
        "OUTDIR/results/<patient>/. Re-running the same sheet runs only what changed.",
    )
    command.add_argument("sheet", metavar="SHEET", help="the sample sheet (TSV)")
    command.add_argument("--level", type=int, choices=(1, 2, 3), required=True, help="hospital level preset")
    command.add_argument("--cores", type=int, default=2, help="cores to use (default 2)")
    command.add_argument("--profile", metavar="DIR", help="a Snakemake profile, e.g. profiles/slurm")
    command.add_argument("--outdir", metavar="DIR", default=".", help="results/, logs/ and benchmarks/ go below DIR")
    command.add_argument(
        "--configfile", metavar="SITE", default=str(REPO / "config" / "config.yaml"),
        help="site config naming the reference (default: the bundled demo's)",
    )  # fmt: skip
    command.set_defaults(handler=run_workflow)


def snakemake_command(args: argparse.Namespace) -> list[str]:
    executable = Path(sys.executable).parent / "snakemake"
    command = [
        str(executable if executable.exists() else shutil.which("snakemake") or "snakemake"),
        "--snakefile", str(REPO / "Snakefile"), "--configfile", str(Path(args.configfile).resolve()),
        "--cores", str(args.cores),
        "--config", f"samples={Path(args.sheet).resolve()}", f"level={args.level}", f"outdir={Path(args.outdir).resolve()}",
    ]  # fmt: skip
    if args.profile:
        command += ["--profile", args.profile]
    return command


def run_workflow(args: argparse.Namespace) -> int:
    run_validate(args)
    return subprocess.call(snakemake_command(args))


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
