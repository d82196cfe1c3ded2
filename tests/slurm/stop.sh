#!/usr/bin/env bash
# Stops what tests/slurm/start.sh DIR started (by the pid files it wrote), and any job left.
set -uo pipefail
dir=$(realpath -m "$1")
export SLURM_CONF="$dir/slurm.conf"
[ -f "$SLURM_CONF" ] && scancel --user "$(id -un)" 2>/dev/null
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
done
# the default-path link, if it is ours
[ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$SLURM_CONF" ] && rm -f /etc/slurm/slurm.conf
exit 0
