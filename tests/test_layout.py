"""The package's shape (issue 12): stages as subpackages, a small top level, dev-only code apart."""

import subprocess
import sys

from conftest import REPO

PACKAGE = REPO / "workflow" / "scripts" / "presis"


def runtime_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "devtools" in parts:
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_package_is_grouped_by_stage_with_a_small_top_level():
    subpackages = [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]
    top_modules = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert len(subpackages) >= 5, subpackages
    assert len(top_modules) <= 12, top_modules


def test_no_runtime_module_loads_the_dev_tools():
    """Importing every runtime module (in a fresh interpreter) must not import presis.devtools:
    the simulator reads whole genomes into memory and has no place in a clinical run."""
    modules = runtime_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('presis.devtools')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", f"runtime imports of dev-only code: {proc.stdout}"
    assert len(modules) > 40
