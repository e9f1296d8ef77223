#!/usr/bin/env bash
# A throwaway one-node Slurm cluster for tests (tests/cli/test_batch_slurm.py),
# from Debian's slurm-wlm and munge packages (scripts/install-deps.sh --dev).
#
#   scripts/slurm-one-node.sh start  STATE_DIR   # prints: export SLURM_CONF=STATE_DIR/slurm.conf
#   scripts/slurm-one-node.sh status STATE_DIR
#   scripts/slurm-one-node.sh stop   STATE_DIR
#
# Everything Slurm writes lives in STATE_DIR: slurm.conf, pid files, state,
# slurmd's spool and the logs (slurmctld.log, slurmd.log). The cluster is named
# emoscope-test, its node is this host (`hostname -s`, all its CPUs, 90 % of its
# memory) in a partition `debug`, and its two ports are the first free pair from
# 16817 up. Process tracking is proctrack/linuxproc and task/none: no cgroups.
# munged is the system's one (its default socket); when none answers, `start`
# runs one as the munge user and `stop` ends it again.
# Must run as root (slurmd starts jobs as their user). Exit status: 0 ok,
# 1 a daemon failed (the log tail is shown), 2 usage, 3 cannot run here
# (not root, packages missing).
set -uo pipefail

readonly EXIT_FAIL=1 EXIT_USAGE=2 EXIT_UNAVAILABLE=3
say() { echo "slurm-one-node: $*" >&2; }
die() { local code=$1; shift; say "$*"; exit "$code"; }

[ $# -eq 2 ] || die $EXIT_USAGE "usage: $0 start|stop|status STATE_DIR"
cmd=$1
[ "$cmd" = start ] && { mkdir -p "$2" || die $EXIT_USAGE "cannot create '$2'"; }
[ "$cmd" = stop ] && [ ! -d "$2" ] && exit 0  # nothing was started there
dir=$(cd "$2" 2> /dev/null && pwd) || die $EXIT_USAGE "no state dir '$2'"
conf=$dir/slurm.conf
node=$(hostname -s)
export SLURM_CONF=$conf

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null; }
dead() { [ -f "$1" ] && ! kill -0 "$(cat "$1")" 2> /dev/null; }  # a pid file, no process
munge_ok() { munge -n 2> /dev/null | unmunge > /dev/null 2>&1; }
node_state() { sinfo -h -N -n "$node" -o %T 2> /dev/null; }

stop_pids() {  # stop_pids PIDFILE...: TERM them all, wait up to 10 s, then KILL
  local f p left pids=()
  for f in "$@"; do alive "$f" && pids+=("$(cat "$f")"); rm -f "$f"; done
  [ ${#pids[@]} -eq 0 ] && return 0
  kill -TERM "${pids[@]}" 2> /dev/null
  for _ in $(seq 100); do
    left=0
    for p in "${pids[@]}"; do kill -0 "$p" 2> /dev/null && left=1; done
    [ $left -eq 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2> /dev/null
  return 0
}

stop_all() {
  if alive "$dir/slurmctld.pid"; then  # end the jobs first: their slurmstepd outlive slurmd
    scancel --partition=debug 2> /dev/null
    for _ in $(seq 50); do [ -z "$(squeue -h 2> /dev/null)" ] && break; sleep 0.2; done
  fi
  stop_pids "$dir/slurmd.pid" "$dir/slurmctld.pid"
  stop_pids "$dir/munged.pid"
}

fail() {  # fail MESSAGE LOG...: show the logs' last lines, stop what was started, exit 1
  local msg=$1 log; shift
  for log in "$@"; do
    if [ -s "$log" ]; then say "last lines of $log:"; tail -n 20 "$log" >&2; else say "(nothing in $log)"; fi
  done
  stop_all
  die $EXIT_FAIL "$msg"
}

free_port_pair() {  # the first P >= 16817 with P and P+1 unused (listening or connected)
  local used p
  used=$(ss -Htan | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u)
  for ((p = 16817; p < 17817; p += 2)); do
    grep -qx "$p" <<< "$used" || grep -qx "$((p + 1))" <<< "$used" || { echo "$p"; return; }
  done
  return 1
}

start_munge() {
  munge_ok && return 0
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile /etc/munge/munge.key > /dev/null \
    || die $EXIT_FAIL "cannot create /etc/munge/munge.key"
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- munged || fail "munged failed to start" /var/log/munge/munged.log
  cp /run/munge/munged.pid "$dir/munged.pid"  # ours: `stop` ends it
  for _ in $(seq 50); do munge_ok && return 0; sleep 0.2; done
  fail "munged started but does not answer" /var/log/munge/munged.log
}

write_conf() {
  local port mem_kb
  port=$(free_port_pair) || die $EXIT_FAIL "no free port pair in 16817-17816"
  mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  mkdir -p "$dir/state" "$dir/spool"
  cat > "$conf" <<EOF
# Written by scripts/slurm-one-node.sh: a throwaway one-node cluster.
ClusterName=emoscope-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$((mem_kb * 9 / 10 / 1024)) State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

case "$cmd" in
  start)
    [ "$(id -u)" -eq 0 ] || die $EXIT_UNAVAILABLE "must run as root (slurmd starts jobs as their user)"
    missing=()
    for c in slurmctld slurmd sinfo sbatch scancel munged munge unmunge mungekey runuser ss; do
      command -v "$c" > /dev/null || missing+=("$c")
    done
    [ ${#missing[@]} -eq 0 ] \
      || die $EXIT_UNAVAILABLE "missing ${missing[*]}: install slurm-wlm and munge (scripts/install-deps.sh --dev)"
    if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then
      say "already running in $dir"; echo "export SLURM_CONF=$conf"; exit 0
    fi
    start_munge
    write_conf
    # -c: a throwaway cluster starts with no jobs, whatever an earlier run left in STATE_DIR
    slurmctld -c -f "$conf" || fail "slurmctld failed to start" "$dir/slurmctld.log"
    slurmd -f "$conf" || fail "slurmd failed to start" "$dir/slurmd.log"
    for _ in $(seq 120); do
      [ "$(node_state)" = idle ] && { echo "export SLURM_CONF=$conf"; exit 0; }
      dead "$dir/slurmctld.pid" && fail "slurmctld exited" "$dir/slurmctld.log"
      dead "$dir/slurmd.pid" && fail "slurmd exited" "$dir/slurmd.log"
      sleep 0.5
    done
    fail "node $node not idle after 60 s (state: '$(node_state)')" "$dir/slurmctld.log" "$dir/slurmd.log"
    ;;
  stop)
    stop_all
    ;;
  status)
    if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then sinfo; squeue; exit 0; fi
    say "not running in $dir"; exit $EXIT_FAIL
    ;;
  *) die $EXIT_USAGE "usage: $0 start|stop|status STATE_DIR" ;;
esac
