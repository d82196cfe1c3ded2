"""Per-sample analyses beyond single variants: TMB, MSI, FFPE damage."""
