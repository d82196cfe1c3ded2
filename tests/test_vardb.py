"""The national variant database on SQLite and on a real PostgreSQL (the same tests, both
backends): suppression of small counts, idempotent and replacing imports, withdrawal,
rejection of malicious input, and two processes importing at once."""

from __future__ import annotations

import json
import multiprocessing

import pytest
import sqlalchemy as sa
from vardb_data import KRAS_G12D, KRAS_REGION, key_of, synthetic, write
from vardb_data import contribution as make

from presis.cli import main
from presis.errors import InputError
from presis.vardb import contribution, schema, store
from presis.vardb.secret import contributor_key, read_secret
from presis.vardb.vaf_bins import vaf_bin

G12D = "chr12:25245350:C:T"


def cli(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()  # only this command's output
    code = main(["vardb", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_all(url, folder, contributions):
    paths = [write(folder, c) for c in contributions]
    assert main(["vardb", "import", "--db", url, *map(str, paths)]) == 0
    return paths


def somatic_carriers(url) -> str:
    engine = store.open_db(url)
    try:
        return store.query(engine, G12D)["origins"]["somatic"]["carriers"]
    finally:
        engine.dispose()


def table_sizes(url) -> dict:
    engine = store.open_db(url)
    try:
        with engine.connect() as connection:
            return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in (schema.contributors, schema.variants, schema.observations, schema.regions)}  # fmt: skip
    finally:
        engine.dispose()


# --- counts and suppression --------------------------------------------------------------


def test_two_contributors_show_less_than_five(vardb_url, tmp_path, capsys):
    import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D]) for i in range(2)])
    code, out, _ = cli(capsys, "query", "--db", vardb_url, G12D)
    assert code == 0
    assert "somatic carriers: <5" in out and "callable contributors: <5" in out and "LUAD: <5" in out
    assert " 2" not in out.replace("25245350", "")  # the exact 2 is shown nowhere


def test_five_contributors_show_the_exact_count_by_tumour_type(vardb_url, tmp_path, capsys):
    contributions = [make(f"p{i}", [KRAS_G12D], tumour_type="LUAD") for i in range(5)]
    contributions += [make("c1", [KRAS_G12D], tumour_type="COAD"), make("reg-only", [])]  # callable, not carrying
    import_all(vardb_url, tmp_path, contributions)
    code, out, _ = cli(capsys, "query", "--db", vardb_url, G12D)
    assert code == 0
    assert "somatic carriers: 6" in out and "  LUAD: 5" in out and "  COAD: <5" in out
    assert "callable contributors: 7" in out
    assert "germline carriers: 0" in out


def test_export_suppresses_like_query(vardb_url, tmp_path, capsys):
    rare = {"chrom": "chr12", "pos": 25245351, "ref": "C", "alt": "A", "gene": "KRAS", "hgvs_p": "p.(Gly12Cys)"}
    import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D] + ([rare] if i == 0 else [])) for i in range(6)])
    _, tsv, _ = cli(capsys, "export", "--db", vardb_url, "--format", "tsv")
    rows = [line.split("\t") for line in tsv.splitlines()]
    assert rows[0] == store.EXPORT_COLUMNS
    by_pos = {row[2]: dict(zip(rows[0], row, strict=False)) for row in rows[1:]}
    assert (by_pos["25245350"]["somatic"], by_pos["25245350"]["callable"]) == ("6", "6")
    assert (by_pos["25245351"]["somatic"], by_pos["25245351"]["germline"]) == ("<5", "0")
    _, vcf, _ = cli(capsys, "export", "--db", vardb_url, "--format", "vcf")
    records = [line.split("\t") for line in vcf.splitlines() if not line.startswith("#")]
    assert [r[:5] for r in records] == [["chr12", "25245350", ".", "C", "T"], ["chr12", "25245351", ".", "C", "A"]]
    assert "SOMATIC=<5;" in records[1][7] and "SOMATIC=6;" in records[0][7]
    assert vcf.startswith("##fileformat=VCFv4.3")


# --- imports: idempotent, replacing, transactional ----------------------------------------


