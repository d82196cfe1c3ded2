"""The prepared reference: made once per reference, shared by every run and output folder.

A site names its reference files once (config ``reference``). What tools need beyond them — a
FASTA index, the bwa index, an annotation index — is built once into a cache folder
(``reference.cache``; default :func:`default_cache_dir`) under a name derived from the inputs'
sha256, so a changed file gets a new folder and an unchanged one is never prepared again.

Layout of the cache::

    genome-<sha16 of the FASTA>/        the FASTA (a link to the site's file unless it is plain
        genome.fa[.gz], .fai, .gzi       gzip, which tools cannot read at random: then a copy),
        manifest.json                    its indexes and contig names
    bwa-<sha16 of the FASTA>/genome.fa.{amb,ann,bwt,pac,sa}   the bwa index (unless the site gives one)
    plain-<sha16 of the FASTA>/genome.fa, .fai   a plain copy of a bgzipped FASTA, for CNVkit
                                     and STAR, which read only plain FASTA (when a run needs them)
    annotation-<sha16 of the GFF3>/
        annotation.gff3.gz, .tbi         the GFF3 sorted, bgzipped and tabix-indexed
        genes.tsv                        gene id, name and span: look-up by name without the GFF3
        manifest.json
    star-<sha16 of FASTA, GFF3, the STAR index settings and STAR's version>/   the STAR index (RNA runs only)
    cnv-access-<sha16 of the FASTA>/access.bed   the genome's accessible regions for CNVkit's
                                     off-target bins (copy-number runs only)
    checksums/                           memo of file checksums by path, size and mtime

Each part is built into a temporary folder beside its final place and renamed into place when
complete, under a lock: two runs preparing the same reference at once build it once, and a
half-built folder is never seen under its final name.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pysam

from presis.errors import InputError

# Bump when what a cache folder holds changes: old folders are then left alone, not misread.
CACHE_FORMAT = 1
MANIFEST = "manifest.json"
BWA_SUFFIXES = (".amb", ".ann", ".bwt", ".pac", ".sa")
# The workflow rules that build the cache's parts: a run lists none of them once the cache is complete.
CACHE_RULES = (
    "reference_cache_genome",
    "reference_bwa_index",
    "reference_cache_annotation",
    "reference_cache_plain",
    "reference_cache_cnv_access",
    "rna_star_index",
)
# Genes within this distance of a panel target keep their annotation in the run's panel GFF3:
# a deletion starting inside a target can reach a gene just beyond it.
PANEL_GENE_MARGIN = 1000


def default_cache_dir(environ: dict | None = None) -> Path:
    """$XDG_CACHE_HOME/presis/references, else ~/.cache/presis/references (the XDG convention)."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME", str(Path.home()))) / ".cache")
    return Path(base) / "presis" / "references"


def cache_dir(reference: dict) -> Path:
    return Path(reference.get("cache") or default_cache_dir()).expanduser().resolve()


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False) as fh:
        fh.write(text)
    os.replace(fh.name, path)


