"""Germline findings of the normal: candidate pathogenic variants in cancer-predisposition genes.

Only with the patient's consent (sample sheet ``germline_consent: yes``) and a normal sample. Among
the confident (FILTER PASS) germline calls of the normal in a gene of ``germline_findings.genes``:

1. a variant on the known list (``germline_findings.known_variants``, gene + HGVS c.) classed
   *benign* is never reported (e.g. TP53 p.(Pro72Arg));
2. one classed *pathogenic* is a candidate ("known pathogenic", with its source);
3. a truncating variant (stop gained, frameshift, canonical splice site) in a loss-of-function gene
   (``gene_roles``: tumour suppressor or both) is a candidate unless it escapes nonsense-mediated
   decay: in the last exon, or within ``nmd_distance`` (50) bases of the last exon-exon junction
   (the 50-55 nt rule; Nagy E & Maquat LE, Trends Biochem Sci 1998). Such a stop can leave a
   functional protein and needs expert review; it is listed as excluded with the reason.

Every candidate says "candidate — confirm in an accredited germline laboratory": presis is not an
accredited germline test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from presis.annotation.transcripts import Transcript, TranscriptIndex
from presis.interpretation.kb import load_gene_roles

CONFIRM = "candidate — confirm in an accredited germline laboratory"
TRUNCATING = frozenset({"stop_gained", "frameshift_variant", "splice_acceptor_variant", "splice_donor_variant"})


def read_known(path: str | Path) -> dict[tuple[str, str], dict]:
    table = pd.read_csv(path, sep="\t", comment="#", dtype=str)
    return {(row.gene, row.hgvs_c): row._asdict() for row in table.itertuples(index=False)}


def lof_genes(gene_roles: str | Path) -> set[str]:
    """Loss-of-function genes: the KB's tumour suppressors (roles read and checked by the KB's loader)."""
    return load_gene_roles(gene_roles).tumour_suppressors()


def nmd_escape(tx: Transcript, pos: int, nmd_distance: int) -> str | None:
    """Why a stop at genomic ``pos`` escapes NMD in ``tx``, or None when it does not."""
    exons = list(tx.exons) if tx.strand == "+" else list(reversed(tx.exons))  # transcript order
    for index, (start, end) in enumerate(exons):
        if start <= pos <= end:
            if index == len(exons) - 1:
                return f"in the last exon ({index + 1}/{len(exons)}): escapes nonsense-mediated decay"
            if index == len(exons) - 2:
                to_junction = end - pos if tx.strand == "+" else pos - start
                if to_junction < nmd_distance:
                    return f"{to_junction + 1} bases before the last exon-exon junction (< {nmd_distance}): escapes nonsense-mediated decay"
            return None
    return None  # intronic (splice site): NMD applies


def judge(row: dict, transcripts: TranscriptIndex, known: dict, lof: set[str], nmd_distance: int) -> tuple[str, str]:
    """('candidate' | 'excluded' | 'ignored', reason) for one germline call."""
    entry = known.get((row["gene"], row["hgvs_c"]))
    if entry and entry["classification"] == "benign":
        return "excluded", f"known benign ({entry['rsid']}; {entry['source']})"
    if entry and entry["classification"] == "pathogenic":
        return "candidate", f"known pathogenic ({entry['rsid']}; {entry['source']})"
    consequences = set(str(row["consequence"] or "").split("&"))
    if not consequences & TRUNCATING:
        return "ignored", "not on the known-pathogenic list and not truncating"
    if row["gene"] not in lof:
        return "excluded", f"truncating, but {row['gene']} is not a loss-of-function (tumour-suppressor) gene"
    tx = transcripts.get(row["transcript"]) if row.get("transcript") else None
    # A splice-site change is judged by its exon skipping, not by where a stop would fall.
    premature_stop = consequences & {"stop_gained", "frameshift_variant"}
    escape = nmd_escape(tx, int(row["pos"]), nmd_distance) if tx and premature_stop else None
    if escape:
        return "excluded", f"truncating, but {escape}; needs expert review"
    kind = sorted(consequences & TRUNCATING)[0].replace("_variant", "").replace("_", " ")
    return "candidate", f"{kind} in loss-of-function gene {row['gene']}, subject to nonsense-mediated decay"


FIELDS = [
    "gene",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "exon",
    "consequence",
    "genomic_change",
    "genotype",
    "zygosity",
    "depth",
    "alt_depth",
    "vaf",
]


def _clean(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def findings(
    table: pd.DataFrame | None,
    *,
    consent: str,
    genes: set[str],
    known: dict,
    lof: set[str],
    transcripts: TranscriptIndex,
    nmd_distance: int,
) -> dict:
    """The germline_findings JSON of one patient."""
    if consent != "yes":
        return {
            "status": "not analysed",
            "reason": "no germline consent (sample sheet germline_consent is not yes)",
            "candidates": [],
            "excluded": [],
        }
    if table is None:
        return {
            "status": "not analysed",
            "reason": "no normal sample: germline findings need a normal",
            "candidates": [],
            "excluded": [],
        }
    candidates, excluded = [], []
    calls = table[(table["filters"] == "PASS") & table["gene"].isin(genes)]
    for _, row in calls.iterrows():
        record = {field: _clean(row.get(field)) for field in FIELDS}
        verdict, reason = judge(record | {"pos": row["pos"]}, transcripts, known, lof, nmd_distance)
        if verdict == "candidate":
            candidates.append({**record, "reason": reason, "statement": CONFIRM})
        elif verdict == "excluded":
            excluded.append({**record, "reason": reason})
    status = f"{len(candidates)} candidate(s)" if candidates else "no candidate found"
    return {
        "status": status,
        "reason": f"{len(calls)} confident germline calls of the normal in {len(genes)} cancer-predisposition genes reviewed",
        "candidates": candidates,
        "excluded": excluded,
    }
