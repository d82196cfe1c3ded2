"""Synthetic contributions for the variant-database tests and benchmark."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from presis.vardb.contribution import FORMAT, FORMAT_VERSION

KRAS_G12D = {"chrom": "chr12", "pos": 25245350, "ref": "C", "alt": "T", "gene": "KRAS", "hgvs_p": "p.(Gly12Asp)"}
# A panel region holding KRAS codon 12, fully covered.
KRAS_REGION = {"chrom": "chr12", "start": 25245248, "end": 25245409, "callable_bases": 161}


def key_of(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def contribution(name: str, variants: list[dict], regions: list[dict] | None = None, tumour_type: str = "LUAD",
                 level: int = 2, origin: str = "somatic", vaf_bin: str = "0.05-0.35") -> dict:  # fmt: skip
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "contributor": key_of(name), "demo_key": False,
        "build": "GRCh38",
        "hospital_level": level, "tumour_type": tumour_type,
        "variants": [{"origin": origin, "vaf_bin": vaf_bin, **v} for v in variants],
        "regions": [KRAS_REGION] if regions is None else regions,
    }  # fmt: skip


def write(folder: Path, data: dict, name: str | None = None) -> Path:
    path = folder / f"{name or data['contributor'][:12]}.contribution.json"
    path.write_text(json.dumps(data))
    return path


def synthetic(index: int, n_variants: int = 300, n_regions: int = 50, pool: int = 3000) -> dict:
    """Contribution number ``index``: variants drawn from a pool of ``pool`` loci on chr1 (so
    contributors share variants, as real ones do), regions over the pool."""
    loci = sorted({(index * 7919 + k * 104729) % pool for k in range(n_variants)})
    variants = [{"chrom": "chr1", "pos": 1_000_000 + 10 * locus, "ref": "C", "alt": "T", "gene": "GENE1",
                 "hgvs_p": None} for locus in loci]  # fmt: skip
    regions = [{"chrom": "chr1", "start": 1_000_000 + r * 600, "end": 1_000_000 + (r + 1) * 600, "callable_bases": 600}
               for r in range(n_regions)]  # fmt: skip
    types = ("LUAD", "COAD", "BRCA", "SKCM")
    return contribution(f"synthetic-{index}", variants, regions, tumour_type=types[index % len(types)])
