"""The documentation stays short where it must and true to the tree: the README's size and Quick
start (which CI runs), the development map against the folders as they are, and every link."""

import re
import subprocess
import unicodedata
from pathlib import Path

from conftest import REPO

README = REPO / "README.md"
DEVELOPMENT = REPO / "docs" / "development.md"
PACKAGE = REPO / "workflow" / "scripts" / "presis"
QUICK_START = [
    "bash setup.sh && .venv/bin/snakemake --configfile config/config.yaml --cores 2",
    "bash setup.sh && .venv/bin/pytest -q",
]
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def markdown_pages() -> list[Path]:
    return [README, *sorted((REPO / "docs").glob("*.md"))]


def without_code(text: str) -> str:
    """Links inside fenced code blocks and inline code are examples, not links."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", page.read_text(encoding="utf-8")), re.M)
    return {slug(h) for h in headings}


def test_readme_is_at_most_15_kb():
    size = README.stat().st_size
    assert size <= 15 * 1024, f"README.md is {size} bytes; move detail into docs/ (limit 15 KB)"


def test_quick_start_holds_the_two_commands_and_ci_runs_the_second():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Quick start\n", 1)
    assert len(section) == 2, "README.md has no '## Quick start' heading"
    block = re.search(r"^```[^\n]*\n(.*?)^```", section[1], re.M | re.S)
    assert block, "the Quick start has no code block"
    assert block.group(1).splitlines() == QUICK_START
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert QUICK_START[1] in [line.strip() for line in ci if not line.lstrip().startswith("#")]


def development_map() -> str:
    """The "Map of the tree" section only: a folder named elsewhere on the page is not mapped."""
    text = DEVELOPMENT.read_text(encoding="utf-8")
    section = re.search(r"^## Map of the tree\n(.*?)(?=^## )", text, re.M | re.S)
    assert section, "docs/development.md has no '## Map of the tree' section"
    return section.group(1)


def test_development_map_names_every_top_level_folder():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    folders = {path.split("/", 1)[0] for path in files.splitlines() if "/" in path}
    folders |= {"docs"}  # this page's own folder, before it is committed
    text = development_map()
    missing = sorted(f for f in folders if f"`{f}/`" not in text)
    assert not missing, f"docs/development.md does not name these top-level folders: {missing}"


def test_development_map_names_every_subpackage():
    folders = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_dir() and not any(part.startswith((".", "__")) for part in path.relative_to(PACKAGE).parts)
    )
    assert len(folders) >= 5, folders
    text = development_map()
    missing = [f for f in folders if f"`presis/{f}/`" not in text]
    assert not missing, f"docs/development.md does not name these folders of presis/: {missing}"


def test_relative_links_point_to_existing_files_and_headings():
    broken = []
    for page in markdown_pages():
        for target in LINK.findall(without_code(page.read_text(encoding="utf-8"))):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if not resolved.exists():
                broken.append(f"{page.relative_to(REPO)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{page.relative_to(REPO)}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)