def test_reimport_changes_nothing(vardb_url, tmp_path, capsys):
    paths = import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D]) for i in range(5)])
    before = (table_sizes(vardb_url), cli(capsys, "export", "--db", vardb_url)[1])
    code, out, _ = cli(capsys, "import", "--db", vardb_url, *map(str, paths))
    assert code == 0 and "0 added, 0 replaced, 5 unchanged" in out
    assert (table_sizes(vardb_url), cli(capsys, "export", "--db", vardb_url)[1]) == before
    assert somatic_carriers(vardb_url) == "5"


def test_newer_contribution_of_a_key_replaces_the_older(vardb_url, tmp_path, capsys):
    other = {"chrom": "chr12", "pos": 25245351, "ref": "C", "alt": "A", "gene": "KRAS", "hgvs_p": "p.(Gly12Cys)"}
    import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D]) for i in range(5)])
    newer = make("p0", [other])  # a re-run of patient p0: same key, other findings
    code, out, _ = cli(capsys, "import", "--db", vardb_url, str(write(tmp_path, newer, "newer")))
    assert code == 0 and "1 replaced" in out
    assert somatic_carriers(vardb_url) == "<5"  # 4 left
    assert table_sizes(vardb_url)["contributors"] == 5


def test_one_bad_file_imports_nothing(vardb_url, tmp_path, capsys):
    good = write(tmp_path, make("p0", [KRAS_G12D]))
    bad = write(tmp_path, {**make("p1", [KRAS_G12D]), "patient_name": "Ola Nordmann"}, "bad")
    code, _, err = cli(capsys, "import", "--db", vardb_url, str(good), str(bad))
    assert code == 1 and "patient_name" in err and "nothing imported" in err
    assert table_sizes(vardb_url)["contributors"] == 0


# --- withdrawal ---------------------------------------------------------------------------


def test_withdraw_removes_every_row_of_the_key(vardb_url, tmp_path, capsys):
    import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D]) for i in range(5)])
    lonely = {"chrom": "chr12", "pos": 25245360, "ref": "G", "alt": "A", "gene": "KRAS", "hgvs_p": None}
    import_all(vardb_url, tmp_path, [make("leaving", [KRAS_G12D, lonely], origin="germline")])
    code, out, _ = cli(capsys, "withdraw", "--db", vardb_url, key_of("leaving"))
    assert code == 0 and out.startswith(f"withdrawn {key_of('leaving')}: 2 variant observation(s) and 1 region(s)")
    assert table_sizes(vardb_url) == {"contributors": 5, "variants": 1, "observations": 5, "regions": 5}
    _, query, _ = cli(capsys, "query", "--db", vardb_url, G12D)
    assert "germline carriers: 0" in query and "callable contributors: 5" in query
    assert "25245360" not in cli(capsys, "export", "--db", vardb_url)[1]
    code, out, _ = cli(capsys, "withdraw", "--db", vardb_url, key_of("leaving"))
    assert code == 0 and "no such contributor" in out


def test_no_output_but_the_withdraw_acknowledgement_names_a_key(vardb_url, tmp_path, capsys):
    import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D]) for i in range(5)])
    outputs = [cli(capsys, *args, "--db", vardb_url) for args in
               (("query", G12D), ("query", "--json", G12D), ("export", "--format", "vcf"), ("export",), ("stats",))]  # fmt: skip
    outputs.append(cli(capsys, "import", "--db", vardb_url, *map(str, tmp_path.glob("*.json"))))
    text = "".join(out + err for _, out, err in outputs)
    assert not any(key_of(f"p{i}") in text for i in range(5))


# --- malicious and oversized input --------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    ["chr1:1:A:T'; DROP TABLE variants; --", "chr1:1:A:T' OR '1'='1", "chr1:0:A:T", "chr1;1:A:T", "x" * 5000],
)
def test_malicious_query_is_rejected_before_the_database(vardb_url, tmp_path, capsys, variant):
    import_all(vardb_url, tmp_path, [make(f"p{i}", [KRAS_G12D]) for i in range(5)])
    code, out, err = cli(capsys, "query", "--db", vardb_url, variant)
    assert code == 1 and out == ""
    assert "is not a variant: write CHROM:POS:REF:ALT" in err and len(err) < 400
    assert table_sizes(vardb_url)["variants"] == 1 and somatic_carriers(vardb_url) == "5"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"chrom": "chr1'; DROP TABLE variants; --"}, "does not match"),
        ({"gene": "KRAS" * 250_000}, "a value of 1000000 characters breaks the rule pattern"),  # a 1 MB field
        ({"hgvs_p": "p.(Gly12Asp) patient Ola Nordmann born 1970-01-01"}, "does not match"),
        ({"ref": "<script>"}, "does not match"),
        ({"pos": -1}, "less than the minimum"),
        ({"vaf": 0.3123}, "Additional properties are not allowed"),
        ({"origin": "relative"}, "is not one of"),
    ],
)
def test_malicious_contribution_is_rejected_with_a_clear_message(vardb_url, tmp_path, capsys, change, message):
    bad = make("p0", [{**KRAS_G12D, **change}])
    code, _, err = cli(capsys, "import", "--db", vardb_url, str(write(tmp_path, bad)))
    assert code == 1 and message in err and "not a valid presis variant-database contribution" in err
    assert len(err) < 2000  # an oversized field is not echoed back
    assert table_sizes(vardb_url)["contributors"] == 0


