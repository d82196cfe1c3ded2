"""Configuration: one precedence rule, one schema, one resources helper.

defaults (config/defaults.yaml) < level preset (config/levels/level{N}.yaml)
< site config (--configfile) < --config on the command line.

Snakemake has already merged --config over --configfile when the Snakefile runs,
so the site layer arrives here as one dict.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from presis.errors import InputError

DEFAULTS_FILE = Path(__file__).resolve().parents[4] / "config" / "defaults.yaml"
LEVELS = (1, 2, 3)


def deep_merge(base: dict, override: dict) -> dict:
    """A new dict: ``override`` wins key by key; nested dicts are merged, lists replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_yaml(path: Path) -> dict:
    with open(path) as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping of keys at the top, found {type(data).__name__}", str(path))
    return data


def load_defaults() -> dict:
    return load_yaml(DEFAULTS_FILE)


def preset_path(repo_dir: Path, level: Any) -> Path:
    try:
        number = int(level)
    except (TypeError, ValueError):
        number = None
    if number not in LEVELS:
        raise InputError(
            f"level: {level!r} is not a hospital level — set level: 1, 2 or 3 in the site config "
            f"or pass --config level=N"
        )
    return repo_dir / "config" / "levels" / f"level{number}.yaml"


def load_preset(repo_dir: Path, level: Any) -> dict:
    """The preset file alone: only what its level changes from the defaults."""
    return load_yaml(preset_path(repo_dir, level))


def level_config(repo_dir: Path, level: Any) -> dict:
    """The built-in defaults with the level's preset over them (no site layer)."""
    return deep_merge(load_defaults(), load_preset(repo_dir, level))


def resolve_path(value: str, repo_dir: Path) -> str:
    """A relative path from a preset points into the presis folder unless it exists here.

    Sites may run presis from their own folder (snakemake -s /opt/presis/Snakefile);
    the effective config keeps the path as written, so results name no local folders.
    """
    if Path(value).is_absolute() or Path(value).exists():
        return value
    return str(repo_dir / value)


# Every setting that names a file: read from the presis folder when it does not exist here
# (resolve_path). A list holds one path per item.
PATH_KEYS = (
    ("samples",),
    ("reference", "fasta"),
    ("reference", "gff3"),
    ("reference", "contigs"),
    ("reference", "mane"),
    ("reference", "fai"),
    ("panel", "bed"),
    ("panel", "genes"),
    ("kb", "biomarkers"),
    ("kb", "oncotree"),
    ("kb", "gene_roles"),
    ("kb", "hotspots"),
    ("kb", "referral_genes"),
    ("kb", "trials"),
    ("kb", "civic"),
    ("population", "vcf"),
    ("pon", "bams"),
    ("pon", "vcf"),
    ("cnv_reference", "bams"),
    ("cnv_reference", "cnn"),
    ("identity", "sites"),
    ("report", "performance"),
    ("germline_findings", "genes"),
    ("germline_findings", "known_variants"),
    ("vardb", "secret_file"),
)


def resolve_paths(config: dict, repo_dir: Path) -> dict:
    """A copy of ``config`` whose file settings (PATH_KEYS) the rules can read as they are."""
    resolved = copy.deepcopy(config)
    for *parents, key in PATH_KEYS:
        node = resolved
        for parent in parents:
            node = node.get(parent) or {}
        value = node.get(key)
        if isinstance(value, list):
            node[key] = [resolve_path(item, repo_dir) for item in value]
        elif value:
            node[key] = resolve_path(value, repo_dir)
    return resolved


def merged_config(site: dict, repo_dir: Path) -> dict:
    """Merge the four layers and validate the result against config.schema.yaml. Paths stay as
    written: this is the configuration results and reports record (results/provenance/)."""
    if not site.get("samples"):
        raise InputError(
            "no sample sheet: run with --configfile SITE.yaml (the demo: --configfile config/config.yaml) "
            "whose 'samples:' names the sheet"
        )
    defaults = load_defaults()
    level = site.get("level", defaults["level"])
    merged = deep_merge(level_config(repo_dir, level), site)
    merged["level"] = int(level)
    validate_config(merged, repo_dir / "config" / "schemas" / "config.schema.yaml")
    return merged


def effective_config(site: dict, repo_dir: Path) -> dict:
    """The validated configuration the rules read: merged_config with every file path resolved
    once (resolve_paths), so no rule resolves one itself."""
    return resolve_paths(merged_config(site, repo_dir), repo_dir)


YAML_TYPES = {
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}


NULL_WORDS = {"null", "Null", "NULL", "~", "None"}


def _nulls(node):
    if isinstance(node, dict):
        return {key: _nulls(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_nulls(value) for value in node]
    return None if isinstance(node, str) and node in NULL_WORDS else node


def coerce_scalars(config: dict, schema: dict) -> None:
    """Snakemake passes nested --config values as text (`somatic={pon_min_normals: 1}` gives
    '1', `panel={bed: null}` gives 'null'): read such text as YAML where the schema wants
    another type, and the null words as null everywhere."""
    config.update(_nulls(config))
    for error in Draft202012Validator(schema).iter_errors(config):
        if error.validator != "type" or not isinstance(error.instance, str) or not error.path:
            continue
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        value = yaml.safe_load(error.instance)
        if any(
            isinstance(value, YAML_TYPES[t]) and not (t == "integer" and isinstance(value, bool))
            for t in wanted
            if t in YAML_TYPES
        ):
            node = config
            for key in list(error.path)[:-1]:
                node = node[key]
            node[error.path[-1]] = value


def validate_config(config: dict, schema_path: Path) -> None:
    """Raise one InputError listing every schema violation, each with its key path."""
    schema = load_yaml(schema_path)
    coerce_scalars(config, schema)
    problems = []
    for error in sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or "(top level)"
        problems.append(f"config key {where}: {error.message}")
    if problems:
        raise InputError(problems, "configuration (defaults < level preset < --configfile < --config)")


def rule_resources(config: dict, rule: str) -> dict:
    """threads, mem_mb and runtime (minutes) of a rule: its own entry over the default."""
    table = config.get("resources", {})
    return {**table.get("default", {}), **table.get(rule, {})}
