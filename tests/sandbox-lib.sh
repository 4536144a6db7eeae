# Shell functions of tests/swift-sandbox.sh and tests/keystone-sandbox.sh
# (sourced, not run).  They expect $PY (Debian's python3, which has the
# OpenStack modules) and $dir (the sandbox directory: configuration files,
# logs, NAME.pid).

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port () {
    $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_swift SWIFTDIR NAME: runs Swift's NAME-server with $dir/NAME-server.conf
# and SWIFTDIR's swift.conf (pointed at before Swift's WSGI code loads, so
# /etc/swift is never read), in the background; its PID goes to
# $dir/NAME.pid.  Python modules in $dir (a test's WSGI filters) can be
# named in the configuration.
start_swift () {
    $PY - "$1" "$dir" "$2" >>"$dir/$2.log" 2>&1 <<'PYEOF' &
import sys
swiftdir, d, name = sys.argv[1:4]
sys.path.insert(0, d)
from swift.common.utils import set_swift_dir
set_swift_dir(swiftdir)
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi("%s/%s-server.conf" % (d, name), "%s-server" % name,
                  verbose=True))
PYEOF
    echo $! > "$dir/$2.pid"
}

# stop_pid NAME: stops the process of $dir/NAME.pid and the workers it
# forked, with TERM, then KILL after 5 s.  Swift's servers fork workers and
# take them down on TERM, once resumed if swift-sandbox.sh's pause-objects
# stopped them; a worker may outlive its parent for a moment and still
# accept on the listening socket, so it is waited for too: otherwise a
# server started again on the same port may find the old one answering.
stop_pid () {
    if test -f "$dir/$1.pid"; then
        pid=`cat "$dir/$1.pid"`
        rm -f "$dir/$1.pid"
        pids="$pid `pgrep -P $pid 2>/dev/null || true`"
        for p in $pids; do kill -CONT $p 2>/dev/null || true; done
        kill -TERM $pid 2>/dev/null || true
        for i in `seq 1 50`; do
            alive=
            for p in $pids; do
                if kill -0 $p 2>/dev/null &&
                   test "`ps -o stat= -p $p 2>/dev/null | cut -c1`" != Z; then
                    alive="$alive $p"
                fi
            done
            test -n "$alive" || return 0
            sleep 0.1
        done
        for p in $alive; do kill -KILL $p 2>/dev/null || true; done
    fi
}

# proxy_conf PORT SWIFTDIR MEMCACHE-PORT LOG-NAME AUTH-FILTERS: a Swift
# proxy-server.conf whose pipeline has AUTH-FILTERS between the cache and
# copy/slo/dlo (s3api must come before its auth filter, slo after it for
# multipart), with every section but those of AUTH-FILTERS, which the
# caller appends.
proxy_conf () {
    cat <<EOS
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 1
user = `id -un`
swift_dir = $2
log_facility = LOG_LOCAL0
log_level = WARNING
log_name = $4
[pipeline:main]
pipeline = catch_errors gatekeeper proxy-logging cache $5 copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$3
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
EOS
}
