# Shortcuts; README's Quick start shows the underlying commands.
CORES ?= 2
.PHONY: setup demo test lint bench bench-calling bench-realreads
setup:
	bash setup.sh
demo: setup
	.venv/bin/snakemake --configfile config/config.yaml --cores $(CORES)
test: setup
	.venv/bin/pytest -q
lint: setup
	.venv/bin/snakemake --lint --configfile config/config.yaml
bench: setup
	.venv/bin/python tests/benchmarks/bench_overhead.py
bench-calling: setup
	.venv/bin/python tests/benchmarks/bench_calling.py
bench-realreads: setup
	.venv/bin/python tests/benchmarks/bench_realreads.py
