"""From BAMs to calls: the somatic model and its VCF, site resources and the panel of normals, germline table, sample identity, limits of detection."""