def file_sha256(path: str | Path, cache: Path) -> str:
    """sha256 of a file, remembered by (real path, size, mtime) so that a 3-GB FASTA is read once,
    not at every workflow start."""
    real = Path(path).resolve()
    stat = real.stat()
    memo = cache / "checksums" / (hashlib.sha1(str(real).encode()).hexdigest() + ".json")
    stamp = {"path": str(real), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    with contextlib.suppress(OSError, ValueError):
        known = json.loads(memo.read_text())
        if {k: known.get(k) for k in stamp} == stamp:
            return known["sha256"]
    digest = hashlib.sha256()
    with open(real, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    with contextlib.suppress(OSError):
        _atomic_write(memo, json.dumps({**stamp, "sha256": digest.hexdigest()}))
    return digest.hexdigest()


def fasta_compression(path: str | Path) -> str:
    """'bgzf' (random access: used in place), 'gzip' (needs a plain copy) or 'plain'."""
    with open(path, "rb") as fh:
        head = fh.read(18)
    if head[:2] != b"\x1f\x8b":
        return "plain"
    # BGZF: gzip with the FEXTRA flag and a 'BC' subfield (SAM/BAM specification, section 4.1)
    return "bgzf" if len(head) >= 14 and head[3] & 4 and head[12:14] == b"BC" else "gzip"


@dataclass(frozen=True)
class Prepared:
    """Where the prepared reference lives, and which parts are already complete."""

    genome_dir: Path
    bwa_dir: Path
    fasta: Path  # what tools read: the link (bgzf/plain) or the plain copy
    fai: Path
    gzi: Path | None
    bwa_prefix: Path  # the site's prebuilt index, or the cache's
    bwa_given: bool
    annotation_dir: Path
    annotation_gff3: Path
    annotation_tbi: Path
    genes: Path
    compression: str = "plain"
    fasta_sha: str = ""
    gff3_sha: str = ""

    @property
    def plain_dir(self) -> Path:
        """Where the plain FASTA lives: the genome folder itself unless the site's FASTA is bgzipped."""
        if self.compression != "bgzf":
            return self.genome_dir
        return self.genome_dir.with_name(self.genome_dir.name.replace("genome-", "plain-", 1))

    @property
    def plain_fasta(self) -> Path:
        """The FASTA for tools that read only plain FASTA (CNVkit, STAR): the prepared FASTA when it
        is plain (the site's file in place, or the copy of a plain-gzip one), else a plain copy."""
        return self.fasta if self.compression != "bgzf" else self.plain_dir / "genome.fa"

    @property
    def plain_fai(self) -> Path:
        return Path(f"{self.plain_fasta}.fai")

    @property
    def plain_manifest(self) -> Path:
        return self.plain_dir / MANIFEST

    def plain_ready(self) -> bool:
        return _complete(self.plain_dir)

    @property
    def cnv_access_dir(self) -> Path:
        return self.genome_dir.with_name(self.genome_dir.name.replace("genome-", "cnv-access-", 1))

    @property
    def cnv_access(self) -> Path:
        return self.cnv_access_dir / "access.bed"

    def cnv_access_ready(self) -> bool:
        return _complete(self.cnv_access_dir)

    def star_dir(self, settings: dict) -> Path:
        """The STAR index folder: keyed by the FASTA, the GFF3 (its splice junctions) and the
        settings that shape the index (e.g. --sjdbOverhang, --genomeSAsparseD, STAR's version)."""
        key = json.dumps({"fasta": self.fasta_sha, "gff3": self.gff3_sha, **settings}, sort_keys=True)
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.genome_dir.parent / f"star-{digest}-v{CACHE_FORMAT}"

    def star_ready(self, settings: dict) -> bool:
        return _complete(self.star_dir(settings))

    @property
    def bwa_files(self) -> list[Path]:
        return [Path(f"{self.bwa_prefix}{suffix}") for suffix in BWA_SUFFIXES]

    @property
    def genome_manifest(self) -> Path:
        return self.genome_dir / MANIFEST

    @property
    def annotation_manifest(self) -> Path:
        return self.annotation_dir / MANIFEST

    def genome_ready(self) -> bool:
        # exists() follows the link: a site file moved away makes the folder stale, not ready
        return _complete(self.genome_dir)

    def bwa_ready(self) -> bool:
        return self.bwa_given or _complete(self.bwa_dir)

    def annotation_ready(self) -> bool:
        return self.annotation_manifest.exists()


def prepared(reference: dict) -> Prepared:
    """The cache folders of a configured reference (``config['reference']``), by checksum."""
    cache = cache_dir(reference)
    fasta = Path(reference["fasta"])
    gff3 = Path(reference["gff3"])
    for key, path in (("fasta", fasta), ("gff3", gff3)):
        if not path.is_file():
            raise InputError(f"reference.{key}: {path} does not exist — name the site's file in the site config")
    fasta_sha = file_sha256(fasta, cache)
    gff3_sha = file_sha256(gff3, cache)
    genome_dir = cache / f"genome-{fasta_sha[:16]}-v{CACHE_FORMAT}"
    bwa_dir = cache / f"bwa-{fasta_sha[:16]}-v{CACHE_FORMAT}"
    compression = fasta_compression(fasta)
    name = "genome.fa.gz" if compression == "bgzf" else "genome.fa"
    bwa = reference.get("bwa_index")
    if bwa:
        missing = [f"{bwa}{s}" for s in BWA_SUFFIXES if not Path(f"{bwa}{s}").is_file()]
        if missing:
            raise InputError(
                f"reference.bwa_index: {bwa} is not a complete bwa index prefix (missing {', '.join(missing)}): "
                "give the prefix bwa index -p wrote, or leave the key out to have presis build it once"
            )
    annotation_dir = cache / f"annotation-{gff3_sha[:16]}-v{CACHE_FORMAT}"
    drop_if_stale(genome_dir)
    return Prepared(
        genome_dir=genome_dir,
        bwa_dir=bwa_dir,
        fasta=genome_dir / name,
        fai=genome_dir / f"{name}.fai",
        gzi=genome_dir / f"{name}.gzi" if compression == "bgzf" else None,
        bwa_prefix=Path(bwa) if bwa else bwa_dir / name,
        bwa_given=bool(bwa),
        annotation_dir=annotation_dir,
        annotation_gff3=annotation_dir / "annotation.gff3.gz",
        annotation_tbi=annotation_dir / "annotation.gff3.gz.tbi",
        genes=annotation_dir / "genes.tsv",
        compression=compression,
        fasta_sha=fasta_sha,
        gff3_sha=gff3_sha,
    )


def _complete(folder: Path) -> bool:
    """A part is complete when its manifest is written (last) and no link in it dangles."""
    return (folder / MANIFEST).exists() and all(p.exists() for p in folder.iterdir())


def drop_if_stale(folder: Path) -> bool:
    """Remove a finished part whose links dangle (the site's FASTA, or the presis checkout whose
    test genome it links, was moved or deleted), so the run rebuilds it from the file as named now.

    Snakemake itself stops on a dangling output link ("unable to obtain modification time") before
    any rule could rebuild it: the stale part must be gone when the workflow is parsed.
    """
    if not (folder / MANIFEST).exists() or _complete(folder):
        return False
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / MANIFEST).exists() and not _complete(folder):
            shutil.rmtree(folder)
            return True
    return False


@contextlib.contextmanager
def building(final: Path) -> Iterator[Path | None]:
    """A fresh temporary folder to build ``final`` in, renamed into place on success; None when
    another process completed ``final`` meanwhile. Serialised by a lock file beside it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with open(final.parent / f".{final.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if we are killed
        if _complete(final):
            yield None
            return
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.tmp-"))
        try:
            yield tmp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0700 would hide a shared cache from colleagues
            if final.exists():  # stale: a site file it links to was moved or replaced
                shutil.rmtree(final)
            os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    target.symlink_to(source.resolve())


def build_genome(source: str | Path, layout: Prepared, fai: str | Path | None = None) -> None:
    """The FASTA as tools read it, with its .fai (and .gzi): the site's file in place when it is
    plain or bgzipped, a plain copy when it is plain gzip. A given .fai (or one beside the FASTA)
    is used as is."""
    source = Path(source)
    with building(layout.genome_dir) as tmp:
        if tmp is None:
            return
        fasta = tmp / layout.fasta.name
        compression = fasta_compression(source)
        if compression == "gzip":
            with gzip.open(source, "rb") as src, open(fasta, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        else:
            _link_or_copy(source, fasta)
            beside = [Path(fai)] if fai else [Path(f"{source}.fai")]
            if beside[0].is_file() and (compression == "plain" or Path(f"{source}.gzi").is_file()):
                _link_or_copy(beside[0], tmp / f"{fasta.name}.fai")
                if compression == "bgzf":
                    _link_or_copy(Path(f"{source}.gzi"), tmp / f"{fasta.name}.gzi")
        if not (tmp / f"{fasta.name}.fai").exists():
            try:
                pysam.faidx(str(fasta))
            except pysam.SamtoolsError as error:
                raise InputError(f"not a valid FASTA ({error}): check reference.fasta", str(source)) from error
        with pysam.FastaFile(str(fasta)) as handle:
            contigs = dict(zip(handle.references, handle.lengths, strict=True))
        manifest = {"format": CACHE_FORMAT, "source": str(source.resolve()), "compression": compression}
        (tmp / MANIFEST).write_text(json.dumps({**manifest, "contigs": contigs}, indent=2))


def build_bwa(layout: Prepared, log: str | Path) -> None:
    """bwa index of the prepared FASTA, once (the whole genome in memory: ~5 GB, ~1 h for GRCh38)."""
    with building(layout.bwa_dir) as tmp:
        if tmp is None:
            return
        with open(log, "a") as log_fh:
            subprocess.run(
                ["bwa", "index", "-p", str(tmp / layout.bwa_prefix.name), str(layout.fasta)],
                check=True,
                stderr=log_fh,
            )
        (tmp / MANIFEST).write_text(json.dumps({"format": CACHE_FORMAT, "fasta": str(layout.fasta)}, indent=2))


def build_plain(layout: Prepared) -> None:
    """A plain copy of a bgzipped FASTA, with its .fai, once (CNVkit and STAR cannot read bgzip).
    Nothing to do when the prepared FASTA is plain already (then it is the genome folder's)."""
    if layout.plain_dir == layout.genome_dir:
        return
    with building(layout.plain_dir) as tmp:
        if tmp is None:
            return
        fasta = tmp / layout.plain_fasta.name
        # BGZF is a series of gzip members: gzip reads it whole, streaming (flat memory)
        with gzip.open(layout.fasta, "rb") as src, open(fasta, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        pysam.faidx(str(fasta))
        manifest = {"format": CACHE_FORMAT, "source": str(layout.fasta.resolve()), "sha256": layout.fasta_sha}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))


def _attributes(column: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in column.strip().split(";") if "=" in item)


def build_annotation(source: str | Path, layout: Prepared) -> None:
    """The GFF3 sorted by position, bgzipped and tabix-indexed, and a gene table (id, name,
    span). Streams the GFF3 through sort(1), which spills to disk: memory stays flat."""
    source = Path(source)
    opener = gzip.open if fasta_compression(source) != "plain" else open
    with building(layout.annotation_dir) as tmp:
        if tmp is None:
            return
        plain = tmp / "annotation.gff3"
        genes, contigs, declared = [], set(), {}
        env = {**os.environ, "LC_ALL": "C"}
        with open(plain, "w") as out:
            out.write("##gff-version 3\n")
            out.flush()
            # -s: rows with equal keys keep the file's order (a gene before its transcripts)
            sort = subprocess.Popen(
                ["sort", "-s", "-t", "\t", "-k1,1", "-k4,4n", "-T", str(tmp)],
                stdin=subprocess.PIPE,
                stdout=out,
                text=True,
                env=env,
            )
            with opener(source, "rt") as fh:
                for line in fh:
                    if line.startswith("#") or not line.strip():
                        fields = line.split()
                        # a contig's declared length: checked against the FASTA's (reference_prepare)
                        if fields[:1] == ["##sequence-region"] and len(fields) == 4 and fields[3].isdigit():
                            declared[fields[1]] = int(fields[3])
                        continue
                    cols = line.rstrip("\n").split("\t")
                    if len(cols) != 9:
                        sort.kill()
                        raise InputError(
                            f"expected 9 tab-separated columns, found {len(cols)}: {line[:80]!r}", str(source)
                        )
                    contigs.add(cols[0])
                    feature_id = _attributes(cols[8]).get("ID", "")
                    if feature_id.startswith("gene:"):
                        name = _attributes(cols[8]).get("Name", feature_id[5:])
                        genes.append((feature_id[5:], name, cols[0], cols[3], cols[4]))
                    sort.stdin.write(line)
            sort.stdin.close()
            if sort.wait() != 0:
                raise RuntimeError(f"sort of {source} failed")
        pysam.tabix_index(str(plain), preset="gff", keep_original=False)
        with open(tmp / "genes.tsv", "w") as fh:
            fh.write("gene_id\tname\tcontig\tstart\tend\n")
            fh.writelines("\t".join(row) + "\n" for row in sorted(genes))
        manifest = {"format": CACHE_FORMAT, "source": str(source.resolve()), "genes": len(genes)}
        # contigs with features or declared (presis.inputs.reference.gff3_contigs)
        manifest |= {"contigs": sorted(contigs | set(declared)), "sequence_regions": declared}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))


