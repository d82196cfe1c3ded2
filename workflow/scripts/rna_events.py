"""Snakemake script: one RNA sample's fusions, exon skipping and QC (presis.rna) as JSON and TSV."""

import json
from pathlib import Path

import pandas as pd

from presis.annotation.transcripts import load_transcripts
from presis.inputs.contigs import ContigMap
from presis.interpretation import kb
from presis.rna import fusions, qc, results, splicing
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, params = snakemake.input, snakemake.params
settings = params.settings
knowledge_base = kb.load(kb.KBFiles(inputs.biomarkers, inputs.oncotree, inputs.gene_roles, inputs.kb_schema))
index = load_transcripts(inputs.gff3)
fusion_settings = fusions.Settings.from_config(settings["fusions"], results.fusion_genes(knowledge_base))
candidates = fusions.call_fusions(inputs.chimeric, index, fusion_settings)
events = results.splice_events(knowledge_base)
splice = splicing.evaluate_all(events, inputs.junctions, index, splicing.Settings(**settings["splicing"]))
summary = qc.summarise(inputs.star_log, inputs.flagstat, inputs.bam, inputs.panel, settings["qc"])
result = results.build_result(
    params.sample, candidates, splice, summary, ContigMap.load(params.contigs), knowledge_base, params.tumour_type
)
Path(snakemake.output.json).write_text(json.dumps(result, indent=2, sort_keys=True))
pd.DataFrame(results.tsv_rows(result), columns=results.TSV_FIELDS).to_csv(snakemake.output.tsv, sep="\t", index=False)
log.info("%s: %s; detected %s", params.sample, result["statement"], ", ".join(result["detected"]) or "none")
