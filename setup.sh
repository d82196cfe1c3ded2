#!/usr/bin/env bash
# Set up presis on Debian 12 / Ubuntu: the bioinformatics tools from Debian's packages and a
# pinned Python environment in .venv/. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

# chromium: tests/test_report_browser.py renders the report; postgresql: the tests start a throwaway
# cluster to run the variant-database tests on it too; SLURM: the test cluster of tests/slurm/.
packages=(bwa samtools bcftools tabix fastp mosdepth freebayes rna-star libhts-dev gzip git python3-venv chromium postgresql
          slurmctld slurmd slurm-client munge)
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Python built outside Debian (pyenv, CI images) brings its own venv module.
if [[ " ${missing[*]} " == *" python3-venv "* ]] && python3 -c "import ensurepip, venv" 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
fi

stamp=.venv/.presis-installed
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing the Python environment into .venv/"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # (some machines' pip configs name local mirrors that do not exist: drop that noise)
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e . 2> >(grep -v "is ignored: it is neither" >&2)
  touch "$stamp"
fi
echo "setup: ready ($(.venv/bin/snakemake --version | sed 's/^/snakemake /'), $(bcftools --version | head -1))"