def _gene_rows(gff: pysam.TabixFile, spans: Iterable[tuple[str, int, int]], gene_ids: set[str]) -> list[str]:
    """Every GFF3 row of the genes ``gene_ids`` (gene, transcripts and their exons/CDS/UTRs),
    fetched over the genes' spans (1-based, inclusive), in file order without repeats."""
    rows: dict[tuple[str, int, str], str] = {}
    contigs = set(gff.contigs)
    for contig, start, end in spans:
        if contig in contigs:
            for line in gff.fetch(contig, start - 1, end):
                cols = line.split("\t", 4)
                rows.setdefault((cols[0], int(cols[3]), line), line)
    parsed = [(key, line, _attributes(line.rsplit("\t", 1)[-1])) for key, line in rows.items()]
    transcripts = {
        attrs["ID"]
        for _, _, attrs in parsed
        if attrs.get("ID", "").startswith("transcript:")
        and any(
            p.removeprefix("gene:") in gene_ids for p in attrs.get("Parent", "").split(",") if p.startswith("gene:")
        )
    }
    keep = []
    for _key, line, attrs in sorted(parsed, key=lambda item: item[0][:2]):
        feature_id = attrs.get("ID", "")
        parents = attrs.get("Parent", "").split(",")
        if (
            (feature_id.startswith("gene:") and feature_id[5:] in gene_ids)
            or feature_id in transcripts
            or any(p in transcripts for p in parents)
        ):
            keep.append(line)
    return keep


