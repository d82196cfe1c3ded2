"""Snakemake script: a CNVkit reference from normal BAMs of the panel (pooled normals, or the
matched normal's coverage), or a flat reference when there is no normal at all."""

from pathlib import Path

from presis.copynumber.cnvkit_steps import build_reference, flat_reference, sample_coverage
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, params = snakemake.input, snakemake.params
if params.kind == "flat":
    log.warning("FLAT copy-number reference: no normal of this panel; capture bias stays in the log2 ratios")
    flat_reference(inputs.targets, inputs.antitargets, inputs.ref, snakemake.output.cnn)
else:
    if params.kind == "normals":  # coverage of each normal BAM first
        work = Path(snakemake.output.cnn).parent / "coverage"
        work.mkdir(parents=True, exist_ok=True)
        target_cnns, anti_cnns = [], []
        for i, bam in enumerate(inputs.bams):
            target_cnns.append(str(work / f"normal{i:03d}.targetcoverage.cnn"))
            anti_cnns.append(str(work / f"normal{i:03d}.antitargetcoverage.cnn"))
            sample_coverage(bam, inputs.targets, target_cnns[-1], params.min_mapq)
            sample_coverage(bam, inputs.antitargets, anti_cnns[-1], params.min_mapq)
            log.info("normal %d: %s", i, bam)
    else:
        target_cnns, anti_cnns = [inputs.normal_targets], [inputs.normal_antitargets]
    build_reference(target_cnns, anti_cnns, inputs.ref, snakemake.output.cnn, params.gc_correction)
    log.info("%s reference from %d normal(s)", params.kind, len(target_cnns))
