"""The biomarker knowledge base (config/kb/biomarkers.yaml): load, validate, match a variant.

The KB is data, versioned and cited entry by entry (config/kb/CHANGELOG.md); this module reads it,
checks it against config/schemas/kb.schema.yaml and the OncoTree table (every problem listed at
once), and answers one question: which entries does a variant match, how, and does the entry's
tumour type cover the patient's (exactly, through an OncoTree parent, tumour-agnostic, or not)?

A variant is a dict with at least ``gene``, ``hgvs_p`` (``p.(Gly12Asp)``), ``hgvs_p1``
(``p.(G12D)``), ``consequence`` (Sequence Ontology terms joined by ``&``) and ``exon`` (``"19/28"``,
``"19-20/28"`` or ``"intron 13/20"``), as in presis' variant table; ``transcript`` is used when present.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from presis.errors import InputError
from presis.interpretation.hotspots import Hotspots
from presis.interpretation.reasons import TRUNCATING

# libyaml's parser where PyYAML has it: the KB is read by several steps of every run, ~10x faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

AGNOSTIC = "*"
LEVELS = ("A", "B", "C", "D")  # AMP/ASCO/CAP levels of evidence, strongest first (Li MM et al., J Mol Diagn 2017)
ROLES = ("oncogene", "tumour_suppressor", "both", "unknown")
PLACEHOLDERS = frozenset({"fusion", "msi_high", "tmb_high"})  # no small variant or gene call fits these
COPY_NUMBER = frozenset({"amplification", "homozygous_deletion"})  # gene calls of presis.copynumber

MISSENSE = frozenset({"missense_variant"})
IN_FRAME_DELETION = frozenset({"inframe_deletion"})
IN_FRAME_INSERTION = frozenset({"inframe_insertion"})
PROTEIN_ALTERING = "protein_altering_variant"  # bcftools csq 'inframe_altering' (deletion-insertions)
SPLICE_SITE = frozenset({"splice_donor_variant", "splice_acceptor_variant"})

THREE_TO_ONE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
    "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
    "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Sec": "U", "Pyl": "O", "Ter": "*",
}  # fmt: skip
THREE_LETTER = re.compile("|".join(THREE_TO_ONE))
FIRST_RESIDUE = re.compile(r"^([A-Z*])(\d+)")
CODON = re.compile(r"^([A-Z])(\d+)$")
EXON_LABEL = re.compile(r"^(intron )?(\d+)(?:-(\d+))?/\d+$")

REPO = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class KBFiles:
    """Where the KB's files are; ``in_repo`` gives the repository's own. ``extra``: further entry files
    in the same schema (``presis kb import-civic`` output), read after the curated entries."""

    biomarkers: Path
    oncotree: Path
    gene_roles: Path
    schema: Path
    extra: tuple[Path, ...] = ()

    @classmethod
    def in_repo(cls, repo: Path = REPO) -> KBFiles:
        kb = repo / "config" / "kb"
        return cls(
            kb / "biomarkers.yaml",
            kb / "oncotree.tsv",
            kb / "gene_roles.tsv",
            repo / "config" / "schemas" / "kb.schema.yaml",
        )


# ---------------------------------------------------------------------------------------------
# Protein change notation


def blank(value: Any) -> bool:
    """None, "" or NaN (an empty cell of a pandas table)."""
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def one_letter(hgvs_p: str | None) -> str | None:
    """``p.(Leu858Arg)``, ``p.L858R``, ``p.(E746_A750del)`` -> ``L858R``, ``E746_A750del``; None if empty."""
    if blank(hgvs_p):
        return None
    inner = str(hgvs_p).strip().removeprefix("p.").strip("()")
    return THREE_LETTER.sub(lambda m: THREE_TO_ONE[m.group(0)], inner) or None


def first_residue(protein: str | None) -> tuple[str, int] | None:
    """The reference amino acid and position a one-letter change starts at: ``G12D`` -> (G, 12)."""
    match = FIRST_RESIDUE.match(protein or "")
    return (match.group(1), int(match.group(2))) if match else None


def variant_protein(variant: Mapping[str, Any]) -> str | None:
    return one_letter(variant.get("hgvs_p1")) or one_letter(variant.get("hgvs_p"))


def consequences(variant: Mapping[str, Any]) -> frozenset[str]:
    value = variant.get("consequence")
    return frozenset() if blank(value) else frozenset(str(value).split("&"))


def exon_numbers(label: str | None) -> tuple[str, frozenset[int]]:
    """``"19/28"`` -> ("exon", {19}); ``"19-20/28"`` -> ("exon", {19, 20}); ``"intron 13/20"`` -> ("intron", {13})."""
    match = EXON_LABEL.match(str(label or "").strip())
    if not match:
        return "", frozenset()
    first = int(match.group(2))
    last = int(match.group(3) or first)
    return ("intron" if match.group(1) else "exon"), frozenset(range(first, last + 1))


def same_transcript(a: str | None, b: str | None) -> bool:
    """Equal Ensembl transcripts, versions ignored; unknown on either side counts as equal."""
    if blank(a) or blank(b):
        return True
    return str(a).split(".")[0] == str(b).split(".")[0]


# ---------------------------------------------------------------------------------------------
# OncoTree and gene roles


@dataclass(frozen=True)
class OncoTree:
    """OncoTree codes with their parents (config/kb/oncotree.tsv)."""

    version: str
    parents: Mapping[str, str | None]
    names: Mapping[str, str]

    def knows(self, code: str | None) -> bool:
        return code in self.parents

    def lineage(self, code: str | None) -> tuple[str, ...]:
        """The code and its ancestors up to the tissue: LUAD -> (LUAD, NSCLC, LUNG); unknown -> (code,)."""
        chain: list[str] = []
        while code and code not in chain:
            chain.append(code)
            code = self.parents.get(code)
        return tuple(chain)


def load_oncotree(path: str | Path) -> OncoTree:
    parents: dict[str, str | None] = {}
    names: dict[str, str] = {}
    version = ""
    problems: list[str] = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if line.startswith("#"):
            found = re.match(r"#\s*oncotree_version:\s*(\S+)", line)
            version = found.group(1) if found else version
            continue
        if not line.strip() or line.startswith("code\t"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[0]:
            problems.append(f"line {number}: expected code, name and parent separated by tabs")
            continue
        code, name, parent = fields
        if code in parents:
            problems.append(f"line {number}: {code} is listed twice")
        parents[code] = parent or None
        names[code] = name
    problems += [
        f"{code}: parent {parent} is not in the table"
        for code, parent in parents.items()
        if parent and parent not in parents
    ]
    problems += [f"{code}: its parents form a cycle" for code in parents if _cyclic(parents, code)]
    if problems:
        raise InputError(problems, str(path))
    return OncoTree(version, parents, names)


def _cyclic(parents: Mapping[str, str | None], code: str) -> bool:
    seen: set[str] = set()
    while code:
        if code in seen:
            return True
        seen.add(code)
        code = parents.get(code)
    return False


@dataclass(frozen=True)
class GeneRoles:
    """Gene -> oncogene / tumour_suppressor / both / unknown (config/kb/gene_roles.tsv)."""

    roles: Mapping[str, str]
    sources: Mapping[str, str]

    def role(self, gene: str | None) -> str | None:
        return self.roles.get(gene or "")

    def is_tumour_suppressor(self, gene: str | None) -> bool:
        return self.role(gene) in ("tumour_suppressor", "both")

    def is_cancer_gene(self, gene: str | None) -> bool:
        return self.role(gene) in ("oncogene", "tumour_suppressor", "both")

    def tumour_suppressors(self) -> set[str]:
        return {gene for gene in self.roles if self.is_tumour_suppressor(gene)}


def load_gene_roles(path: str | Path) -> GeneRoles:
    roles: dict[str, str] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if line.startswith(("#", "gene\t")) or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not all(fields):
            problems.append(f"line {number}: expected gene, role and source separated by tabs")
            continue
        gene, role, source = fields
        if role not in ROLES:
            problems.append(f"line {number}: role {role!r} of {gene} is not one of {', '.join(ROLES)}")
        if gene in roles:
            problems.append(f"line {number}: {gene} is listed twice")
        roles[gene] = role
        sources[gene] = source
    if problems:
        raise InputError(problems, str(path))
    return GeneRoles(roles, sources)


# ---------------------------------------------------------------------------------------------
# The knowledge base


@dataclass(frozen=True)
class Alteration:
    """A pattern of variants: ``type`` and the fields it needs (proteins one-letter, codons (aa, pos))."""

    type: str
    proteins: tuple[str, ...] = ()
    codons: tuple[tuple[str, int], ...] = ()
    exon: int | None = None
    transcript: str | None = None
    tmb_min: float | None = None
    genomic: str | None = None  # genomic_change: chrom:posREF>ALT on real coordinates ...
    build: str | None = None  # ... of this reference build
    exons: tuple[int, int] | None = None  # intragenic_deletion: first and last exon missing (RNA)
    name: str | None = None
    partner_position: str = "3prime"  # fusion: where the gene must be in the product (fusion_fit)
    frame: str = "in_frame"  # fusion: the reading frame the evidence needs (fusion_fit)

    def describe(self, gene: str | None) -> str:
        """In words, for reasons: 'EGFR exon 19 in-frame deletion', 'KRAS G12/G13 missense'."""
        what = {
            "protein_change": lambda: "/".join(self.proteins),
            "codon": lambda: "/".join(f"{aa}{pos}" for aa, pos in self.codons) + " missense",
            "exon_deletion": lambda: f"exon {self.exon} in-frame deletion",
            "exon_insertion": lambda: f"exon {self.exon} in-frame insertion",
            "exon_skipping": lambda: f"exon {self.exon} skipping (splice site)",
            "truncating": lambda: "truncating variant",
            "hotspot_any": lambda: "hotspot missense",
            "amplification": lambda: "amplification",
            "homozygous_deletion": lambda: "homozygous deletion",
            "fusion": lambda: "fusion",
            "msi_high": lambda: "MSI-high",
            "tmb_high": lambda: f"TMB >= {self.tmb_min:g} mut/Mb",
            "genomic_change": lambda: f"{self.genomic} ({self.build})",
            "intragenic_deletion": lambda: f"{self.name} (exons {self.exons[0]}-{self.exons[1]} deleted, RNA)",
        }[self.type]()
        return f"{gene} {what}" if gene else what


# ---------------------------------------------------------------------------------------------
# Fusions: which detected fusion is "a fusion of gene X"
#
# A KB entry or trial cohort naming a gene fusion means the product that drives the evidence: for the
# kinase fusions of the KB (ALK, ROS1, RET, NTRK1-3) the kinase is the 3' partner, its kinase domain
# joined in frame to the 5' partner's promoter and dimerisation domain; for FGFR2/FGFR3 the kinase is
# the 5' partner, its C-terminus replaced. A fusion with the gene in the other position (the reciprocal
# product) or out of frame (truncated after the junction) is not that product. So an entry states
# ``partner_position`` (5prime, 3prime, either) and ``frame`` (in_frame: in-frame, or frame unknown said
# as such; any); the defaults are the conservative 3prime and in_frame.

FIVE, THREE, EITHER = "5prime", "3prime", "either"
FUSION_POSITIONS = (FIVE, THREE, EITHER)
FUSION_FRAMES = ("in_frame", "any")
_SIDE = {FIVE: "5'", THREE: "3'"}


def fusion_fit(
    gene: str, genes: list[str | None], frame: str | None, position: str = THREE, frame_rule: str = "in_frame",
    what: str | None = None,
) -> tuple[bool, str]:  # fmt: skip
    """(fits, why): does the fusion ``genes`` (5' partner first) with ``frame`` ('in-frame',
    'out-of-frame', 'unknown') count as the ``what`` (default '<gene> fusion') of a KB entry or cohort
    requiring ``gene`` at ``position`` and ``frame_rule``? ``why`` is empty when ``gene`` is no partner."""
    if gene not in genes:
        return False, ""
    name = "::".join(g or "?" for g in genes)
    what = what or f"{gene} fusion"
    if len(genes) != 2 or genes[0] == genes[1]:
        return False, f"{name}: partner order unknown, not the {what}"
    side = FIVE if genes[0] == gene else THREE
    if position != EITHER and side != position:
        return False, (
            f"{gene} is the {_SIDE[side]} partner of {name}: the {what} needs {gene} as the "
            f"{_SIDE[position]} partner, so it does not match"
        )
    where = f"{gene} is the {_SIDE[side]} partner of {name}"
    if frame == "in-frame":
        return True, f"{where}, in frame: the {what}"
    if frame_rule == "any":
        return True, f"{where}, {frame or 'unknown'} frame (the {what} names no frame)"
    if frame == "out-of-frame":
        return False, f"{where} but the fusion is out of frame: not the {what}"
    return True, (
        f"{where}; frame unknown (a breakpoint outside the coding sequence or in an intron): "
        f"an in-frame product is not shown, confirm before acting on the {what}"
    )


@dataclass(frozen=True)
class Entry:
    id: str
    gene: str | None
    alteration: Alteration
    tumour_types: tuple[str, ...]
    excluded_tumour_types: tuple[str, ...]
    evidence_direction: str
    therapy: tuple[str, ...]
    evidence_level: str
    escat: str | None
    origin: str
    source: str
    note: str | None
    # Negative evidence (CIViC "Does Not Support"): the alteration does NOT predict the direction, e.g.
    # no response to the therapy. Never tier evidence; it keeps other tumour types' evidence for the
    # same drug out (presis.interpretation.tiers).
    negative: bool = False
    curated_by: str = "presis"  # "presis" or "civic" (imported by presis kb import-civic, not curated)
    evidence_id: str | None = None  # the source's own id (CIViC EID)

    @property
    def curated(self) -> bool:
        return self.curated_by == "presis"

    def label(self) -> str:
        """The entry as named in reasons: its KB id, and for imported evidence where it comes from."""
        if self.curated:
            return f"KB {self.id}"
        return f"KB {self.id}; CIViC, not curated by presis: {self.evidence_id}"


@dataclass(frozen=True)
class Polymorphism:
    gene: str
    protein: str  # one-letter, e.g. P72R
    criterion: str  # SBVS1 / SBS1 / SBS2
    source: str
    dbsnp: str | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    date: str
    entries: tuple[Entry, ...]
    polymorphisms: tuple[Polymorphism, ...]
    oncotree: OncoTree
    evidence_reviewed_through: str = ""
    roles: GeneRoles = GeneRoles({}, {})  # config/kb/gene_roles.tsv, read and checked with the KB

    def release(self) -> dict[str, str]:
        """Version, date and evidence review date, for the report header."""
        return {
            "version": str(self.version),
            "date": str(self.date),
            "evidence_reviewed_through": self.evidence_reviewed_through,
        }

    def entries_per_gene(self) -> dict[str, int]:
        return dict(sorted(Counter(entry.gene or "(genome-wide)" for entry in self.entries).items()))

    def polymorphism(self, variant: Mapping[str, Any]) -> Polymorphism | None:
        """The listed benign polymorphism this variant is, if any (gene and protein change)."""
        protein = variant_protein(variant)
        return next((p for p in self.polymorphisms if p.gene == variant.get("gene") and p.protein == protein), None)


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _alteration(data: Mapping[str, Any]) -> Alteration:
    codons = tuple((m.group(1), int(m.group(2))) for m in (CODON.match(c) for c in _as_tuple(data.get("codon"))) if m)
    return Alteration(
        type=data["type"],
        proteins=tuple(one_letter(p) for p in _as_tuple(data.get("protein"))),
        codons=codons,
        exon=data.get("exon"),
        transcript=data.get("transcript"),
        tmb_min=data.get("tmb_min"),
        genomic=data.get("genomic_change"),
        build=data.get("build"),
        exons=tuple(data["exons"]) if data.get("exons") else None,
        name=data.get("name"),
        partner_position=data.get("partner_position", "3prime"),
        frame=data.get("frame", "in_frame"),
    )


def _entry(data: Mapping[str, Any]) -> Entry:
    return Entry(
        id=data["id"],
        gene=data["gene"],
        alteration=_alteration(data["alteration"]),
        tumour_types=tuple(data["tumour_types"]),
        excluded_tumour_types=tuple(data.get("excluded_tumour_types") or ()),
        evidence_direction=data["evidence_direction"],
        therapy=tuple(data["therapy"] or ()),
        evidence_level=data["evidence_level"],
        escat=data["escat"],
        origin=data.get("origin", "any"),
        source=" ".join(str(data["source"]).split()),
        note=" ".join(str(data["note"]).split()) if data.get("note") else None,
        negative=bool(data.get("negative", False)),
        curated_by=(data.get("provenance") or {}).get("kb", "presis"),
        evidence_id=(data.get("provenance") or {}).get("evidence_id"),
    )


def _polymorphism(data: Mapping[str, Any]) -> Polymorphism:
    return Polymorphism(
        data["gene"],
        one_letter(data["protein"]),
        data["criterion"],
        " ".join(str(data["source"]).split()),
        data.get("dbsnp"),
    )


def schema_problems(data: Any, schema: Mapping[str, Any]) -> list[str]:
    """Every schema violation, as 'path: message'."""
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}" for error in errors]


def content_problems(data: Mapping[str, Any], oncotree: OncoTree) -> list[str]:
    """What the schema cannot see: unique ids, tumour types known to OncoTree."""
    entries = data.get("entries") or []
    ids = Counter(entry.get("id") for entry in entries if isinstance(entry, dict))
    problems = [f"entries: id {name} is used {count} times" for name, count in ids.items() if count > 1]
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        for field in ("tumour_types", "excluded_tumour_types"):
            for code in entry.get(field) or []:
                if code != AGNOSTIC and not oncotree.knows(code):
                    problems.append(
                        f"entries/{index} ({entry.get('id')}): {field} {code} is not in the OncoTree table — add it to oncotree.tsv"
                    )
    return problems


def gene_role_problems(kb: KnowledgeBase, roles: GeneRoles) -> list[str]:
    """KB genes without a role in gene_roles.tsv (the oncogenicity criteria need one)."""
    genes = {entry.gene for entry in kb.entries if entry.gene} | {p.gene for p in kb.polymorphisms}
    return [f"gene {gene} of the KB has no row in gene_roles.tsv" for gene in sorted(genes) if roles.role(gene) is None]


def load(files: KBFiles | None = None) -> KnowledgeBase:
    """Read and validate the KB, gene roles included; raises InputError listing every problem."""
    files = files or KBFiles.in_repo()
    oncotree = load_oncotree(files.oncotree)
    schema = yaml.load(Path(files.schema).read_text(), Loader=_YAML_LOADER)
    data = _read_entries(files.biomarkers, schema, oncotree)
    entries = [_entry(entry) for entry in data["entries"]]
    version = str(data["version"])
    for path in files.extra:
        extra = _read_entries(path, schema, oncotree)
        curated = {entry.id for entry in entries}
        clashes = [entry["id"] for entry in extra["entries"] if entry["id"] in curated]
        if clashes:
            raise InputError(
                [f"entry id {name} is also a curated entry: imported ids must differ" for name in clashes], str(path)
            )
        entries += [_entry(entry) for entry in extra["entries"]]
        version += f" + {extra['version']}"  # e.g. "2026.12.0 + civic-2024-04-01"
    return KnowledgeBase(
        version=version,
        date=data["date"],
        entries=tuple(entries),
        polymorphisms=tuple(_polymorphism(p) for p in data.get("polymorphisms") or ()),
        oncotree=oncotree,
        evidence_reviewed_through=str((data.get("curation") or {}).get("evidence_reviewed_through", "")),
        roles=load_gene_roles(files.gene_roles),
    )


def _read_entries(path: str | Path, schema: Mapping[str, Any], oncotree: OncoTree) -> dict:
    data = yaml.load(Path(path).read_text(), Loader=_YAML_LOADER)
    problems = schema_problems(data, schema)
    problems += content_problems(data, oncotree) if isinstance(data, dict) else []
    if problems:
        raise InputError(problems, str(path))
    return data


# ---------------------------------------------------------------------------------------------
# Matching: one small function per alteration type; each says whether the variant fits.


def _fits_protein(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    return variant_protein(variant) in alteration.proteins


def _fits_codon(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """A missense change at one of the codons, with the reference amino acid the entry names."""
    residue = first_residue(variant_protein(variant))
    return bool(consequences(variant) & MISSENSE) and residue in alteration.codons


def _fits_exon_deletion(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """An in-frame deletion (or deletion-insertion) inside the exon."""
    terms = consequences(variant)
    deletion = bool(terms & IN_FRAME_DELETION) or (
        PROTEIN_ALTERING in terms and "del" in (variant_protein(variant) or "")
    )
    kind, numbers = exon_numbers(variant.get("exon"))
    return deletion and kind == "exon" and alteration.exon in numbers


def _fits_exon_insertion(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """An in-frame insertion or duplication inside the exon."""
    terms = consequences(variant)
    protein = variant_protein(variant) or ""
    insertion = bool(terms & IN_FRAME_INSERTION) or (
        PROTEIN_ALTERING in terms and ("ins" in protein or "dup" in protein)
    )
    kind, numbers = exon_numbers(variant.get("exon"))
    return insertion and kind == "exon" and alteration.exon in numbers


def _fits_exon_skipping(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """A splice donor/acceptor variant at the exon's borders: intron N-1's acceptor, intron N's donor,
    or a change across the exon's own edge."""
    terms = consequences(variant)
    kind, numbers = exon_numbers(variant.get("exon"))
    exon = alteration.exon
    if kind == "intron":
        return ("splice_acceptor_variant" in terms and exon - 1 in numbers) or (
            "splice_donor_variant" in terms and exon in numbers
        )
    return kind == "exon" and exon in numbers and bool(terms & SPLICE_SITE)


