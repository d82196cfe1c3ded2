"""Classification per calling shard (presis.calling.somatic_vcf Shard/gather): shards cut between
two indels that compete for reads, after a homopolymer deletion that left-aligns across the cut,
and beside a soft-clipped long insertion; the gathered VCF is the single job's, byte for byte."""

import gzip
import random
import subprocess

import pysam
from conftest import REPO

from presis.calling import somatic_vcf
from presis.calling.error_profile import read_targets
from presis.calling.somatic import SomaticParams
from presis.calling.somatic_vcf import IndelReads, Shard, classify_vcf, gather, shard_parts
from presis.inputs.config import level_config

rng = random.Random(11)
REFERENCE = list("".join(rng.choice("ACGT") for _ in range(2000)))
REFERENCE[600:608] = "A" * 8  # a homopolymer: a deletion in it left-aligns to its start
REFERENCE[599] = REFERENCE[608] = "C"
REFERENCE = "".join(REFERENCE)
LONG_INSERTION = "TTGACCGTAGGCATCGATCGGTAAC" + ("G" if REFERENCE[700] != "G" else "A")
# (0-based anchor, deleted bases, inserted bases, share of reads, soft-clipped)
EVENTS = [
    (300, 0, "", 0.3, False),  # an SNV site is added below
    (480, 3, "", 0.25, False),  # two indels 12 bases apart: they compete for the same reads
    (492, 0, "GT", 0.2, False),
    (604, 1, "", 0.3, False),  # one A of the run lost: left-aligned to anchor 599, before the cut at 603
    (700, 0, LONG_INSERTION, 0.35, True),  # the pileup misses it: soft clips propose it
]


def haplotype(event):
    anchor, deleted, inserted, _, _ = event
    return REFERENCE[: anchor + 1] + inserted + REFERENCE[anchor + 1 + deleted :]


def make_read(name, start, event):
    """A 100-base read from ``start`` (reference coordinates) of the event's haplotype, or of the
    reference (event None); a long insertion's reads are soft-clipped at it, as aligners leave them."""
    read = pysam.AlignedSegment()
    read.query_name, read.reference_id, read.reference_start, read.mapping_quality = name, 0, start, 60
    read.is_reverse = rng.random() < 0.5
    sequence, cigar = REFERENCE[start : start + 100], "100M"
    if event is not None:
        anchor, deleted, inserted, _, clipped = event
        left = anchor + 1 - start
        if not deleted and not inserted:  # the SNV
            sequence = sequence[:left] + ("T" if sequence[left] != "T" else "G") + sequence[left + 1 :]
        else:
            sequence = haplotype(event)[start : start + 100]
            if clipped:
                cigar = f"{left}M{100 - left}S"
            elif deleted:
                cigar = f"{left}M{deleted}D{100 - left}M"
            else:
                cigar = f"{left}M{len(inserted)}I{100 - left - len(inserted)}M"
    read.query_sequence, read.cigarstring = sequence, cigar
    read.query_qualities = pysam.qualitystring_to_array("F" * len(sequence))
    return read


def write_sample(tmp_path, name, with_events):
    reads = []
    for i in range(1600):
        start = rng.randrange(0, len(REFERENCE) - 160)
        event = None
        if with_events:
            near = [e for e in EVENTS if 10 <= e[0] - start <= 60]
            choice = rng.choice(near) if near else None
            if choice and rng.random() < choice[3]:
                event = choice
        read = make_read(f"{name}{i}", start, event)
        read.set_tag("RG", name)
        reads.append(read)
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "chrT", "LN": len(REFERENCE)}],
        "RG": [{"ID": name, "SM": name}],
    }
    path = tmp_path / f"{name}.bam"
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for read in sorted(reads, key=lambda r: r.reference_start):
            out.write(read)
    pysam.index(str(path))
    return path


