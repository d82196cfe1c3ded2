"""The knowledge base, hotspots, tiers and reasons, biomarker sites and germline findings."""
