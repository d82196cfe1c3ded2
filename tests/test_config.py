"""Configuration precedence: defaults < level preset < site config < --config."""

import pytest
from conftest import REPO

from presis.errors import InputError
from presis.inputs.config import (
    LEVELS,
    deep_merge,
    effective_config,
    load_defaults,
    load_preset,
    merged_config,
    preset_path,
    resolve_paths,
    rule_resources,
)

SITE = {
    "samples": "config/samples.tsv",
    "level": 2,
    "reference": {"fasta": "ref.fa", "gff3": "ann.gff3"},
}


def test_preset_overrides_defaults_and_site_overrides_preset():
    merged = effective_config({**SITE, "somatic": {"min_vaf": 0.07}}, REPO)
    assert merged["somatic"]["min_vaf"] == 0.07  # site wins over preset
    assert merged["somatic"]["min_alt_reads"] == 5  # preset value kept beside it
    assert merged["calling"]["shards"] == 4  # built-in default
    assert merged["panel"]["bed"] == "config/panels/presis-demo.bed"  # preset owns the panel


def test_level_from_command_line_selects_preset(tmp_path):
    # Snakemake merges --config over --configfile before presis sees it: the level is a site key.
    merged = effective_config({**SITE, "level": "3"}, REPO)
    assert merged["level"] == 3


def test_unknown_level_is_a_clear_error():
    with pytest.raises(InputError, match="level: 7 is not a hospital level"):
        effective_config({**SITE, "level": 7}, REPO)


def test_no_sample_sheet_tells_how_to_pass_one():
    with pytest.raises(InputError, match="--configfile"):
        effective_config({}, REPO)


def test_schema_lists_every_problem():
    with pytest.raises(InputError) as error:
        effective_config({**SITE, "somatic": {"min_vaf": 2}, "calling": {"shards": 0}}, REPO)
    text = str(error.value)
    assert "somatic.min_vaf" in text and "calling.shards" in text


def test_deep_merge_replaces_lists_and_keeps_siblings():
    assert deep_merge({"a": {"b": 1, "c": [1, 2]}}, {"a": {"c": [3]}}) == {"a": {"b": 1, "c": [3]}}


def test_rule_resources_fall_back_to_default():
    config = {"resources": {"default": {"threads": 1, "mem_mb": 1000, "runtime": 30}, "x": {"threads": 2}}}
    assert rule_resources(config, "x") == {"threads": 2, "mem_mb": 1000, "runtime": 30}
    assert rule_resources(config, "y")["threads"] == 1


def test_nested_command_line_values_get_their_schema_type():
    # what `--config somatic='{min_vaf: 0.05, min_alt_reads: 4}'` hands over
    merged = effective_config({**SITE, "somatic": {"min_vaf": "0.05", "min_alt_reads": "4"}}, REPO)
    assert merged["somatic"]["min_vaf"] == 0.05 and merged["somatic"]["min_alt_reads"] == 4


def test_text_that_is_not_a_number_stays_an_error():
    with pytest.raises(InputError, match="somatic.min_vaf"):
        effective_config({**SITE, "somatic": {"min_vaf": "five percent"}}, REPO)


def _leaves(node, path=()):
    """(key path, value) of every setting; a list is one value (a preset replaces it whole)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    else:
        yield path, node


@pytest.mark.parametrize("level", LEVELS)
def test_a_preset_holds_only_what_differs_from_the_defaults(level):
    defaults = dict(_leaves(load_defaults()))
    repeated = [
        ".".join(path)
        for path, value in _leaves(load_preset(REPO, level))
        if path in defaults and defaults[path] == value
    ]
    assert not repeated, f"config/levels/level{level}.yaml repeats built-in defaults (config/defaults.yaml): {repeated}"


@pytest.mark.parametrize("level", LEVELS)
def test_a_preset_is_short(level):
    lines = preset_path(REPO, level).read_text().splitlines()
    settings = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert len(settings) < 40, f"level{level}.yaml has {len(settings)} non-comment lines"


def test_file_paths_are_resolved_once_and_recorded_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a site running presis from its own folder
    (tmp_path / "own.bed").write_text("chr1\t0\t10\tG\n")
    site = {**SITE, "panel": {"bed": "own.bed"}, "pon": {"bams": ["n1.bam"]}}
    written = merged_config(site, REPO)
    resolved = effective_config(site, REPO)
    assert written["kb"]["biomarkers"] == "config/kb/biomarkers.yaml"  # what results and reports record
    assert resolved["kb"]["biomarkers"] == str(REPO / "config" / "kb" / "biomarkers.yaml")  # what rules read
    assert resolved["kb"]["referral_genes"][0] == str(REPO / "config/kb/cancer_predisposition_genes.txt")
    assert resolved["panel"]["bed"] == "own.bed"  # exists here: kept
    assert resolved["pon"]["bams"] == [str(REPO / "n1.bam")] and resolved["pon"]["vcf"] is None
    assert resolve_paths(resolved, REPO) == resolved


def test_an_unknown_somatic_setting_is_an_error_not_ignored():
    with pytest.raises(InputError, match="somatic.*min_vaff"):
        effective_config({**SITE, "somatic": {"min_vaff": 0.05}}, REPO)
