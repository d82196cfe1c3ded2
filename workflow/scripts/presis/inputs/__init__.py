"""Reading and checking what a run is given: sample sheet, configuration, BED, FASTQ, reference, contig coordinates."""
