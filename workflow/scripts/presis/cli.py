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
    add_kb(commands)
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


def add_kb(commands: argparse._SubParsersAction) -> None:
    kb_parser = commands.add_parser("kb", help="knowledge-base tools", description="Knowledge-base tools.")
    tools = kb_parser.add_subparsers(dest="kb_command", title="kb commands", required=True)
    command = tools.add_parser(
        "import-civic",
        help="import a CIViC release as KB entries (not curated by presis)",
        description="Read a CIViC release's ClinicalEvidenceSummaries.tsv, MolecularProfileSummaries.tsv and "
        "VariantSummaries.tsv and write presis KB entries (accepted evidence that maps cleanly; docs/interpretation.md). "
        "Point config key kb.civic at OUT to use them: CIViC-only evidence never raises a variant above AMP tier II.",
    )
    command.add_argument("evidence", metavar="EVIDENCE", help="ClinicalEvidenceSummaries.tsv of the release")
    command.add_argument("profiles", metavar="PROFILES", help="MolecularProfileSummaries.tsv of the release")
    command.add_argument("variants", metavar="VARIANTS", help="VariantSummaries.tsv of the release")
    command.add_argument("--out", required=True, metavar="YAML", help="where to write the entries")
    command.add_argument(
        "--release", metavar="DATE", help="release date, 01-Dec-2025 or 2025-12-01 (default: from the file name)"
    )
    kb_dir = REPO / "config" / "kb"
    command.add_argument("--doid-map", default=str(kb_dir / "civic_doid_oncotree.tsv"), help="DOID -> OncoTree table")
    command.add_argument("--oncotree", default=str(kb_dir / "oncotree.tsv"), help="OncoTree table of the KB")
    command.set_defaults(handler=run_import_civic)


def run_import_civic(args: argparse.Namespace) -> int:
    import yaml

    from presis.interpretation import civic
    from presis.interpretation import kb as K

    release = args.release or civic.release_from_name(args.evidence)
    if not release:
        raise InputError(["no release date in the file name: give --release 01-Dec-2025"], args.evidence)
    result = civic.import_release(
        args.evidence, args.profiles, args.variants, civic.read_doid_map(args.doid_map), release
    )
    out = Path(args.out)
    out.write_text(yaml.safe_dump(civic.kb_document(result), sort_keys=False, allow_unicode=True))
    files = K.KBFiles.in_repo(REPO)
    # The written file must load next to the curated KB (schema, OncoTree codes, no id clashes).
    K.load(K.KBFiles(files.biomarkers, Path(args.oncotree), files.gene_roles, files.schema, (out,)))
    print(result.summary())
    print(f"written: {out}")
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
