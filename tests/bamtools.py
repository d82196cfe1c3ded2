"""Small BAMs for unit tests: reads made with pysam on a one-contig reference written beside them."""

import pysam

CONTIG = "chrT"


def aligned(name, start, sequence, cigar=None, *, mapq=60, reverse=False, duplicate=False):
    """A read on the test contig; every base Q37, all matches unless a CIGAR is given."""
    read = pysam.AlignedSegment()
    read.query_name, read.reference_id, read.reference_start = name, 0, start
    read.query_sequence, read.cigarstring, read.mapping_quality = sequence, cigar or f"{len(sequence)}M", mapq
    read.query_qualities = pysam.qualitystring_to_array("F" * len(sequence))
    read.is_reverse, read.is_duplicate = reverse, duplicate
    return read


def write_bam(folder, reference, reads):
    """ref.fa (indexed) holding ``reference`` as one contig, and t.bam (sorted, indexed) with ``reads``."""
    fasta = folder / "ref.fa"
    fasta.write_text(f">{CONTIG}\n{reference}\n")
    pysam.faidx(str(fasta))
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": CONTIG, "LN": len(reference)}]}
    path = folder / "t.bam"
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for read in sorted(reads, key=lambda r: r.reference_start):
            out.write(read)
    pysam.index(str(path))
    return path, fasta
