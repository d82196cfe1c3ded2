"""Snakemake script: reason per candidate and germline referrals (presis.explain)."""

import logging

import pandas as pd

from presis.explain import germline_referral, reason
from presis.hotspots import Hotspots

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
hotspots = Hotspots.load(snakemake.input.hotspots)
genes = {
    line.strip()
    for path in snakemake.input.referral_genes
    for line in open(path)
    if line.strip() and not line.startswith("#")
}
rows = table.to_dict("records")
table["reason"] = [reason(row) for row in rows]
table["germline_referral"] = [germline_referral(row, genes, hotspots) for row in rows]
table.to_csv(snakemake.output[0], sep="\t", index=False)
logging.info("%d germline referrals", table["germline_referral"].notna().sum())
