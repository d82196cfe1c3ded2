"""Several tumour samples of one patient through the real workflow: a primary and a relapse
sharing the patient's one normal, and a third "tumour" that is another person's DNA.

One session run (--keep-going) of patient MT:
- MT-P, the primary: 45 % of the demo tumour's read pairs; purity 0.7 in the sheet.
- MT-R, the relapse: another 20 % of the demo tumour's pairs mixed with 60 % of the demo normal's
  (every somatic VAF about halved); purity 0.4 in the sheet.
- MT-X: the reads of FOREIGN-N (tests/data/identity: another, simulated person) as a tumour.
- MT-N: the demo normal, aligned once for all three.
The primary and the relapse run to two reports; MT-X's identity check against the normal fails
and stops its report (identity: on_mismatch: stop), and with it the patient's contribution to the
national variant database. A second invocation on the same results, the sheet without MT-X (the
swapped sample withdrawn), writes the patient's one contribution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DATA, DEMO_READS, Run, demo_row, run_workflow, write_sheet

from presis.devtools.mixing import in_first_half, write_pairs

pytestmark = pytest.mark.e2e

IDENTITY = DATA / "identity"
KRAS_G12D = ("chr12_25195146_25260929", 50205, "C", "T")


@dataclass
class MultiTumourRun:
    run: Run  # the first invocation, with the foreign tumour
    contribution_run: Run  # the second, without it


def mixed_reads(folder: Path) -> dict[str, tuple[Path, Path]]:
    """The primary's and the relapse's FASTQs from the demo reads, split by a hash of the read name."""
    tumour = (DEMO_READS / "DEMO-T_R1.fastq.gz", DEMO_READS / "DEMO-T_R2.fastq.gz")
    normal = (DEMO_READS / "DEMO-N_R1.fastq.gz", DEMO_READS / "DEMO-N_R2.fastq.gz")
    files = {name: (folder / f"{name}_R1.fastq.gz", folder / f"{name}_R2.fastq.gz") for name in ("MT-P", "MT-R")}
    write_pairs([(*tumour, lambda read: in_first_half(read, "mt", 0.45))], *files["MT-P"])
    relapse_tumour = lambda read: not in_first_half(read, "mt", 0.45) and in_first_half(read, "mt", 0.65)  # noqa: E731
    write_pairs(
        [(*tumour, relapse_tumour), (*normal, lambda read: in_first_half(read, "mt-normal", 0.6))], *files["MT-R"]
    )
    return files


def rows(files: dict[str, tuple[Path, Path]], foreign: bool) -> list[dict]:
    def row(sample: str, kind: str, r1: Path, r2: Path, purity: str = "") -> dict:
        return {"patient": "MT", "sample": sample, "type": kind, "tumour_type": "LUAD", "lane": "L001",
                "fastq_1": r1, "fastq_2": r2, "purity": purity}  # fmt: skip

    sheet = [
        row("MT-P", "tumour", *files["MT-P"], purity="0.7"),
        row("MT-R", "tumour", *files["MT-R"], purity="0.4"),
        row("MT-N", "normal", DEMO_READS / "DEMO-N_R1.fastq.gz", DEMO_READS / "DEMO-N_R2.fastq.gz"),
    ]
    if foreign:
        sheet.append(row("MT-X", "tumour", IDENTITY / "FOREIGN-N_R1.fastq.gz", IDENTITY / "FOREIGN-N_R2.fastq.gz"))
    return sheet


@pytest.fixture(scope="session")
def primary_and_relapse_reads(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    return mixed_reads(tmp_path_factory.mktemp("multitumour_reads"))


@pytest.fixture(scope="session")
def multitumour_run(tmp_path_factory, primary_and_relapse_reads) -> MultiTumourRun:
    folder = tmp_path_factory.mktemp("multitumour")
    files = primary_and_relapse_reads
    outdir = folder / "out"
    results = outdir / "results" / "MT"
    # What the tests look at: the two reports (with exports and copy number) and the foreign
    # tumour's identity check; not MT-X's own calls, which its failed check makes moot.
    targets = [results / "qc" / "MT-X.identity.json"]
    for unit in ("MT-P", "MT-R"):
        targets += [results / "report" / f"{unit}.{ext}" for ext in ("report.json", "report.html", "fhir.json", "maf")]
        targets.append(results / "cnv" / f"{unit}.copy_number.tsv")
    sheet = write_sheet(folder / "samples.tsv", rows(files, foreign=True))
    run = run_workflow(outdir, f"samples={sheet}", extra=("--keep-going", "--", *map(str, targets)))
    withdrawn = write_sheet(folder / "samples.withdrawn.tsv", rows(files, foreign=False))
    contribution = results / "vardb" / "MT.contribution.json"
    second = run_workflow(outdir, f"samples={withdrawn}", extra=("--", str(contribution)))
    assert second.returncode == 0, second.output[-5000:]
    return MultiTumourRun(run, second)


def report(run: Run, unit: str) -> dict:
    return json.loads(run.result(f"MT/report/{unit}.report.json").read_text())


def g12d_vaf(report: dict) -> float:
    (variant,) = [v for v in report["variants"] if (v["chrom"], v["pos"], v["ref"], v["alt"]) == KRAS_G12D]
    return variant["tumour_vaf"]


def test_a_primary_and_a_relapse_run_to_two_reports_against_one_normal(multitumour_run):
    run = multitumour_run.run
    primary, relapse = report(run, "MT-P"), report(run, "MT-R")
    # MT-X, another person's sample whose own report its identity check stopped, is named as
    # withheld with the reason in both reports, never as a sibling analysed like them.
    for this, sibling in ((primary, "MT-R"), (relapse, "MT-P")):
        (withheld,) = this["samples"].pop("withheld_tumours")
        assert this["samples"] == {"tumour": this["samples"]["tumour"], "normal": "MT-N", "other_tumours": [sibling]}
        assert withheld["sample"] == "MT-X"
        assert withheld["reason"].startswith(
            "report withheld: sample identity mismatch — tumour MT-X and normal MT-N look like two different people ("
        )
    assert (primary["samples"]["tumour"], relapse["samples"]["tumour"]) == ("MT-P", "MT-R")
    assert (primary["mode"], relapse["mode"]) == ("tumour-normal", "tumour-normal")
    # Each its own calls: the relapse, half normal reads, shows KRAS G12D at about half the VAF.
    assert 0.18 <= g12d_vaf(primary) <= 0.4 and 0.06 <= g12d_vaf(relapse) <= 0.22
    assert g12d_vaf(relapse) < 0.8 * g12d_vaf(primary)
    for unit in ("MT-P", "MT-R"):
        assert run.result(f"MT/calls/{unit}.somatic.vcf.gz").exists()
        html = run.result(f"MT/report/{unit}.report.html").read_text()
        assert "Other tumour samples of this patient" in html
        assert '<tr><td>Tumour sample not reported</td><td class="fail">MT-X: report withheld: sample identity' in html
        maf = run.result(f"MT/report/{unit}.maf").read_text()
        assert f"\t{unit}\tMT-N\t" in maf  # Tumor_Sample_Barcode, Matched_Norm_Sample_Barcode
    # One normal for all three tumours: aligned once, beside each tumour's own alignment.
    bams = sorted(p.name for p in run.result("MT/align").glob("*.bam"))
    assert bams == ["MT-N.bam", "MT-P.bam", "MT-R.bam", "MT-X.bam"]


def test_purity_is_each_tumour_samples_own(multitumour_run):
    run = multitumour_run.run
    assert (report(run, "MT-P")["patient"]["purity"], report(run, "MT-R")["patient"]["purity"]) == (0.7, 0.4)
    for unit, purity in (("MT-P", 0.7), ("MT-R", 0.4)):
        cnv = json.loads(run.result(f"MT/cnv/{unit}.cnv.json").read_text())
        assert (cnv["purity"]["value"], cnv["purity"]["source"]) == (purity, "sample_sheet")
        html = run.result(f"MT/report/{unit}.report.html").read_text()
        assert f"Tumour purity (of {unit})" in html


def test_a_tumour_of_another_person_among_them_is_caught_by_identity(multitumour_run):
    run = multitumour_run.run
    assert run.returncode != 0  # MT-X failed; --keep-going finished the others
    assert "SAMPLE MISMATCH: tumour MT-X and normal MT-N look like two different people" in run.output
    assert not run.result("MT/qc/MT-X.identity.json").exists()
    for unit in ("MT-P", "MT-R"):
        identity = json.loads(run.result(f"MT/qc/{unit}.identity.json").read_text())
        assert (identity["status"], identity["tumour"], identity["normal"]) == ("match", unit, "MT-N")
        assert report(run, unit)["identity"]["verified"] is True
    assert not run.result("MT/report/MT-X.report.json").exists()


def test_the_patient_contributes_once_to_the_variant_database(multitumour_run):
    run = multitumour_run.contribution_run
    data = json.loads(run.result("MT/vardb/MT.contribution.json").read_text())
    somatic = [(v["chrom"], v["pos"], v["ref"], v["alt"]) for v in data["variants"] if v["origin"] == "somatic"]
    assert len(somatic) == len(set(somatic))  # each variant once for the person
    # KRAS G12D, in both tumours, is there once (real coordinates: contig offset applied).
    assert somatic.count(("chr12", 25195146 + 50205 - 1, "C", "T")) == 1
    called = {}
    for unit in ("MT-P", "MT-R"):
        table = run.result(f"MT/filter/{unit}.variants.tsv").read_text().splitlines()
        header = table[0].split("\t")
        rows = [dict(zip(header, line.split("\t"), strict=False)) for line in table[1:]]
        called[unit] = {(r["chrom"], r["pos"]) for r in rows if r["status"] == "somatic" and r["in_panel"] == "True"}
    shared = called["MT-P"] & called["MT-R"]
    assert len(shared) >= 10  # the relapse carries most of the primary's mutations...
    assert len(somatic) == len(called["MT-P"] | called["MT-R"])  # ...and the person counts each once


# --- the paths (dry run): a patient with one tumour keeps today's paths exactly -----------------

# Every file below results/DEMO/ of the bundled RNA example (config/samples.rna.tsv), as the
# workflow listed it before several tumours per patient existed (`snakemake -n --summary`), and the
# temporary per-shard error counts and classified parts (calls/shards/, deleted once merged) since
# the error profile and the classification run per calling shard.
ONE_TUMOUR_PATHS = """
align/DEMO-N.L001.sorted.bam align/DEMO-N.bam align/DEMO-N.bam.bai align/DEMO-T.L001.sorted.bam align/DEMO-T.bam
align/DEMO-T.bam.bai annotate/DEMO.csq.bcf annotate/DEMO.germline.csq.bcf annotate/DEMO.germline.tsv
annotate/DEMO.variants.tsv calls/DEMO.candidates.bcf calls/DEMO.error_profile.json calls/DEMO.germline.vcf.gz
calls/DEMO.germline.vcf.gz.tbi calls/DEMO.somatic.vcf.gz calls/DEMO.somatic.vcf.gz.tbi
calls/shards/DEMO.000.candidates.bcf calls/shards/DEMO.000.germline.bcf calls/shards/DEMO.001.candidates.bcf
calls/shards/DEMO.001.germline.bcf calls/shards/DEMO.002.candidates.bcf calls/shards/DEMO.002.germline.bcf
calls/shards/DEMO.003.candidates.bcf calls/shards/DEMO.003.germline.bcf cnv/DEMO-N.antitargetcoverage.cnn
calls/shards/DEMO.000.error_profile.json calls/shards/DEMO.001.error_profile.json calls/shards/DEMO.002.error_profile.json
calls/shards/DEMO.003.error_profile.json calls/shards/DEMO.000.somatic.vcf calls/shards/DEMO.001.somatic.vcf
calls/shards/DEMO.002.somatic.vcf calls/shards/DEMO.003.somatic.vcf
cnv/DEMO-N.targetcoverage.cnn cnv/DEMO-T.antitargetcoverage.cnn cnv/DEMO-T.targetcoverage.cnn cnv/DEMO.cnr
cnv/DEMO.cns cnv/DEMO.cnv.json cnv/DEMO.copy_number.tsv cnv/DEMO.reference.cnn coverage/DEMO-N.mosdepth.summary.txt
coverage/DEMO-N.regions.bed.gz coverage/DEMO-N.thresholds.bed.gz coverage/DEMO-T.mosdepth.summary.txt
coverage/DEMO-T.regions.bed.gz coverage/DEMO-T.thresholds.bed.gz filter/DEMO.variants.tsv interpret/DEMO.lod.tsv
interpret/DEMO.variants.tsv qc/DEMO-N.L001.fastp.html qc/DEMO-N.L001.fastp.json qc/DEMO-N.L001.trimmed_R1.fastq.gz
qc/DEMO-N.L001.trimmed_R2.fastq.gz qc/DEMO-N.samtools_stats.txt qc/DEMO-R.L001.fastp.html qc/DEMO-R.L001.fastp.json
qc/DEMO-R.L001.trimmed_R1.fastq.gz qc/DEMO-R.L001.trimmed_R2.fastq.gz qc/DEMO-T.L001.fastp.html
qc/DEMO-T.L001.fastp.json qc/DEMO-T.L001.trimmed_R1.fastq.gz qc/DEMO-T.L001.trimmed_R2.fastq.gz
qc/DEMO-T.samtools_stats.txt qc/DEMO.ffpe.json qc/DEMO.germline.bcftools_stats.txt qc/DEMO.identity.bcf
qc/DEMO.identity.json qc/DEMO.somatic.bcftools_stats.txt report/DEMO.fhir.json report/DEMO.maf report/DEMO.report.html
report/DEMO.report.json report/DEMO.report.rna.tsv report/DEMO.report.tsv rna/DEMO-R.Chimeric.out.junction
rna/DEMO-R.Log.final.out rna/DEMO-R.SJ.out.tab rna/DEMO-R.bam rna/DEMO-R.bam.bai rna/DEMO-R.flagstat.json
rna/DEMO-R.rna.json rna/DEMO-R.rna_events.tsv rna/DEMO-R.star.bam tmb/DEMO.tmb.json vardb/DEMO.contribution.json
""".split()


def test_paths_of_one_and_of_several_tumour_samples(tmp_path, primary_and_relapse_reads):
    """The demo patient with RNA (one tumour) beside patient MT with a primary, a relapse, a normal
    and an RNA sample of the relapse, in one dry run."""
    reads = DATA / "reads"
    sheet = [
        demo_row(), demo_row("DEMO-N", "normal"),
        demo_row("DEMO-R", "rna", fastq_1=reads / "rna" / "DEMO-R_R1.fastq.gz", fastq_2=reads / "rna" / "DEMO-R_R2.fastq.gz"),
        *rows(primary_and_relapse_reads, foreign=False)[:2],
        {**rows(primary_and_relapse_reads, foreign=False)[2], "fastq_1": IDENTITY / "FOREIGN-N_R1.fastq.gz",
         "fastq_2": IDENTITY / "FOREIGN-N_R2.fastq.gz"},
        {"patient": "MT", "sample": "MT-RNA", "type": "rna", "tumour_type": "LUAD", "lane": "L001", "tumour_sample": "MT-R",
         "fastq_1": reads / "rna" / "RNA-GB-R_R1.fastq.gz", "fastq_2": reads / "rna" / "RNA-GB-R_R2.fastq.gz"},
    ]  # fmt: skip
    outdir = tmp_path / "out"
    run = run_workflow(outdir, f"samples={write_sheet(tmp_path / 'samples.tsv', sheet)}", extra=("-n", "--summary"))
    assert run.returncode == 0, run.output[-5000:]
    listed = {line.split("\t")[0] for line in run.output.splitlines() if line.startswith(str(outdir))}
    below = lambda patient: {path.split(f"/results/{patient}/")[1] for path in listed if f"/results/{patient}/" in path}  # noqa: E731
    assert sorted(below("DEMO")) == sorted(ONE_TUMOUR_PATHS)
    several = below("MT")
    for unit in ("MT-P", "MT-R"):
        for path in ("calls/{u}.somatic.vcf.gz", "report/{u}.report.html", "report/{u}.report.json",
                     "report/{u}.fhir.json", "report/{u}.maf", "cnv/{u}.copy_number.tsv", "qc/{u}.identity.json",
                     "qc/{u}.somatic.bcftools_stats.txt", "interpret/{u}.lod.tsv", "tmb/{u}.tmb.json"):  # fmt: skip
            assert path.format(u=unit) in several
    # Once for the patient: the normal's alignment and germline calls, the CNVkit reference, the contribution.
    for path in ("align/MT-N.bam", "calls/MT.germline.vcf.gz", "cnv/MT.reference.cnn", "vardb/MT.contribution.json"):
        assert path in several
    assert not any(name.startswith(("calls/MT.somatic", "report/MT.")) for name in several)
    # The RNA sample belongs to the relapse: its events table is beside the relapse's report only.
    assert "report/MT-R.report.rna.tsv" in several and "report/MT-P.report.rna.tsv" not in several
