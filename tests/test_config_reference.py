"""The configuration schema describes every setting, and docs/configuration.md is generated from it."""

from conftest import REPO

from presis.inputs.config import LEVELS, load_defaults, load_preset, load_yaml
from presis.inputs.config_reference import COMMAND, leaves, reference, schema_of, undescribed

SCHEMA = load_yaml(REPO / "config" / "schemas" / "config.schema.yaml")


def test_every_schema_property_has_a_description():
    assert undescribed(SCHEMA) == []


def test_undescribed_properties_are_found_at_any_depth():
    schema = {"properties": {"a": {"description": "x", "properties": {"b": {"type": "integer"}}}}}
    assert undescribed(schema) == ["a.b"]


def test_every_setting_of_the_defaults_and_presets_is_in_the_schema():
    configs = {"config/defaults.yaml": load_defaults()}
    configs.update({f"config/levels/level{level}.yaml": load_preset(REPO, level) for level in LEVELS})
    missing = [
        f"{name}: {'.'.join(path)}"
        for name, config in configs.items()
        for path, _ in leaves(config, SCHEMA)
        if not (schema_of(SCHEMA, path) or {}).get("description")
    ]
    assert missing == []


def test_the_reference_lists_each_setting_with_its_default_and_the_presets_that_change_it():
    text = reference(REPO)
    row = next(line for line in text.splitlines() if line.startswith("| `somatic.min_alt_reads` |"))
    assert "| `5` |" in row and "level 3: `8`" in row and "level 1" not in row


def test_docs_configuration_md_is_current():
    committed = (REPO / "docs" / "configuration.md").read_text()
    assert committed == reference(REPO), f"docs/configuration.md is stale; regenerate it: {COMMAND}"
