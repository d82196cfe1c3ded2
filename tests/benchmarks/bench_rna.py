"""RNA benchmark (frozen seeds): fusion sensitivity for events with >= 5 supporting reads, breakpoint/partner/
orientation/frame correctness, false fusions per sample over negative controls, EGFRvIII and exon skipping,
seconds per RNA sample (STAR index and alignment).

    .venv/bin/python tests/benchmarks/bench_rna.py [tuning|reporting]

Tuning seeds 1-3 were used to set rna.fusions defaults; reporting seeds 101-105 were not looked at before.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import yaml  # noqa: E402

from presis.annotation.transcripts import load_transcripts  # noqa: E402
from presis.devtools.simulate_rna import RnaPlan, simulate_rna  # noqa: E402
from presis.rna import fusions, splicing, star  # noqa: E402

GENOME = REPO / "tests" / "data" / "genome"
SETS = {"tuning": [1, 2, 3], "reporting": [101, 102, 103, 104, 105]}


def same_junction(call, truth: list[str]) -> bool:
    """The called breakpoints are the true ones, or the same junction placed elsewhere within a microhomology:
    both sides shifted by the same number of bases along their transcripts (a read shows the same sequence)."""
    (c5, p5), (c3, p3) = (b.rsplit(":", 1) for b in truth)
    if (c5, c3) != (call.chrom5, call.chrom3):
        return False
    d5 = (call.pos5 - int(p5)) * (1 if call.strand5 == "+" else -1)
    d3 = (call.pos3 - int(p3)) * (1 if call.strand3 == "+" else -1)
    return d5 == d3 and abs(d5) <= fusions.MICROHOMOLOGY


def run(seeds):
    defaults = yaml.safe_load((REPO / "config" / "defaults.yaml").read_text())["rna"]
    settings = fusions.Settings.from_config(defaults["fusions"])
    index = load_transcripts(GENOME / "presis-test-GRCh38.v2.gff3.gz")
    work = Path(tempfile.mkdtemp(prefix="bench_rna_"))
    fasta = work / "genome.fa"
    subprocess.run(f"zcat {GENOME / 'presis-test-GRCh38.v2.fa.gz'} > {fasta}", shell=True, check=True)
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    sj = work / "sj.tsv"
    star.write_junctions(index, sj)
    t0 = time.time()
    subprocess.run(["STAR", "--runMode", "genomeGenerate", "--runThreadN", "2", "--genomeDir", str(work / "idx"),
                    "--genomeFastaFiles", str(fasta), "--genomeSAindexNbases", str(star.sa_index_bases(star.genome_length(f"{fasta}.fai"))),
                    "--sjdbFileChrStartEnd", str(sj), "--sjdbOverhang", "100", "--outFileNamePrefix", str(work) + "/idx_"],
                   check=True, capture_output=True)  # fmt: skip
    index_seconds = time.time() - t0
    found = total = exact = false_calls = 0
    skip_hits = skip_total = skip_false = 0
    align_seconds = []
    samples = []
    wrong, missed = [], []
    for seed in seeds:
        for negative in (False, True):
            plan = RnaPlan(seed=seed + (1000 if negative else 0), fusions=0 if negative else 8,
                           egfrviii=not negative, extra_skipping=None if negative else ("TP53", 4, 4, "TP53 exon 4 skipping"))  # fmt: skip
            prefix = work / f"s{seed}{'n' if negative else ''}"
            events = simulate_rna(
                GENOME / "presis-test-GRCh38.v2.fa.gz", GENOME / "presis-test-GRCh38.v2.gff3.gz", plan, prefix
            )
            out = Path(f"{prefix}.star/")
            t0 = time.time()
            subprocess.run(["STAR", "--runThreadN", "2", "--genomeDir", str(work / "idx"), "--readFilesIn", f"{prefix}_R1.fastq.gz",
                            f"{prefix}_R2.fastq.gz", "--readFilesCommand", "zcat", "--outFileNamePrefix", f"{out}/",
                            "--outSAMtype", "None", *star.ARRIBA_OPTIONS], check=True, capture_output=True)  # fmt: skip
            align_seconds.append(time.time() - t0)
            all_calls = fusions.call_fusions(out / "Chimeric.out.junction", index, settings)
            calls = [c for c in all_calls if c.status == "detected"]
            truth = {e.name: e for e in events if e.kind == "fusion"}
            for name, event in truth.items():
                if event.supporting_fragments < 5:
                    continue
                total += 1
                hit = next((c for c in calls if c.name == name), None)
                if not hit:
                    missed.append({"name": name, "support": event.supporting_fragments, "breakpoints": event.breakpoints,
                                   "calls": [(c.name, c.status, c.reason) for c in all_calls if set(c.name.split("::")) & set(name.split("::"))]})  # fmt: skip
                if hit:
                    found += 1
                    bps = [f"{hit.chrom5}:{hit.pos5}", f"{hit.chrom3}:{hit.pos3}"]
                    right = same_junction(hit, event.breakpoints) and hit.frame == event.frame
                    exact += right
                    if not right:
                        wrong.append(
                            {"truth": [event.breakpoints, event.frame], "call": [bps, hit.frame], "name": name}
                        )
            false = [c.name for c in calls if c.name not in truth]
            false_calls += len(false)
            defs = [splicing.SpliceEvent("EGFRvIII", "intragenic_deletion", "EGFR", index.choose("EGFR")[0].id, 2, 7),
                    splicing.SpliceEvent("TP53 exon 4 skipping", "exon_skipping", "TP53", index.choose("TP53")[0].id, 4, 4)]  # fmt: skip
            records = splicing.evaluate_all(defs, out / "SJ.out.tab", index, splicing.Settings(**defaults["splicing"]))
            for record in records:
                simulated = any(e.name == record["name"] for e in events)
                if simulated:
                    skip_total += 1
                    skip_hits += record["status"] == "detected"
                else:
                    skip_false += record["status"] == "detected"
            samples.append({"seed": plan.seed, "negative": negative, "false_fusions": false})
    print(json.dumps({
        "fusions_with_5_reads": total, "sensitivity": round(found / total, 3) if total else None,
        "exact_breakpoints_partners_orientation_frame": round(exact / found, 3) if found else None,
        "false_fusions_per_sample": round(false_calls / len(samples), 3), "samples": len(samples),
        "exon_events_detected": f"{skip_hits}/{skip_total}", "exon_events_false": skip_false,
        "star_index_seconds": round(index_seconds, 1), "star_align_seconds_per_sample": round(sum(align_seconds) / len(align_seconds), 1),
        "false_calls": [s for s in samples if s["false_fusions"]], "wrong": wrong, "missed": missed,
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    run(SETS[sys.argv[1] if len(sys.argv) > 1 else "reporting"])
