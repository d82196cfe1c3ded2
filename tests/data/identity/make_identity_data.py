"""Build the identity-check test data: a foreign normal and the identity site list.

Run once from the repository folder (the outputs are bundled; tests never run this):

    .venv/bin/python tests/data/identity/make_identity_data.py \
        --simulator /work/shared/data/tools/simulate_panel_reads.py

Writes, in tests/data/identity/:

- FOREIGN.variants.tsv: the germline genotypes of a second, simulated person, FOREIGN, at
  the demo's germline SNV sites (drawn as for a common SNP, allele frequency 0.5 under
  Hardy-Weinberg: 0/0, 0/1, 1/1 with 1/4, 1/2, 1/4) plus 16 SNVs of his own inside the demo
  panel (het 2/3, hom 1/3), away from every demo variant;
- FOREIGN.germline_truth.vcf.gz (+ .tbi): those genotypes, 0/0 sites included;
- FOREIGN-N_R{1,2}.fastq.gz: his normal (~60x), simulated over the demo panel by the shared
  simulate_panel_reads.py (depth 100, seed 5001);
- sites.vcf.gz (+ .tbi): the identity sites — every biallelic SNV of the demo germline truth,
  of FOREIGN and of the Platinum Genomes NA12878 truth (chr21 slice); INFO/SOURCE says which.
  The MSH2 window contributes none: the GIAB HG001/HG002 reads show no SNV there.
"""

from __future__ import annotations

import argparse
import gzip
import random
import subprocess
import sys
from pathlib import Path

import pysam

REPO = Path(__file__).resolve().parents[3]
HERE = REPO / "tests" / "data" / "identity"
GENOME = REPO / "tests" / "data" / "genome" / "presis-test-GRCh38.v2.fa.gz"
PANEL = REPO / "config" / "panels" / "presis-demo.bed"
DEMO = REPO / "tests" / "data" / "reads" / "demo"
NA12878 = REPO / "tests" / "data" / "reads" / "na12878_chr21" / "NA12878.germline_truth.vcf.gz"
SEED = 5001
OWN_SITES = 16
PANEL_PAD = 25  # the demo panel is CDS +/- 25 bp: own sites go in the CDS part
MIN_GAP = 40  # bp between an own site and any demo variant (germline or somatic)


