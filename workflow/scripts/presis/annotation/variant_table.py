"""One tidy row per candidate allele: nomenclature, evidence, class and filters.

Input is the classified, csq-annotated VCF; nothing is dropped here (filters only
add reasons), so every candidate can be accounted for in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pysam
from cyvcf2 import VCF

from presis.annotation.genomic import hgvs_g, region
from presis.annotation.hgvs import describe
from presis.annotation.transcripts import TranscriptIndex, load_mane, load_transcripts
from presis.inputs.bed import PanelIndex, read_panel
from presis.inputs.contigs import ContigMap

COLUMNS = [
    "chrom", "pos", "ref", "alt", "genomic_change", "hgvs_g", "region", "variant_type",
    "gene", "transcript", "transcript_choice", "refseq", "hgvs_c", "hgvs_p", "hgvs_p1", "exon",
    "consequence", "csq_consequence", "csq_protein",
    "status", "filters", "tumour_vaf", "tumour_depth", "tumour_alt", "tumour_lod",
    "normal_vaf", "normal_depth", "normal_alt", "normal_lod", "population_af", "pon_normals",
]  # fmt: skip

# bcftools csq consequence words -> Sequence Ontology terms.
CSQ_TO_SO = {
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "stop_retained": "stop_retained_variant",
    "start_lost": "start_lost",
    "start_retained": "start_retained_variant",
    "frameshift": "frameshift_variant",
    "inframe_deletion": "inframe_deletion",
    "inframe_insertion": "inframe_insertion",
    "inframe_altering": "protein_altering_variant",
    "splice_donor": "splice_donor_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_region": "splice_region_variant",
    "intron": "intron_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "non_coding": "non_coding_transcript_exon_variant",
    "coding_sequence": "coding_sequence_variant",
    "intergenic": "intergenic_variant",
}


def variant_type(ref: str, alt: str) -> str:
    if len(ref) == len(alt):
        return "SNV" if len(ref) == 1 else "MNV"
    if len(ref) == 1 and alt.startswith(ref):
        return "insertion"
    if len(alt) == 1 and ref.startswith(alt):
        return "deletion"
    return "complex"


def parse_bcsq(value: str | None) -> dict[str, tuple[str, str, str]]:
    """BCSQ -> transcript: (consequence, gene, protein change). csq's '@' back-references
    (compound variants) do not occur with `csq -l`, which annotates each record alone."""
    entries: dict[str, tuple[str, str, str]] = {}
    for item in (value or "").split(","):
        fields = item.split("|")
        if len(fields) < 3 or item.startswith("@"):
            continue
        consequence, gene, transcript = fields[0], fields[1], fields[2]
        protein = fields[5] if len(fields) > 5 else ""
        entries[transcript] = (consequence.lstrip("*"), gene, protein)
    return entries


def so_terms(csq_consequence: str) -> str:
    return "&".join(CSQ_TO_SO.get(word, word) for word in csq_consequence.split("&") if word)


def reporting_gene(bcsq: dict, transcripts: TranscriptIndex, panel_genes: list[str]) -> str | None:
    """The gene a row is reported on: a panel gene first, then any protein-coding gene csq hit."""
    genes = [gene for _, gene, _ in bcsq.values()]
    for candidates in (panel_genes, genes):
        for gene in candidates:
            if gene in genes and transcripts.for_gene(gene):
                return gene
    return panel_genes[0] if panel_genes else None


def info(record, key):
    """An INFO value; floats rounded, as VCF floats come back as float32 noise (0.30930000543)."""
    value = record.INFO.get(key)
    return round(value, 4) if isinstance(value, float) else value


def annotate_record(record, transcripts, fasta, contigs, mane, panel_genes) -> dict:
    ref, alt = record.REF, record.ALT[0]
    bcsq = parse_bcsq(record.INFO.get("BCSQ"))
    row = {
        "chrom": record.CHROM,
        "pos": record.POS,
        "ref": ref,
        "alt": alt,
        "genomic_change": contigs.genomic_change(record.CHROM, record.POS, ref, alt),
        "variant_type": variant_type(ref, alt),
        "status": info(record, "CLASS"),
        "filters": record.FILTER or "PASS",
        "tumour_vaf": info(record, "TVAF"),
        "tumour_depth": info(record, "TDP"),
        "tumour_alt": info(record, "TALT"),
        "tumour_lod": info(record, "TLOD"),
        "normal_vaf": info(record, "NVAF"),
        "normal_depth": info(record, "NDP"),
        "normal_alt": info(record, "NALT"),
        "normal_lod": info(record, "NLOD"),
        "population_af": info(record, "POP_AF"),
        "pon_normals": info(record, "PON_NORMALS"),
    }
    row["hgvs_g"] = hgvs_g(fasta, contigs, record.CHROM, record.POS, ref, alt)
    gene = reporting_gene(bcsq, transcripts, panel_genes)
    try:
        tx, choice = transcripts.choose(gene) if gene else (None, None)
    except KeyError:
        tx = None
    if tx is None:
        # No transcript to describe it on (intergenic, promoter, a target the annotation lacks):
        # genomic HGVS and the region in words; presis.interpretation.noncoding decides reporting.
        # gene: the panel target's name (BED column 4) where there is one, as before
        row.update(
            gene=gene,
            region=region(transcripts, record.CHROM, record.POS, panel_genes),
            consequence=so_terms("&".join(c for c, _, _ in bcsq.values())) or "intergenic_variant",
        )
        return row
    description = describe(fasta, tx, record.POS, ref, alt)
    csq_consequence, _, csq_protein = bcsq.get(tx.id, ("", gene, ""))
    row.update(
        gene=gene,
        transcript=tx.id,
        transcript_choice=choice,
        refseq=mane.get(tx.id, (None, None))[1],
        hgvs_c=description.hgvs_c,
        hgvs_p=description.hgvs_p,
        hgvs_p1=description.hgvs_p1,
        exon=description.exon,
        # presis' own term, consistent with its HGVS p. (csq calls an immediate stop after a
        # frameshift "frameshift", HGVS "nonsense"); csq's own word stays beside it.
        consequence=description.consequence,
        csq_consequence=so_terms(csq_consequence),
        csq_protein=csq_protein,
    )
    return row


def annotation_sources(snakemake_input, snakemake_params) -> tuple:
    """(reference, transcripts, contigs, MANE, panel genes) from a table rule's inputs and params,
    in the order ``build_table`` and ``build_germline_table`` take them after the VCF."""
    mane = load_mane(snakemake_params.mane) if snakemake_params.mane else {}
    panel = PanelIndex(read_panel(snakemake_input.panel))
    return (
        snakemake_input.ref,
        load_transcripts(snakemake_input.gff3),
        ContigMap.load(snakemake_params.contigs),
        mane,
        panel.genes_at,
    )


def build_table(
    vcf_path: str | Path,
    fasta_path: str | Path,
    transcripts: TranscriptIndex,
    contigs: ContigMap,
    mane: dict[str, tuple[str, str]],
    panel_genes_at,
    extra: Callable[[Any], dict] | None = None,
    columns: list[str] = COLUMNS,
) -> pd.DataFrame:
    """``panel_genes_at(chrom, pos, end)`` names the panel genes a variant overlaps.

    ``extra(record)`` adds columns of another caller's evidence (the germline genotype);
    ``columns`` are the table's columns, in order (the somatic ones by default).
    """
    rows = []
    with pysam.FastaFile(str(fasta_path)) as fasta, VCF(str(vcf_path)) as vcf:
        for record in vcf:
            end = record.POS + len(record.REF) - 1
            row = annotate_record(
                record, transcripts, fasta, contigs, mane, panel_genes_at(record.CHROM, record.POS, end)
            )
            if extra is not None:
                row.update(extra(record))
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)
