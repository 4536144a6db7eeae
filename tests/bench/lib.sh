# Shared helpers of the benchmarks in tests/bench (sourced, not run).
#
# Every benchmark runs the OVS programs of the built, patched OVS copy
# (BUILD/ovs, BUILD defaults to _build at the top of the source tree) in a
# private sandbox directory, never the host's.  Whatever a benchmark starts
# (daemons, network namespaces, veth pairs) is recorded here and removed by
# bench_cleanup, which runs on exit: processes are stopped by the PIDs we
# recorded, namespaces by the names we created.

bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_top=$(cd "$bench_here/../.." && pwd)
BUILD=$(cd "${BUILD:-$bench_top/_build}" && pwd)
OVS_BUILD=$BUILD/ovs
export PATH=$OVS_BUILD/utilities:$OVS_BUILD/ovsdb:$OVS_BUILD/vswitchd:$PATH

bench_pids=()          # Processes we started, stopped on exit.
bench_netns=()         # Namespaces we created, deleted on exit.

bench_log () { printf '%s\n' "$*" >&2; }
bench_die () { bench_log "error: $*"; exit 1; }

bench_require_root () {
    [ "$(id -u)" = 0 ] || bench_die "run as root (network namespaces, veth)"
}

# bench_sandbox NAME: a fresh sandbox directory for OVS's run, log, db and
# configuration files.
bench_sandbox () {
    for p in ovs-vswitchd ovsdb-server ovsdb-tool ovs-vsctl ovs-appctl ovs-ofctl; do
        case $(command -v $p) in
            "$OVS_BUILD"/*) ;;
            *) bench_die "$p is not from $OVS_BUILD: build the tree first" ;;
        esac
    done
    SANDBOX=$(mktemp -d "${TMPDIR:-/tmp}/flowlog-bench-$1.XXXXXX")
    export OVS_RUNDIR=$SANDBOX OVS_LOGDIR=$SANDBOX OVS_DBDIR=$SANDBOX \
           OVS_SYSCONFDIR=$SANDBOX OVS_PKGDATADIR=$OVS_BUILD
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup () {
    set +e                    # Clean up everything, whatever fails.
    local pid ns i
    for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
        pid=${bench_pids[i]}
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        fi
    done
    bench_pids=()
    for ns in "${bench_netns[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    bench_netns=()
    if [ -n "${SANDBOX:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then
        rm -rf "$SANDBOX"
    fi
}

# ovs_db_start: creates conf.db and starts ovsdb-server.
ovs_db_start () {
    ovsdb-tool create "$SANDBOX/conf.db" "$OVS_BUILD/vswitchd/vswitch.ovsschema"
    "$OVS_BUILD/ovsdb/ovsdb-server" --detach --no-chdir --pidfile --log-file -vconsole:off \
        --remote=punix:"$SANDBOX/db.sock" "$SANDBOX/conf.db" \
        2>/dev/null || bench_die "ovsdb-server did not start"
    bench_pids+=("$(cat "$SANDBOX/ovsdb-server.pid")")
    ovs-vsctl --no-wait init
}

# ovs_switch_start [NETNS] [ARGS...]: starts ovs-vswitchd (no kernel
# datapath ever), inside network namespace NETNS if it is not "-".
ovs_switch_start () {
    local ns=${1:--}
    shift || true
    local pre=()
    [ "$ns" != - ] && pre=(ip netns exec "$ns")
    rm -f "$SANDBOX/ovs-vswitchd.pid"
    "${pre[@]}" "$OVS_BUILD/vswitchd/ovs-vswitchd" --detach --no-chdir --pidfile --log-file \
        -vconsole:off --disable-system "$@" \
        2>/dev/null || bench_die "ovs-vswitchd did not start"
    OVS_SWITCH_PID=$(cat "$SANDBOX/ovs-vswitchd.pid")
    bench_pids+=("$OVS_SWITCH_PID")
    local exe
    exe=$(readlink "/proc/$OVS_SWITCH_PID/exe")
    [ "$exe" = "$(readlink -f "$OVS_BUILD/vswitchd/ovs-vswitchd")" ] \
        || bench_die "running ovs-vswitchd is $exe, not the built one (a rebuild in progress?)"
    # A change without --no-wait returns once ovs-vswitchd applied the
    # whole configuration.
    ovs-vsctl --timeout=60 set Open_vSwitch . \
        external_ids:bench-start="$OVS_SWITCH_PID" >/dev/null \
        || bench_die "ovs-vswitchd did not apply its configuration"
}

# ovs_switch_stop: graceful exit of the switch started last.
ovs_switch_stop () {
    local pid=${OVS_SWITCH_PID:-}
    [ -n "$pid" ] || return 0
    ovs-appctl -t "$SANDBOX/ovs-vswitchd.$pid.ctl" exit >/dev/null 2>&1 || kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    OVS_SWITCH_PID=
}

# bench_netns_add NAME: a new network namespace (deleted on exit); fails if
# it exists (we only ever delete what we made).
bench_netns_add () {
    ip netns add "$1" || bench_die "cannot create network namespace $1"
    bench_netns+=("$1")
    ip -n "$1" link set lo up
}

# bench_start_bg PIDVAR CMD...: runs CMD in the background and records its
# PID for cleanup.
bench_start_bg () {
    local var=$1
    shift
    "$@" &
    local pid=$!
    bench_pids+=("$pid")
    printf -v "$var" '%s' "$pid"
}

# median of the numbers on stdin.
bench_median () {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Total CPU time of process PID, all threads, in nanoseconds.
bench_cpu_ns () {
    # %.0f: mawk's %d stops at 2^31 - 1 (2.1 s).
    awk '{ s += $1 } END { printf "%.0f\n", s }' /proc/"$1"/task/*/schedstat 2>/dev/null
}

# RSS of PID in kB.
bench_rss_kb () {
    awk '/^VmRSS:/ { print $2 }' /proc/"$1"/status
}