def read_genes(genes_tsv: str | Path) -> list[tuple[str, str, str, int, int]]:
    """(gene_id, name, contig, start, end) of every gene of a prepared annotation."""
    with open(genes_tsv) as fh:
        next(fh)
        return [(g, n, c, int(s), int(e)) for g, n, c, s, e in (line.rstrip("\n").split("\t") for line in fh)]


def neighbour_genes(
    genes: Iterable[tuple[str, str, str, int, int]], regions: Iterable[tuple[str, int, int]]
) -> list[tuple[str, str, int, int]]:
    """For each region (0-based half-open), the nearest gene ending before it and the nearest gene
    starting after it, as (gene_id, contig, start, end): a variant between genes is described by
    its nearest annotated gene (presis.annotation.genomic.region), which may lie far outside the
    panel's targets. ``genes`` as read_genes gives them (1-based, inclusive)."""
    by_start: dict[str, list[tuple[int, int, str]]] = {}
    for gene_id, _name, contig, start, end in genes:
        by_start.setdefault(contig, []).append((int(start), int(end), gene_id))
    by_end = {contig: sorted(spans, key=lambda g: (g[1], g[0], g[2])) for contig, spans in by_start.items()}
    for spans in by_start.values():
        spans.sort()
    starts = {contig: [g[0] for g in spans] for contig, spans in by_start.items()}
    ends = {contig: [g[1] for g in spans] for contig, spans in by_end.items()}
    chosen: dict[str, tuple[str, str, int, int]] = {}
    for contig, start, end in regions:
        if contig not in by_start:
            continue
        # 1-based: the region covers start+1..end; "before" ends at or before base start,
        # "after" starts at or after base end+1.
        i = bisect.bisect_right(ends[contig], start)
        j = bisect.bisect_right(starts[contig], end)
        nearest = ([by_end[contig][i - 1]] if i else []) + ([by_start[contig][j]] if j < len(by_start[contig]) else [])
        for g_start, g_end, gene_id in nearest:
            chosen[gene_id] = (gene_id, contig, g_start, g_end)
    return sorted(chosen.values())


