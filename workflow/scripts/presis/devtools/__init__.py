"""Used by tests and benchmarks only (read simulator, benchmark runner, scorer). No runtime module imports it."""
