#!/usr/bin/env bash
# A throw-away single-node SLURM on this machine, for the SLURM test and for trying the
# profile by hand: its own munged (own key and socket), slurmctld and slurmd for
# localhost, all state under one folder, no slurmdbd/MariaDB (the executor plugin queries
# job states with squeue when MinJobAge is long enough; see docs/usage.md "Running on SLURM").
#   usage: tests/slurm/start.sh DIR [PORT_BASE]   then: export SLURM_CONF=DIR/slurm.conf
# Needs Debian's slurmctld slurmd slurm-client munge (setup.sh installs them) and root
# (the daemons run as root; so do the jobs). tests/slurm/stop.sh DIR stops it.
set -euo pipefail
dir=$(realpath -m "$1"); port=${2:-16817}
mkdir -p "$dir"/{munge,state,spool,log}
chmod 700 "$dir/munge"
node=$(hostname -s)
cpus=$(nproc)
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))

# munge: a fresh key and a private socket, so it never meets a system munged.
[ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" 2>/dev/null \
  || dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"

cat > "$dir/slurm.conf" <<CONF
ClusterName=presis-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# no cgroups in containers: plain process tracking, no task binding, no accounting daemon
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# finished jobs stay visible to squeue for 10 minutes: what the plugin needs without sacct
MinJobAge=600
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=main Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
# The plugin's job step runs srun with SLURM_* variables removed (SLURM_CONF too), so
# srun inside a job finds the configuration only at the default path: link it there,
# unless that path holds a real cluster's configuration.
default_conf=/etc/slurm/slurm.conf
if [ -e "$default_conf" ] && ! { [ -L "$default_conf" ] && grep -q '^ClusterName=presis-test' "$default_conf" 2>/dev/null; }; then
  echo "slurm: $default_conf exists and is not a presis test configuration; not touching it" >&2
  exit 3
fi
mkdir -p /etc/slurm && ln -sfn "$SLURM_CONF" "$default_conf"
slurmctld -c -f "$SLURM_CONF"   # -c: ignore any saved state
slurmd -f "$SLURM_CONF"

# ready when the node is idle
for _ in $(seq 60); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && { echo "slurm: ready ($SLURM_CONF)"; exit 0; }
  sleep 1
done
echo "slurm: node not idle after 60 s (state '${state:-none}'); logs in $dir/log" >&2
exit 1
