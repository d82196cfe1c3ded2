"""Snakemake script (in-process): gene-level copy-number calls and their interpretation (presis.copynumber.interpret)."""

import json

import pandas as pd

from presis.copynumber.genes import read_cnr
from presis.copynumber.interpret import analyse, write_tsv
from presis.inputs.bed import read_panel
from presis.inputs.contigs import ContigMap
from presis.interpretation import kb
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, params = snakemake.input, snakemake.params
knowledge_base = kb.load(kb.KBFiles(inputs.biomarkers, inputs.oncotree, inputs.gene_roles, inputs.kb_schema))
contigs = ContigMap.load(params.contigs)
genes = list(dict.fromkeys(read_panel(inputs.panel)["gene"]))
somatic = pd.read_csv(inputs.somatic, sep="\t", keep_default_na=False, na_values=[""])
result = analyse(
    cnr=read_cnr(inputs.cnr),
    genes=genes,
    chromosome_of={contig: chrom for contig, (chrom, _) in contigs.slices.items()},
    purity_given=params.info.get("purity"),
    sex=params.info.get("sex"),
    somatic=somatic,
    reference_kind=params.reference_kind,
    reference_normals=params.reference_normals,
    tumour_type=params.info.get("tumour_type") or None,
    kb=knowledge_base,
    roles=kb.load_gene_roles(inputs.gene_roles),
    settings=params.settings,
)
with open(snakemake.output.json, "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
write_tsv(result, snakemake.output.tsv)
log.info("copy number: %d events; %s", len(result["events"]), result["reason"])
