"""Cancer hotspot residues (cancerhotspots.org v2, Chang et al. 2018; 3D hotspots, Gao et al. 2017).

The table numbers residues as cancerhotspots.org does, which matches the MANE Select
transcripts for TP53, KRAS, EGFR and PBRM1 (config/kb/HOTSPOTS_NOTE.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PROTEIN_POSITION = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)")


@dataclass(frozen=True)
class Hotspots:
    residues: frozenset[tuple[str, str, int]]  # (gene, three-letter amino acid, position)

    @classmethod
    def load(cls, path: str | Path) -> Hotspots:
        table = pd.read_csv(path, sep="\t", dtype={"aa_pos": int})
        return cls(frozenset(zip(table["GENE"], table["aa_ref"], table["aa_pos"], strict=False)))

    def residue_of(self, gene: str, hgvs_p: str | None) -> tuple[str, str, int] | None:
        """The hotspot residue a protein change starts at, if any (p.(Arg273His) -> TP53 Arg 273)."""
        match = PROTEIN_POSITION.match(hgvs_p if isinstance(hgvs_p, str) else "")
        if not match:
            return None
        residue = (gene, match.group(1), int(match.group(2)))
        return residue if residue in self.residues else None
