"""The PASS somatic calls of a patient as a GDC MAF (Mutation Annotation Format) for cBioPortal.

Columns and conventions follow the GDC MAF specification (docs.gdc.cancer.gov, "Mutation
Annotation Format"): the first 34 standard columns, then the annotation columns cBioPortal reads
(HGVSc, HGVSp, HGVSp_Short, Transcript_ID, Exon_Number, read counts). Coordinates are 1-based
and real-chromosome (the VCF's contig slices mapped back); alleles drop the VCF padding base and
an absent allele is '-': a deletion's Start_Position is its first deleted base, an insertion's
Start/End are the bases either side of it.

One row per somatic VCF record with FILTER PASS, so a call that is kept out of the report only
by a report-level filter (e.g. a synonymous change) is still in the MAF, as 'Silent' — cBioPortal
and maftools expect silent mutations in a MAF and filter them themselves. The report-level
filters are in the extra column presis_filters.

Copy-number and fusion events have their own cBioPortal files (discrete CNA, structural variant
data); they are not MAF rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

STANDARD_COLUMNS = [
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position", "End_Position",
    "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1",
    "Tumor_Seq_Allele2", "dbSNP_RS", "dbSNP_Val_Status", "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode",
    "Match_Norm_Seq_Allele1", "Match_Norm_Seq_Allele2", "Tumor_Validation_Allele1", "Tumor_Validation_Allele2",
    "Match_Norm_Validation_Allele1", "Match_Norm_Validation_Allele2", "Verification_Status",
    "Validation_Status", "Mutation_Status", "Sequencing_Phase", "Sequence_Source", "Validation_Method", "Score",
    "BAM_File", "Sequencer", "Tumor_Sample_UUID", "Matched_Norm_Sample_UUID",
]  # fmt: skip
ANNOTATION_COLUMNS = [
    "HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID", "RefSeq", "Exon_Number", "Consequence",
    "t_depth", "t_ref_count", "t_alt_count", "n_depth", "n_ref_count", "n_alt_count", "presis_filters",
]  # fmt: skip
COLUMNS = STANDARD_COLUMNS + ANNOTATION_COLUMNS

# Sequence Ontology consequence -> GDC Variant_Classification, most severe first (the order of
# vcf2maf's GetVariantClassification). Frameshifts and in-frame changes also depend on the type.
SO_TO_CLASSIFICATION = [
    ("transcript_ablation", "Splice_Site"),
    ("splice_acceptor_variant", "Splice_Site"),
    ("splice_donor_variant", "Splice_Site"),
    ("stop_gained", "Nonsense_Mutation"),
    ("frameshift_variant", "Frame_Shift"),
    ("stop_lost", "Nonstop_Mutation"),
    ("start_lost", "Translation_Start_Site"),
    ("initiator_codon_variant", "Translation_Start_Site"),
    ("inframe_insertion", "In_Frame_Ins"),
    ("inframe_deletion", "In_Frame_Del"),
    ("missense_variant", "Missense_Mutation"),
    ("protein_altering_variant", "In_Frame"),
    ("coding_sequence_variant", "Missense_Mutation"),
    ("splice_region_variant", "Splice_Region"),
    ("incomplete_terminal_codon_variant", "Silent"),
    ("stop_retained_variant", "Silent"),
    ("start_retained_variant", "Silent"),
    ("synonymous_variant", "Silent"),
    ("5_prime_UTR_variant", "5'UTR"),
    ("3_prime_UTR_variant", "3'UTR"),
    ("intron_variant", "Intron"),
    ("non_coding_transcript_exon_variant", "RNA"),
    ("upstream_gene_variant", "5'Flank"),
    ("downstream_gene_variant", "3'Flank"),
    ("intergenic_variant", "IGR"),
]
# The GDC Variant_Classification vocabulary.
CLASSIFICATIONS = (
    "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del", "In_Frame_Ins", "Missense_Mutation", "Nonsense_Mutation",
    "Silent", "Splice_Site", "Translation_Start_Site", "Nonstop_Mutation", "3'UTR", "3'Flank", "5'UTR", "5'Flank",
    "IGR", "Intron", "RNA", "Targeted_Region", "Splice_Region",
)  # fmt: skip
GENOMIC_CHANGE = re.compile(r"^(?P<chrom>[^:]+):(?P<pos>\d+)(?P<ref>[ACGTN]+)>(?P<alt>[ACGTN]+)$")


@dataclass(frozen=True)
class MafAlleles:
    start: int
    end: int
    ref: str
    alt: str
    variant_type: str


def maf_alleles(pos: int, ref: str, alt: str) -> MafAlleles:
    """VCF (POS, REF, ALT) -> MAF (Start, End, Reference_Allele, Tumor_Seq_Allele2, Variant_Type)."""
    # Drop the bases shared on the left (the VCF padding base of an indel), then on the right.
    shared = 0
    while shared < min(len(ref), len(alt)) and ref[shared] == alt[shared]:
        shared += 1
    ref_part, alt_part, start = ref[shared:], alt[shared:], pos + shared
    while ref_part and alt_part and ref_part[-1] == alt_part[-1]:
        ref_part, alt_part = ref_part[:-1], alt_part[:-1]
    if not ref_part:  # insertion: between the bases start-1 and start
        return MafAlleles(start - 1, start, "-", alt_part, "INS")
    if not alt_part:
        return MafAlleles(start, start + len(ref_part) - 1, ref_part, "-", "DEL")
    if len(ref_part) == len(alt_part):
        kind = {1: "SNP", 2: "DNP", 3: "TNP"}.get(len(ref_part), "ONP")
        return MafAlleles(start, start + len(ref_part) - 1, ref_part, alt_part, kind)
    # A complex change (delins): GDC types it by which allele is longer.
    kind = "DEL" if len(ref_part) > len(alt_part) else "INS"
    return MafAlleles(start, start + len(ref_part) - 1, ref_part, alt_part, kind)


def variant_classification(consequence: str, variant_type: str) -> str:
    """The GDC Variant_Classification of the most severe SO term in an '&'-joined consequence."""
    terms = set(str(consequence or "").replace(",", "&").split("&"))
    for term, classification in SO_TO_CLASSIFICATION:
        if term in terms:
            if classification == "Frame_Shift":
                return "Frame_Shift_Del" if variant_type == "DEL" else "Frame_Shift_Ins"
            if classification == "In_Frame":
                return "In_Frame_Del" if variant_type == "DEL" else "In_Frame_Ins"
            return classification
    return "Targeted_Region"


def hgvsp_short(hgvs_p1: str) -> str:
    """'p.(E746_A750del)' -> 'p.E746_A750del': cBioPortal's HGVSp_Short has no parentheses
    (presis writes them because the protein change is predicted, not sequenced)."""
    text = str(hgvs_p1 or "")
    match = re.fullmatch(r"p\.\((.*)\)", text)
    return f"p.{match.group(1)}" if match else text


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _count(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def maf_rows(
    table: pd.DataFrame, pass_keys: set[tuple[str, int, str, str]], tumour: str, normal: str | None, build: str
) -> list[dict]:
    """One MAF row per PASS somatic call; ``table`` is the patient's filter table (annotated,
    with the report-level filters) and ``pass_keys`` the (contig, pos, ref, alt) of the somatic
    VCF's PASS records."""
    keyed = {(r.chrom, int(r.pos), r.ref, r.alt): r for r in table.itertuples(index=False)}
    missing = sorted(pass_keys - keyed.keys())
    if missing:
        raise ValueError(f"{len(missing)} PASS somatic call(s) missing from the annotated table, e.g. {missing[0]}")
    rows = []
    for key in sorted(pass_keys, key=lambda k: (k[0], k[1], k[2], k[3])):
        r = keyed[key]
        where = GENOMIC_CHANGE.match(r.genomic_change)
        chrom, pos = (where["chrom"], int(where["pos"])) if where else (r.chrom, int(r.pos))
        alleles = maf_alleles(pos, r.ref, r.alt)
        t_depth, t_alt = r.tumour_depth, r.tumour_alt
        n_depth, n_alt = (r.normal_depth, r.normal_alt) if normal else (None, None)
        row = dict.fromkeys(COLUMNS, "")
        row.update({
            "Hugo_Symbol": _text(r.gene) or "Unknown", "Entrez_Gene_Id": "0", "Center": "presis",
            "NCBI_Build": build, "Chromosome": chrom, "Start_Position": alleles.start,
            "End_Position": alleles.end, "Strand": "+",
            "Variant_Classification": variant_classification(r.consequence, alleles.variant_type),
            "Variant_Type": alleles.variant_type, "Reference_Allele": alleles.ref,
            "Tumor_Seq_Allele1": alleles.ref, "Tumor_Seq_Allele2": alleles.alt, "dbSNP_RS": "novel",
            "Tumor_Sample_Barcode": tumour, "Matched_Norm_Sample_Barcode": normal or "",
            "Match_Norm_Seq_Allele1": alleles.ref if normal else "",
            "Match_Norm_Seq_Allele2": alleles.ref if normal else "",
            "Mutation_Status": "Somatic", "Sequencer": "Illumina",
            "HGVSc": _text(r.hgvs_c), "HGVSp": _text(r.hgvs_p), "HGVSp_Short": hgvsp_short(r.hgvs_p1),
            "Transcript_ID": _text(r.transcript), "RefSeq": _text(r.refseq), "Exon_Number": _text(r.exon),
            "Consequence": _text(r.consequence), "t_depth": _count(t_depth),
            "t_ref_count": _count(t_depth - t_alt), "t_alt_count": _count(t_alt),
            "n_depth": _count(n_depth), "n_ref_count": _count(n_depth - n_alt) if normal else "",
            "n_alt_count": _count(n_alt), "presis_filters": _text(r.filters),
        })  # fmt: skip
        rows.append(row)
    return sorted(rows, key=lambda row: (_chromosome_order(row["Chromosome"]), row["Start_Position"]))


def _chromosome_order(chrom: str) -> tuple[int, str]:
    name = chrom.removeprefix("chr")
    return (int(name), "") if name.isdigit() else (99, name)


def pass_somatic_keys(vcf_path: str | Path) -> set[tuple[str, int, str, str]]:
    """(contig, pos, ref, alt) of every PASS record of the somatic VCF (one ALT per record)."""
    import pysam

    with pysam.VariantFile(str(vcf_path)) as vcf:
        return {
            (rec.contig, rec.pos, rec.ref, alt)
            for rec in vcf
            if list(rec.filter.keys()) == ["PASS"]
            for alt in rec.alts or ()
        }


def write_maf(rows: list[dict], path: str | Path) -> None:
    """The GDC layout: a '#version 2.4' line, the header, tab-separated rows."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("#version 2.4\n")
        frame.to_csv(handle, sep="\t", index=False, lineterminator="\n")
