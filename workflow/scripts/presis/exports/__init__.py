"""Exports of a finished report in the formats other systems read: FHIR (Genomics Reporting IG)
for the hospital record, MAF for cBioPortal and PCGR."""
