"""What a report records of the configuration: everything but where the run wrote."""

from presis.report.provenance import reported_config


def test_the_reported_config_leaves_out_the_run_location_only():
    config = {"outdir": "/tmp/run-1", "level": 2, "somatic": {"min_vaf": 0.03}, "samples": "config/samples.tsv"}
    assert reported_config(config) == {"level": 2, "somatic": {"min_vaf": 0.03}, "samples": "config/samples.tsv"}
    assert config["outdir"] == "/tmp/run-1"  # the effective config itself is untouched


def test_absolute_paths_are_reported_as_file_names():
    config = {"samples": "/data/run-7/samples.tsv", "pon": {"bams": ["/srv/pon/N1.bam", "rel/N2.bam"], "vcf": None},
              "panel": {"name": "p", "bed": "/srv/panels/p.bed"}}  # fmt: skip
    assert reported_config(config) == {"samples": "samples.tsv", "pon": {"bams": ["N1.bam", "rel/N2.bam"], "vcf": None},
                                       "panel": {"name": "p", "bed": "p.bed"}}  # fmt: skip