def test_oversized_or_broken_files_are_rejected_unread(tmp_path, capsys):
    huge = tmp_path / "huge.contribution.json"
    with open(huge, "w") as fh:
        fh.write('{"variants": [' + ",".join(["1"] * (contribution.MAX_BYTES // 2 + 1)) + "]}")
    code, _, err = cli(capsys, "import", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", str(huge))
    assert code == 1 and "rejected unread" in err
    nested = write(tmp_path, {}, "nested")
    nested.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = cli(capsys, "import", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", str(nested))
    assert code == 1 and "not JSON" in err
    too_many = make("p0", [{**KRAS_G12D, "pos": i + 1} for i in range(20_001)])
    code, _, err = cli(capsys, "import", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", str(write(tmp_path, too_many)))
    assert code == 1 and "a value of 20001 items breaks the rule maxItems 20000" in err


def test_withdraw_and_db_arguments_are_checked(tmp_path, capsys):
    code, _, err = cli(
        capsys, "withdraw", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "abc'; DELETE FROM contributors"
    )
    assert code == 1 and "64 lowercase hex digits" in err
    code, _, err = cli(capsys, "stats", "--db", "mysql://root:hunter2@localhost/x")
    assert code == 1 and "sqlite:///PATH" in err and "hunter2" not in err


# --- concurrency --------------------------------------------------------------------------


def _import_range(url: str, start: int, stop: int) -> None:
    engine = store.open_db(url)
    for index in range(start, stop):
        store.import_contribution(engine, synthetic(index, n_variants=60, n_regions=5, pool=200))
    engine.dispose()


def test_two_processes_importing_at_once_lose_nothing(vardb_url):
    spawn = multiprocessing.get_context("spawn")
    # Overlapping ranges: both import contributions 10-19 as well, which must not duplicate.
    workers = [spawn.Process(target=_import_range, args=(vardb_url, 0, 20)),
               spawn.Process(target=_import_range, args=(vardb_url, 10, 30))]  # fmt: skip
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    expected_observations = sum(len(synthetic(i, n_variants=60, n_regions=5, pool=200)["variants"]) for i in range(30))
    sizes = table_sizes(vardb_url)
    assert (sizes["contributors"], sizes["observations"], sizes["regions"]) == (30, expected_observations, 150)


# --- schema and migrations ----------------------------------------------------------------


def test_schema_is_created_and_versioned_once(vardb_url):
    for _ in range(2):
        engine = store.open_db(vardb_url)
        assert store.stats(engine)["schema_version"] == schema.CURRENT
        engine.dispose()
    engine = store.engine_for(vardb_url)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.schema_version)).scalar() == 1
    engine.dispose()


def test_a_newer_schema_is_refused(vardb_url):
    engine = store.open_db(vardb_url)
    with engine.begin() as connection:
        connection.execute(schema.schema_version.update().values(version=schema.CURRENT + 1))
    with store.writing(engine) as connection, pytest.raises(RuntimeError, match="upgrade presis"):
        schema.migrate(connection)
    engine.dispose()


# --- hospital side: bins, secret, key -----------------------------------------------------


@pytest.mark.parametrize("vaf, label", [(0.0, "<0.01"), (0.0099, "<0.01"), (0.01, "0.01-0.05"), (0.0499, "0.01-0.05"),
                                        (0.05, "0.05-0.35"), (0.3499, "0.05-0.35"), (0.35, ">=0.35"), (1.0, ">=0.35")])  # fmt: skip
def test_vaf_bins(vaf, label):
    assert vaf_bin(vaf) == label


def test_vaf_bin_refuses_what_is_no_fraction():
    for bad in (float("nan"), -0.1, 1.5, None):
        with pytest.raises(ValueError):
            vaf_bin(bad)


def test_secret_from_environment_wins_over_the_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("file-secret-0123456789\n")
    assert read_secret("PRESIS_VARDB_SECRET", str(secret_file), {}) == b"file-secret-0123456789"
    assert (
        read_secret("PRESIS_VARDB_SECRET", str(secret_file), {"PRESIS_VARDB_SECRET": "env-secret-0123456789"})
        == b"env-secret-0123456789"
    )


@pytest.mark.parametrize("environ, secret_file, message", [
    ({}, None, "no contributor secret is configured"),
    ({}, "/nonexistent/secret", "names no readable file"),
    ({"PRESIS_VARDB_SECRET": "short"}, None, "shorter than 16 characters"),
])  # fmt: skip
def test_missing_or_weak_secret_says_how_to_set_one(environ, secret_file, message):
    with pytest.raises(InputError) as caught:
        read_secret("PRESIS_VARDB_SECRET", secret_file, environ)
    text = str(caught.value)
    assert message in text and "export PRESIS_VARDB_SECRET=" in text and "secret_file" in text
    assert "short" not in text.replace("shorter", "")  # a weak secret is not echoed


def test_contributor_key_is_an_hmac_of_the_patient():
    key = contributor_key("P1", b"hospital-secret-0123")
    assert (
        len(key) == 64
        and key != contributor_key("P1", b"other-hospital-0123")
        and key != contributor_key("P2", b"hospital-secret-0123")
    )
    assert key == contributor_key("P1", b"hospital-secret-0123")


def test_query_without_carriers_still_counts_callable_contributors(vardb_url, tmp_path, capsys):
    import_all(vardb_url, tmp_path, [make(f"p{i}", [], regions=[KRAS_REGION]) for i in range(6)])
    half = {**KRAS_REGION, "callable_bases": 80}  # below 95 % of the region: not callable
    import_all(vardb_url, tmp_path, [make("shallow", [], regions=[half])])
    code, out, _ = cli(capsys, "query", "--db", vardb_url, G12D)
    assert code == 0 and "callable contributors: 6" in out and "somatic carriers: 0" in out
    result = json.loads(cli(capsys, "query", "--json", "--db", vardb_url, "chr12:1:C:T")[1])
    assert result["callable_contributors"] == "0"


def test_genomic_bins_find_every_region_over_a_position():
    import random

    from presis.vardb.genomic_bins import MAX_END, bins_over, region_bin

    rng = random.Random(6)
    for _ in range(20_000):
        start = rng.randrange(MAX_END - 1)
        end = min(MAX_END, start + rng.choice([1, 150, 600, 5_000, 300_000, 40_000_000]))
        assert region_bin(start, end) in bins_over(rng.randrange(start, end))
    with pytest.raises(ValueError):
        region_bin(10, 10)


def test_impossible_regions_are_rejected(tmp_path, capsys):
    bad = make("p0", [KRAS_G12D], regions=[{**KRAS_REGION, "callable_bases": 10_000}])
    code, _, err = cli(capsys, "import", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", str(write(tmp_path, bad)))
    assert code == 1 and "regions/0: chr12:25245248-25245409 with 10000 callable bases is impossible" in err


def test_a_demo_keyed_file_is_imported_only_when_allowed(vardb_url, tmp_path, capsys):
    from conftest import REPO

    from presis.vardb.secret import is_demo_secret

    assert is_demo_secret((REPO / "config" / "vardb" / "demo.secret").read_text().strip().encode())
    assert not is_demo_secret(b"hospital-secret-0123")
    path = write(tmp_path, {**make("p0", [KRAS_G12D]), "demo_key": True})
    code, _, err = cli(capsys, "import", "--db", vardb_url, str(path))
    assert code == 1 and "public demo secret" in err and table_sizes(vardb_url)["contributors"] == 0
    code, out, _ = cli(capsys, "import", "--allow-demo", "--db", vardb_url, str(path))
    assert code == 0 and "1 added" in out
