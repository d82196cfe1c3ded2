"""Classify the pileup candidates of one patient and write the somatic VCF.

Input: the bcftools mpileup VCF (alleles split, left-aligned) with FORMAT/ADF and
FORMAT/ADR (and FORMAT/QS, the per-allele base-quality sums) for the tumour and, if
present, the normal; the tumour's error profile (presis.calling.error_profile) and the
reference for an indel's repeat context; optionally the BAMs, from which every indel is
recounted read by read, soft clips included, and long indels the pileup missed are added
(presis.calling.indel_evidence). Output: the same records (plus those) with every filter the
classifier applied in FILTER and the evidence in INFO.

Per calling shard: each job writes the records of one part of the genome (``Shard``: from the
start of its calling shard to the start of the next), and ``gather`` joins the parts into the
VCF one job would write, byte for byte. Everything a record's verdict depends on beyond the
record itself is taken as unsharded: every pileup indel of the patient (the candidates of all
shards) and the soft-clip candidates of every target near the part compete for the reads of a
nearby indel, whichever shard writes them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pysam
from cyvcf2 import VCF, Writer

from presis.calling import indel_evidence
from presis.calling.error_profile import ErrorProfile
from presis.calling.site_resources import SiteResources
from presis.calling.somatic import (
    FILTERS,
    AlleleCounts,
    SiteContext,
    SomaticParams,
    alt_read_error,
    classify,
    homopolymer_length,
    in_repeat,
)

INFO_FIELDS = [
    ("CLASS", "1", "String", "presis class: somatic, germline, artefact or weak"),
    ("TLOD", "1", "Float", "log10 likelihood ratio: allele present in tumour vs sequencing error"),
    (
        "TERR",
        "1",
        "Float",
        "Per-read probability of this allele by error used by TLOD (quality, measured rate, repeat)",
    ),
    ("TBQ", "1", "Float", "Mean base quality of the tumour alt reads (FORMAT/QS / alt reads; SNVs)"),
    ("NLOD", "1", "Float", "log10 likelihood ratio: normal is reference vs heterozygous (absent without a normal)"),
    ("TVAF", "1", "Float", "Tumour variant allele fraction"),
    ("TALT", "1", "Integer", "Tumour reads supporting the allele"),
    ("TDP", "1", "Integer", "Tumour reads counted at the site (ref + this allele)"),
    ("NVAF", "1", "Float", "Normal variant allele fraction"),
    ("NALT", "1", "Integer", "Normal reads supporting the allele"),
    ("NDP", "1", "Integer", "Normal reads counted at the site (ref + this allele)"),
    ("POP_AF", "1", "Float", "Allele frequency in the configured population resource"),
    ("PON_NORMALS", "1", "Integer", "Normals of the panel of normals carrying the allele"),
    (
        "TCLIP",
        "1",
        "Integer",
        "Indels: tumour alt reads that carry the allele only in a soft clip (counted in TALT)",
    ),
    ("CLIPCAND", "0", "Flag", "Indel proposed by soft-clipped reads; the pileup had no such candidate"),
]


@dataclass
class IndelReads:
    """The BAMs (tumour, normal or None) and settings for recounting indels read by read."""

    tumour_bam: str | Path
    normal_bam: str | Path | None
    targets: list[tuple[str, int, int]]
    min_mapq: int
    min_baseq: int
    candidate_min_alt_reads: int


@dataclass(frozen=True)
class Shard:
    """The records one classification job writes: those at (contig, 0-based position) from
    ``start`` up to, not including, ``end`` in reference order; None: the genome's beginning
    (end). A left-aligned indel before its calling shard's first base belongs to the shard
    whose part holds its position, so the parts cover every record once."""

    start: tuple[str, int] | None
    end: tuple[str, int] | None


def shard_parts(shard_beds: list[str | Path]) -> list[Shard]:
    """One Shard per calling shard BED (presis.inputs.bed.split_shards' output, in order)."""
    firsts = []
    for bed in shard_beds:
        chrom, start = Path(bed).read_text().split("\n", 1)[0].split("\t")[:2]
        firsts.append((chrom, int(start)))
    return [
        Shard(None if k == 0 else firsts[k], firsts[k + 1] if k + 1 < len(firsts) else None) for k in range(len(firsts))
    ]


def allele_counts(record, sample_index: int) -> AlleleCounts:
    adf = record.format("ADF")[sample_index]
    adr = record.format("ADR")[sample_index]
    try:
        qs = record.format("QS")
    except KeyError:  # candidates without FORMAT/QS: the model falls back to the flat error rate
        qs = None
    alt_qual_sum = float(qs[sample_index][1]) if qs is not None and qs.shape[1] > 1 else None
    return AlleleCounts(int(adf[0]), int(adr[0]), int(adf[1]), int(adr[1]), alt_qual_sum)


def read_error(
    record, counts: AlleleCounts, params: SomaticParams, profile: ErrorProfile | None, reference
) -> tuple[float, bool]:
    """The per-read error of the record's allele (presis.calling.somatic.alt_read_error), and
    whether the allele is an indel in a repeat."""
    ref, alt = record.REF, record.ALT[0]
    if len(ref) == len(alt) == 1:
        measured = profile.rate(ref.upper(), alt.upper()) if profile else None
        return alt_read_error(counts, params, is_indel=False, measured_rate=measured), False
    repeat = False
    if reference is not None and len(ref) != len(alt) and ref[0] == alt[0]:
        unit = (alt if len(alt) > len(ref) else ref)[1:].upper()
        start = record.POS - 1  # 0-based anchor
        window = reference.fetch(record.CHROM, start, start + 1 + 200).upper()
        repeat = in_repeat(window, 0, unit, params)
        run = homopolymer_length(window, 0, unit)
        if run and profile is not None:
            rate = profile.homopolymer_indel_rate(run, insertion=len(alt) > len(ref))
            return alt_read_error(counts, params, is_indel=True, in_repeat=repeat, homopolymer_rate=rate), repeat
    return alt_read_error(counts, params, is_indel=True, in_repeat=repeat), repeat


def add_header(vcf: VCF, mode: str) -> None:
    for key, number, kind, text in INFO_FIELDS:
        vcf.add_info_to_header({"ID": key, "Number": number, "Type": kind, "Description": text})
    for key, text in FILTERS.items():
        vcf.add_filter_to_header({"ID": key, "Description": text})
    vcf.add_to_header(f"##presis_calling_mode={mode}")


def _is_indel(ref: str, alt: str) -> bool:
    """A pure insertion or deletion after its anchor base (a complex allele keeps the pileup's counts)."""
    return (len(ref) == 1 < len(alt) and alt[0] == ref) or (len(alt) == 1 < len(ref) and ref[0] == alt)


def _clip_candidates(reads: IndelReads, reference, known: set, targets=None) -> list[tuple[str, int, str, str]]:
    """The indels soft-clipped reads propose that the pileup did not (over ``targets``, default all)."""
    with pysam.AlignmentFile(str(reads.tumour_bam)) as bam:
        found = indel_evidence.clip_candidates(
            bam, reference, reads.targets if targets is None else targets, reads.min_mapq, reads.candidate_min_alt_reads
        )
    return [key for key in found if key not in known]


def _clip_record(writer: Writer, key, names, counts: dict[int, AlleleCounts]):
    """A VCF record for a soft-clip candidate; FORMAT/AD holds the recount (no pileup counts exist)."""
    chrom, pos, ref, alt = key
    ad = [f"{counts[i].depth - counts[i].alt},{counts[i].alt}" if i in counts else ".,." for i in range(len(names))]
    return writer.variant_from_string("\t".join([chrom, str(pos), ".", ref, alt, ".", ".", ".", "AD", *ad]))


def _recount(bam, haps, chrom: str, reads: IndelReads, params: SomaticParams, others) -> indel_evidence.IndelSupport:
    return indel_evidence.count_support(
        bam, haps, chrom, reads.min_mapq, reads.min_baseq, params.max_baseq, params.indel_haplotype_min_margin, others
    )


def classify_vcf(
    candidates: str | Path,
    output_vcf_gz: str | Path,
    tumour: str,
    normal: str | None,
    params: SomaticParams,
    resources: SiteResources | None = None,
    profile: ErrorProfile | None = None,
    reference_fasta: str | Path | None = None,
    indel_reads: IndelReads | None = None,
    shard: Shard | None = None,
) -> dict[str, int]:
    """Write ``output_vcf_gz`` (+ .tbi) and return how many alleles got each status.

    With ``indel_reads`` (and a reference), indels are counted from the reads themselves
    (presis.calling.indel_evidence) instead of the pileup's FORMAT/AD, and indels proposed by
    soft-clipped reads are added. With ``shard``, only that part's records are written, to a
    plain VCF when ``output_vcf_gz`` does not end in .gz (a part for ``gather``).
    """
    reference = pysam.FastaFile(str(reference_fasta)) if reference_fasta else None
    if reference is None:
        indel_reads = None
    vcf = VCF(str(candidates))
    names = list(vcf.samples)
    tumour_index = names.index(tumour)
    normal_index = names.index(normal) if normal else None
    add_header(vcf, "tumour-normal" if normal else "tumour-only")

    plain = Path(str(output_vcf_gz).removesuffix(".gz"))
    writer = Writer(str(plain), vcf)
    contig_order = {name: i for i, name in enumerate(vcf.seqnames)}

    def order(chrom: str, pos: int) -> tuple[int, int]:
        return contig_order.get(chrom, len(contig_order)), pos

    first = order(*shard.start) if shard and shard.start else None
    last = order(*shard.end) if shard and shard.end else None

    def owned(chrom: str, pos: int) -> bool:
        """Whether this job writes the record at 1-based ``pos``."""
        at = order(chrom, pos - 1)
        return (first is None or at >= first) and (last is None or at < last)

    extra: list = []
    bams: dict[str, pysam.AlignmentFile] = {}
    if indel_reads is not None:
        known = {
            (r.CHROM, r.POS, r.REF, r.ALT[0]) for r in VCF(str(candidates)) if r.ALT and _is_indel(r.REF, r.ALT[0])
        }
        targets = None
        if shard is not None:
            # Every target that can propose a candidate in the part or within NEARBY of it (a
            # target's candidates lie up to MAX_EVENT past its end): as many as unsharded.
            margin = indel_evidence.NEARBY + indel_evidence.MAX_EVENT + 1
            targets = [
                (chrom, start, end)
                for chrom, start, end in indel_reads.targets
                if (first is None or order(chrom, end + margin) > first)
                and (last is None or order(chrom, start - margin) < last)
            ]
        extra = _clip_candidates(indel_reads, reference, known, targets)
        indels = sorted(known | set(extra))
        extra = [key for key in extra if owned(key[0], key[1])]
        bams["tumour"] = pysam.AlignmentFile(str(indel_reads.tumour_bam))
        if indel_reads.normal_bam and normal_index is not None:
            bams["normal"] = pysam.AlignmentFile(str(indel_reads.normal_bam))

    def in_order(records):
        """The pileup's records with the soft-clip candidates (keys) merged in by position."""
        pending = sorted(extra, key=lambda k: order(k[0], k[1]))
        for record in records:
            while pending and order(*pending[0][:2]) <= order(record.CHROM, record.POS):
                yield pending.pop(0)
            yield record
        yield from pending

    tally: dict[str, int] = {}
    for item in in_order(vcf):
        from_clips = isinstance(item, tuple)
        key = item if from_clips else (item.CHROM, item.POS, item.REF, item.ALT[0])
        if key[3] == "<*>" or not owned(key[0], key[1]):
            continue
        record = None if from_clips else item
        clipped = None
        if indel_reads is not None and _is_indel(key[2], key[3]):
            haps = indel_evidence.Haplotypes(reference, *key)
            others = [
                indel_evidence.Haplotypes(reference, *other)
                for other in indels
                if other != key and other[0] == key[0] and abs(other[1] - key[1]) <= indel_evidence.NEARBY
            ]
            support = _recount(bams["tumour"], haps, key[0], indel_reads, params, others)
            t, clipped = support.counts, support.clipped_alt
            n = None
            if "normal" in bams:
                n = _recount(bams["normal"], haps, key[0], indel_reads, params, others).counts
            if from_clips:
                sample_counts = {tumour_index: t} | ({normal_index: n} if n is not None else {})
                record = _clip_record(writer, key, names, sample_counts)
        else:
            t = allele_counts(record, tumour_index)
            n = allele_counts(record, normal_index) if normal_index is not None else None
        context = resources.context(record.CHROM, record.POS, record.REF, record.ALT[0]) if resources else SiteContext()
        error, repeat = read_error(record, t, params, profile, reference)
        verdict = classify(t, n, params, context, read_error=error, repeat_indel=repeat)
        if from_clips:
            record.INFO["CLIPCAND"] = True
        record.FILTER = ";".join(verdict.filters) if verdict.filters else "PASS"
        record.INFO["CLASS"] = verdict.status
        record.INFO["TLOD"] = verdict.tumour_lod
        record.INFO["TERR"] = float(f"{error:.3g}")
        if t.alt_mean_quality is not None and len(record.REF) == len(record.ALT[0]) == 1:
            record.INFO["TBQ"] = round(t.alt_mean_quality, 1)
        record.INFO["TVAF"] = round(t.vaf, 4)
        record.INFO["TALT"] = t.alt
        record.INFO["TDP"] = t.depth
        if clipped:
            record.INFO["TCLIP"] = clipped
        if n is not None:
            record.INFO["NLOD"] = verdict.normal_lod
            record.INFO["NVAF"] = round(n.vaf, 4)
            record.INFO["NALT"] = n.alt
            record.INFO["NDP"] = n.depth
        if context.population_af is not None:
            record.INFO["POP_AF"] = context.population_af
        if context.pon_normals:
            record.INFO["PON_NORMALS"] = context.pon_normals
        writer.write_record(record)
        tally[verdict.status] = tally.get(verdict.status, 0) + 1
    writer.close()
    vcf.close()
    for bam in bams.values():
        bam.close()
    if reference is not None:
        reference.close()
    if str(output_vcf_gz).endswith(".gz"):
        _compress(plain, output_vcf_gz)
    return tally


def _compress(plain: Path, output_vcf_gz: str | Path) -> None:
    pysam.tabix_index(str(plain), preset="vcf", force=True, keep_original=False)
    if not os.path.exists(str(output_vcf_gz)):
        raise RuntimeError(f"tabix did not produce {output_vcf_gz}")


def gather(parts: list[str | Path], output_vcf_gz: str | Path) -> int:
    """Join the shards' plain VCFs (in shard order) into ``output_vcf_gz`` (+ .tbi): the header
    once, then every part's records; the parts cover consecutive stretches of the genome, so the
    result is the single job's VCF. Returns the number of records."""
    plain = Path(str(output_vcf_gz).removesuffix(".gz"))
    header = None
    records = 0
    with open(plain, "w") as out:
        for part in parts:
            lines = Path(part).read_text().splitlines(keepends=True)
            head = [line for line in lines if line.startswith("#")]
            if header is None:
                header = head
                out.writelines(head)
            elif head != header:
                raise RuntimeError(f"{part}: its VCF header differs from {parts[0]}'s; the shards must share one")
            body = lines[len(head) :]
            out.writelines(body)
            records += len(body)
    _compress(plain, output_vcf_gz)
    return records