def _fits_truncating(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    return bool(consequences(variant) & TRUNCATING)


def _fits_hotspot(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """A missense change at a cancerhotspots.org residue of the gene (needs the hotspot table)."""
    if hotspots is None or not consequences(variant) & MISSENSE:
        return False
    return hotspots.residue_of(variant.get("gene"), variant.get("hgvs_p")) is not None


def _fits_genomic(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """The same change at the same real position of the same build (promoter and other variants
    no transcript describes). A variant without a known build is never matched."""
    return variant.get("genomic_change") == alteration.genomic and variant.get("reference_build") == alteration.build


def _fits_nothing(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """Placeholders (fusions, MSI, TMB): no small variant fits them."""
    return False


def _fits_copy_number(alteration: Alteration, variant: Mapping[str, Any], hotspots: Hotspots | None) -> bool:
    """A gene-level copy-number call (presis.copynumber.interpret.event_variant) of the entry's kind."""
    return variant.get("copy_number_call") == alteration.type


FITS = {
    "protein_change": _fits_protein,
    "codon": _fits_codon,
    "exon_deletion": _fits_exon_deletion,
    "exon_insertion": _fits_exon_insertion,
    "exon_skipping": _fits_exon_skipping,
    "truncating": _fits_truncating,
    "hotspot_any": _fits_hotspot,
    "genomic_change": _fits_genomic,
    **{kind: _fits_nothing for kind in PLACEHOLDERS},
    "intragenic_deletion": _fits_nothing,  # an RNA event (presis.rna.splicing), never a small variant
    **{kind: _fits_copy_number for kind in COPY_NUMBER},
}

TUMOUR_APPLIES = ("exact", "parent", "agnostic")


@dataclass(frozen=True)
class Match:
    """A KB entry a variant matched: how (the alteration type), and whether it covers the tumour.

    ``tumour_match``: exact (the patient's code is listed), parent (an OncoTree ancestor is listed;
    ``via`` names it), agnostic (``*``), excluded (a tumour-agnostic label excludes this type) or
    other (the entry is for other tumour types; ``via`` lists them).
    """

    entry: Entry
    how: str
    tumour_match: str
    via: str | None = None

    @property
    def applies(self) -> bool:
        return self.tumour_match in TUMOUR_APPLIES


def tumour_relation(entry: Entry, tumour_type: str | None, oncotree: OncoTree) -> tuple[str, str | None]:
    """How the entry's tumour types cover the patient's (see Match)."""
    lineage = oncotree.lineage(tumour_type)
    excluded = next((code for code in lineage if code in entry.excluded_tumour_types), None)
    if excluded:
        return "excluded", excluded
    if AGNOSTIC in entry.tumour_types:
        return "agnostic", None
    if lineage and lineage[0] in entry.tumour_types:
        return "exact", lineage[0]
    parent = next((code for code in lineage[1:] if code in entry.tumour_types), None)
    if parent:
        return "parent", parent
    return "other", ", ".join(entry.tumour_types)


def fits(entry: Entry, variant: Mapping[str, Any], hotspots: Hotspots | None = None) -> bool:
    """Whether the variant is an instance of the entry's alteration (gene, transcript, pattern)."""
    if entry.alteration.type == "genomic_change":  # keyed on the position, whatever the annotation
        return _fits_genomic(entry.alteration, variant, hotspots)
    if entry.gene is None or entry.gene != variant.get("gene"):
        return False
    if not same_transcript(entry.alteration.transcript, variant.get("transcript")):
        return False
    return FITS[entry.alteration.type](entry.alteration, variant, hotspots)


def match(
    variant: Mapping[str, Any], kb: KnowledgeBase, tumour_type: str | None, hotspots: Hotspots | None = None
) -> list[Match]:
    """Every KB entry the variant matches, with its tumour relation; none for a listed polymorphism
    (BRCA2 p.Lys3326Ter is truncating but benign). ``hotspots`` enables ``hotspot_any`` entries."""
    if kb.polymorphism(variant):
        return []
    found = []
    for entry in kb.entries:
        if fits(entry, variant, hotspots):
            relation, via = tumour_relation(entry, tumour_type, kb.oncotree)
            found.append(Match(entry, entry.alteration.type, relation, via))
    return found