def demo_variants() -> list[tuple[str, int, str, str, str, str]]:
    """(contig, pos, ref, alt, kind, value) of every demo variant."""
    rows = []
    for line in (DEMO / "DEMO.variants.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        contig, pos, ref, alt, kind, value = line.split("\t")[:6]
        rows.append((contig, int(pos), ref, alt, kind, value))
    return rows


def hwe_genotype(rng: random.Random) -> str:
    draw = rng.random()
    return "ref" if draw < 0.25 else ("het" if draw < 0.75 else "hom")


def own_sites(rng: random.Random, fasta: pysam.FastaFile, taken: list[tuple[str, int]]) -> list[tuple]:
    cores = []
    for line in PANEL.read_text().splitlines():
        contig, start, end = line.split("\t")[:3]
        start, end = int(start) + PANEL_PAD, int(end) - PANEL_PAD
        if end - start > 20:
            cores.append((contig, start, end))
    sites = []
    while len(sites) < OWN_SITES:
        contig, start, end = rng.choice(cores)
        pos = rng.randrange(start + 3, end - 3) + 1
        if any(c == contig and abs(p - pos) < MIN_GAP for c, p in taken):
            continue
        ref = fasta.fetch(contig, pos - 1, pos).upper()
        if ref not in "ACGT":
            continue
        taken.append((contig, pos))
        alt = rng.choice([b for b in "ACGT" if b != ref])
        sites.append((contig, pos, ref, alt, "het" if rng.random() < 2 / 3 else "hom"))
    return sites


def foreign_genotypes(fasta: pysam.FastaFile) -> list[tuple[str, int, str, str, str, str]]:
    """(contig, pos, ref, alt, genotype ref|het|hom, label) of FOREIGN at every site he is typed at."""
    rng = random.Random(SEED)
    demo = demo_variants()
    shared = [
        (c, p, r, a, hwe_genotype(rng), "demo_site")
        for c, p, r, a, kind, _ in demo
        if kind == "germline" and len(r) == len(a) == 1
    ]
    own = [(*site, "foreign_own") for site in own_sites(rng, fasta, [(c, p) for c, p, *_ in demo])]
    return shared + own


def contig_header(fasta: pysam.FastaFile) -> list[str]:
    return [
        f"##contig=<ID={name},length={length}>" for name, length in zip(fasta.references, fasta.lengths, strict=False)
    ]


def write_bgzip_vcf(path: Path, header: list[str], records: list[tuple[str, int, str]]) -> None:
    """Records (contig, pos, line) sorted in reference order, bgzipped and tabix-indexed."""
    order = {line.split("ID=")[1].split(",")[0]: i for i, line in enumerate(header) if line.startswith("##contig")}
    plain = path.with_suffix("")
    body = [line for _, _, line in sorted(records, key=lambda r: (order[r[0]], r[1]))]
    plain.write_text("\n".join(header + body) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    pysam.tabix_index(str(path), preset="vcf", force=True)


def write_foreign(genotypes: list[tuple], fasta: pysam.FastaFile) -> None:
    tsv = ["#contig\tpos\tref\talt\tkind\tvalue\tlabel"]
    tsv += [f"{c}\t{p}\t{r}\t{a}\tgermline\t{g}\t{label}" for c, p, r, a, g, label in genotypes if g != "ref"]
    (HERE / "FOREIGN.variants.tsv").write_text("\n".join(tsv) + "\n")
    gt = {"ref": "0/0", "het": "0/1", "hom": "1/1"}
    header = ["##fileformat=VCFv4.2", *contig_header(fasta)]
    header += [
        '##INFO=<ID=LABEL,Number=1,Type=String,Description="demo_site: a demo germline SNV site; foreign_own: FOREIGN\'s own variant">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tFOREIGN",
    ]
    records = [
        (c, p, f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\tLABEL={label}\tGT\t{gt[g]}") for c, p, r, a, g, label in genotypes
    ]
    write_bgzip_vcf(HERE / "FOREIGN.germline_truth.vcf.gz", header, records)


def snv_sites(path: Path, source: str) -> list[tuple[str, int, str, str, str]]:
    sites = []
    with pysam.VariantFile(str(path)) as vcf:
        for record in vcf:
            if len(record.alts or ()) == 1 and len(record.ref) == len(record.alts[0]) == 1:
                sites.append((record.chrom, record.pos, record.ref, record.alts[0], source))
    return sites


def write_sites(fasta: pysam.FastaFile) -> None:
    found: dict[tuple[str, int], tuple] = {}
    for path, source in [
        (DEMO / "DEMO.germline_truth.vcf.gz", "DEMO"),
        (HERE / "FOREIGN.germline_truth.vcf.gz", "FOREIGN"),
        (NA12878, "NA12878_PG2.0.1"),
    ]:
        for site in snv_sites(path, source):
            found.setdefault(site[:2], site)
    header = ["##fileformat=VCFv4.2", *contig_header(fasta)]
    header += [
        "##source=presis tests/data/identity/make_identity_data.py",
        '##INFO=<ID=SOURCE,Number=1,Type=String,Description="Truth set the site comes from: DEMO (simulated demo '
        'germline), FOREIGN (simulated second person), NA12878_PG2.0.1 (Platinum Genomes v2.0.1)">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    records = [(c, p, f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\tSOURCE={s}") for c, p, r, a, s in found.values()]
    write_bgzip_vcf(HERE / "sites.vcf.gz", header, records)


def simulate(simulator: Path, plain_fasta: Path) -> None:
    subprocess.run(
        [sys.executable, str(simulator), "--ref", str(plain_fasta), "--targets", str(PANEL),
         "--variants", str(HERE / "FOREIGN.variants.tsv"), "--out", str(HERE / "FOREIGN-N"),
         "--sample", "FOREIGN-N", "--depth", "100", "--seed", str(SEED)],
        check=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--simulator", type=Path, required=True, help="shared/data/tools/simulate_panel_reads.py")
    parser.add_argument("--plain-fasta", type=Path, default=Path("/work/shared/data/genome/presis-test-GRCh38.fa"))
    args = parser.parse_args()
    HERE.mkdir(parents=True, exist_ok=True)
    fasta = pysam.FastaFile(str(GENOME))
    write_foreign(foreign_genotypes(fasta), fasta)
    write_sites(fasta)
    simulate(args.simulator, args.plain_fasta)
    with gzip.open(HERE / "FOREIGN-N_R1.fastq.gz", "rt") as handle:
        print(f"FOREIGN-N: {sum(1 for _ in handle) // 4} read pairs")


if __name__ == "__main__":
    main()