def test_shards_gather_into_the_single_jobs_vcf(tmp_path, monkeypatch):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chrT\n" + REFERENCE + "\n")
    pysam.faidx(str(fasta))
    tumour, normal = write_sample(tmp_path, "T", True), write_sample(tmp_path, "N", False)
    bed = tmp_path / "panel.bed"
    bed.write_text("chrT\t200\t900\nchrT\t1000\t1800\n")
    candidates = tmp_path / "candidates.bcf"
    subprocess.run(
        f"bcftools mpileup -f {fasta} -R {bed} -a FORMAT/AD,FORMAT/ADF,FORMAT/ADR,FORMAT/DP,FORMAT/QS -d 100000 "
        f"-L 100000 -m 2 -F 0.01 -q 20 -Q 20 -Ou {tumour} {normal} 2>/dev/null | bcftools norm -m-any -f {fasta} "
        f"-Ou 2>/dev/null | bcftools view -i 'ALT!=\"<*>\" && FMT/AD[0:1]>=2' -Ob -o {candidates}",
        shell=True,
        check=True,
    )
    params = SomaticParams.from_config(level_config(REPO, 2)["somatic"])

    def run(output, shard=None):
        reads = IndelReads(tumour, normal, read_targets(bed), 20, 20, 2)
        return classify_vcf(candidates, output, "T", "N", params, reference_fasta=fasta, indel_reads=reads, shard=shard)

    # Every indel is recounted against its nearby competitors: the same ones, sharded or not.
    recounts = []
    recount = somatic_vcf._recount

    def recording(bam, haps, chrom, reads, params, others):
        signature = lambda h: (h.anchor, h.deleted, h.inserted)  # noqa: E731
        recounts.append((signature(haps), sorted(signature(o) for o in others)))
        return recount(bam, haps, chrom, reads, params, others)

    monkeypatch.setattr(somatic_vcf, "_recount", recording)
    whole = tmp_path / "whole.vcf.gz"
    tally = run(whole)
    unsharded, recounts[:] = list(recounts), []
    assert ((480, 3, ""), [(491, 0, "TG")]) in unsharded  # the two indels across the first cut compete
    records = {(r.pos, r.ref, r.alts[0]): r for r in pysam.VariantFile(str(whole))}
    # The set-up holds what it should: both competing indels, the left-aligned one, the clipped one.
    assert (481, REFERENCE[480:484], REFERENCE[480]) in records
    assert (492, "C", "CTG") in records  # GT after 492, left-aligned
    assert (600, "CA", "C") in records
    assert records[(701, REFERENCE[700], REFERENCE[700] + LONG_INSERTION)].info.get("CLIPCAND")
    assert tally.get("somatic", 0) >= 4

    # Cuts between the competing indels, inside the homopolymer (after the deletion's anchor)
    # and just after the long insertion's anchor.
    cuts = [[(200, 488)], [(488, 603)], [(603, 702)], [(702, 900), (1000, 1800)]]
    beds = []
    for k, intervals in enumerate(cuts):
        beds.append(tmp_path / f"shard{k:03d}.bed")
        beds[-1].write_text("".join(f"chrT\t{s}\t{e}\n" for s, e in intervals))
    parts = shard_parts(beds)
    assert parts[0] == Shard(None, ("chrT", 488)) and parts[-1] == Shard(("chrT", 702), None)
    outputs = []
    for k, part in enumerate(parts):
        outputs.append(tmp_path / f"part{k}.vcf")
        run(outputs[-1], part)
    assert recounts == unsharded
    gathered = tmp_path / "gathered.vcf.gz"
    assert gather(outputs, gathered) == len(records)
    with gzip.open(gathered) as got, gzip.open(whole) as expected:
        assert got.read() == expected.read()
    assert (tmp_path / "gathered.vcf.gz.tbi").exists()
    # Each part holds its own stretch: the left-aligned deletion is written by the part before its cut.
    assert "\t600\t" in outputs[1].read_text() and "\t600\t" not in outputs[2].read_text()
