#! /bin/sh
# swift-sandbox.sh start|stop|stop-proxy|start-proxy|pause-objects|resume-objects DIR
#
# A single-node OpenStack Swift (Debian's packages) on 127.0.0.1 for the
# exporter's object-storage tests: rings with one device on a directory and
# one replica, TempAuth (user test:tester, key testing) and s3api in one
# proxy, a private memcached for TempAuth's tokens.  Nothing outside DIR is
# written: the servers are started through a launcher that points Swift at
# DIR's swift.conf before its WSGI code loads.
#
# The proxy's pipeline has tests/swift-faults.py (installed in DIR as
# swift_faults.py) in front of s3api: a fault injector that does nothing
# until a test writes rules to DIR/faults (see the comment at its top).
#
# "start" prints nothing and leaves in DIR/env the shell variables
# SWIFT_PORT (the proxy, both APIs), SWIFT_AUTH_URL and SWIFT_STORAGE_URL.
# Every process is stopped by its PID (DIR/*.pid).
#
# Exit status 77 (skip) when Swift is not installed.

set -e
cmd=$1
dir=${2:?usage: $0 start|stop DIR}
PY=/usr/bin/python3             # Debian's, which has the swift modules.

if test ! -x $PY || ! $PY -c 'import swift.proxy.server, swift.common.middleware.s3api' 2>/dev/null \
   || ! command -v memcached >/dev/null || ! command -v swift-ring-builder >/dev/null; then
    echo "$0: OpenStack Swift or memcached is not installed" >&2
    exit 77
fi

. "`dirname "$0"`/sandbox-lib.sh"

# wait_proxy: until every server answers, for at most 120 s (a loaded CI
# machine starts Python servers slowly).
wait_proxy () {
    . "$dir/env"
    deadline=$((`date +%s` + 120))
    while test `date +%s` -lt $deadline; do
        if $PY - "$SWIFT_AUTH_URL" "$SWIFT_BACKEND_PORTS" <<'PYEOF' 2>/dev/null; then return 0; fi
import socket, sys, urllib.request
# Every backend server listens, not only the proxy.
for port in sys.argv[2].split():
    socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
req = urllib.request.Request(sys.argv[1], headers={
    "X-Auth-User": "test:tester", "X-Auth-Key": "testing"})
with urllib.request.urlopen(req, timeout=2) as r:
    token = r.headers["X-Auth-Token"]
    url = r.headers["X-Storage-Url"]
# The account server must answer too (account_autocreate).
req = urllib.request.Request(url, method="HEAD",
                             headers={"X-Auth-Token": token})
urllib.request.urlopen(req, timeout=2)
PYEOF
        sleep 0.1
    done
    echo "$0: Swift in $dir did not become ready" >&2
    return 1
}

case $cmd in
start)
    mkdir -p "$dir/srv/d1" "$dir/run"
    proxy=`free_port`; account=`free_port`; container=`free_port`
    object=`free_port`; memcache=`free_port`
    cat > "$dir/env" <<EOS
SWIFT_PORT=$proxy
SWIFT_AUTH_URL=http://127.0.0.1:$proxy/auth/v1.0
SWIFT_STORAGE_URL=http://127.0.0.1:$proxy/v1/AUTH_test
MEMCACHE_PORT=$memcache
SWIFT_BACKEND_PORTS="$account $container $object"
EOS
    cat > "$dir/swift.conf" <<EOS
[swift-hash]
swift_hash_path_suffix = flowlog-test
swift_hash_path_prefix = flowlog-test
[storage-policy:0]
name = Policy-0
default = yes
EOS
    common="[DEFAULT]
bind_ip = 127.0.0.1
workers = 1
user = `id -un`
swift_dir = $dir
devices = $dir/srv
mount_check = false
disable_fallocate = true
log_facility = LOG_LOCAL0
log_level = WARNING
log_name = swift
"
    for s in account container object; do
        eval port=\$$s
        cat > "$dir/$s-server.conf" <<EOS
$common
bind_port = $port
[pipeline:main]
pipeline = $s-server
[app:$s-server]
use = egg:swift#$s
[$s-replicator]
[$s-auditor]
[$s-updater]
EOS
    done
    cp "`dirname "$0"`/swift-faults.py" "$dir/swift_faults.py"
    {
        proxy_conf $proxy "$dir" $memcache swift "faults s3api tempauth"
        cat <<EOS
[filter:faults]
paste.filter_factory = swift_faults:filter_factory
faults_dir = $dir
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# Virtual-host addressing: BUCKET.localhost:PORT.
storage_domain = localhost
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
EOS
    } > "$dir/proxy-server.conf"
    # Rings: one device, one replica; the three in parallel (each
    # swift-ring-builder call is mostly Python's start-up).
    for s in account container object; do
        eval port=\$$s
        (cd "$dir" && swift-ring-builder $s.builder create 10 1 1 >/dev/null &&
         swift-ring-builder $s.builder add r1z1-127.0.0.1:$port/d1 1 >/dev/null &&
         swift-ring-builder $s.builder rebalance >/dev/null) &
    done
    wait
    memcached -l 127.0.0.1 -p $memcache -U 0 -m 16 -u `id -un` >"$dir/memcached.log" 2>&1 &
    echo $! > "$dir/memcached.pid"
    for s in account container object proxy; do
        start_swift "$dir" $s
    done
    wait_proxy
    ;;
stop)
    for s in proxy object container account memcached; do
        stop_pid $s
    done
    ;;
stop-proxy)
    stop_pid proxy
    ;;
start-proxy)
    start_swift "$dir" proxy
    wait_proxy
    ;;
pause-objects|resume-objects)
    # SIGSTOP or SIGCONT the object server and its workers: uploads hang
    # (the proxy waits for the object server) until it resumes.
    test $cmd = pause-objects && sig=STOP || sig=CONT
    pid=`cat "$dir/object.pid"`
    pkill -$sig -P $pid
    kill -$sig $pid
    ;;
*)
    echo "$0: unknown command $cmd" >&2
    exit 1
    ;;
esac