def subset_gff3(
    annotation_gff3: str | Path,
    out_path: str | Path,
    regions: Iterable[tuple[str, int, int]] = (),
    genes: Iterable[tuple[str, str, int, int]] = (),
    margin: int = PANEL_GENE_MARGIN,
) -> int:
    """A GFF3 holding every gene (with all its transcripts) that overlaps ``regions`` (0-based
    half-open, e.g. panel targets, widened by ``margin``) or is listed in ``genes`` ((gene_id,
    contig, start, end)). Reads only those parts of the prepared annotation: its size does not
    matter. Returns the number of genes."""
    gene_ids: set[str] = set()
    spans: list[tuple[str, int, int]] = []
    with pysam.TabixFile(str(annotation_gff3)) as gff:
        contigs = set(gff.contigs)
        for contig, start, end in regions:
            if contig not in contigs:
                continue
            for line in gff.fetch(contig, max(0, start - margin), end + margin):
                cols = line.split("\t")
                feature_id = _attributes(cols[8]).get("ID", "")
                if feature_id.startswith("gene:") and feature_id[5:] not in gene_ids:
                    gene_ids.add(feature_id[5:])
                    spans.append((cols[0], int(cols[3]), int(cols[4])))
        for gene_id, contig, start, end in genes:
            if gene_id not in gene_ids:
                gene_ids.add(gene_id)
                spans.append((contig, start, end))
        rows = _gene_rows(gff, spans, gene_ids)
    with pysam.BGZFile(str(out_path), "wb") as out:
        out.write(b"##gff-version 3\n")
        out.write("".join(row + "\n" for row in rows).encode())
    return len(gene_ids)
