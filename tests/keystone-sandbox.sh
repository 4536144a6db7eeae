#! /bin/sh
# keystone-sandbox.sh start|stop SWIFTDIR KSDIR
#
# OpenStack Keystone (Debian's "keystone" package) on 127.0.0.1 in front of
# the test Swift of tests/swift-sandbox.sh, which must already run in
# SWIFTDIR.  "start" sets up, in KSDIR only:
#
#   - Keystone with its own keystone.conf: an SQLite database, fernet and
#     credential keys and its log all in KSDIR; the public WSGI application
#     served by Python's wsgiref (no Apache, no uWSGI).  keystone-manage
#     bootstrap makes the admin user, the "admin" project, the region KR1
#     and the identity endpoints; then, through Keystone's own v3 API, the
#     "object-store" service and its public endpoint, the project "infra"
#     and the user "flowlog" (password "keystonepass", domain Default) with
#     the role "member" in it.
#   - A second Swift proxy server (KSDIR/proxy-server.conf, its own port,
#     SWIFTDIR's rings, backend servers and memcached) whose pipeline
#     authenticates with keystonemiddleware's authtoken and Swift's
#     keystoneauth ("member" and "admin" are operator roles), so the storage
#     URL of project P is http://127.0.0.1:PORT/v1/AUTH_P.  The TempAuth
#     proxy of swift-sandbox.sh is left as it is.
#
# "start" prints nothing and leaves in KSDIR/env the shell variables
# KEYSTONE_URL (.../v3), KEYSTONE_PORT, KEYSTONE_PROXY_PORT,
# KEYSTONE_PROJECT_ID (of "infra"), KEYSTONE_STORAGE_URL (the object-store
# endpoint of "infra"), KEYSTONE_REGION, KEYSTONE_USER, KEYSTONE_USER_ID,
# KEYSTONE_PASSWORD, KEYSTONE_PROJECT and KEYSTONE_ADMIN_PASSWORD (of user
# "admin" in project "admin", who has the role "admin").  Nothing outside
# KSDIR is written.  Every process is stopped by its PID (KSDIR/*.pid).
# About 6 s from nothing to ready on 2 cores (mostly Python importing
# Keystone, in 3 processes); Keystone and the proxy take ~280 MiB RSS.
#
# Exit status 77 (skip) when Keystone or keystonemiddleware is not
# installed.

set -e
cmd=$1
swiftdir=${2:?usage: $0 start|stop SWIFTDIR KSDIR}
dir=${3:?usage: $0 start|stop SWIFTDIR KSDIR}
PY=/usr/bin/python3             # Debian's, which has the OpenStack modules.

# (find_spec, not import: importing Keystone takes 1.5 s.)
if test ! -x $PY || ! command -v keystone-manage >/dev/null \
   || ! $PY -c '
import importlib.util, sys
sys.exit(not all(importlib.util.find_spec(m) for m in
                 ("keystone", "keystonemiddleware", "swift")))' 2>/dev/null
then
    echo "$0: Keystone or keystonemiddleware is not installed" >&2
    exit 77
fi

. "`dirname "$0"`/sandbox-lib.sh"

manage () {
    keystone-manage --config-file "$dir/keystone.conf" "$@" >>"$dir/keystone-manage.log" 2>&1
}

case $cmd in
start)
    . "$swiftdir/env"
    mkdir -p "$dir"
    ks_port=`free_port`
    proxy=`free_port`
    region=KR1
    admin_pass=adminpass
    ks_url=http://127.0.0.1:$ks_port

    cat > "$dir/keystone.conf" <<EOS
[DEFAULT]
log_file = $dir/keystone.log
use_stderr = false
[database]
connection = sqlite:///$dir/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = $dir/fernet-keys
[fernet_receipts]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[identity]
# bcrypt's fewest rounds: each password check would take 0.3 s otherwise.
password_hash_rounds = 4
EOS

    {
        proxy_conf $proxy "$swiftdir" $MEMCACHE_PORT swift-keystone \
                   "authtoken keystoneauth"
        cat <<EOS
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $ks_url/v3
auth_url = $ks_url/v3
auth_type = password
interface = public
region_name = $region
username = admin
password = $admin_pass
user_domain_id = default
project_name = admin
project_domain_id = default
delay_auth_decision = false
cache = swift.cache
include_service_catalog = false
[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
EOS
    } > "$dir/proxy-server.conf"

    # The proxy needs Keystone only once requests come.
    start_swift "$swiftdir" proxy

    # Keystone's public application in Python's wsgiref server (one
    # request at a time, which is all the tests need).  It imports Keystone
    # while the database is made, then waits for it.
    $PY - "$dir" $ks_port >>"$dir/keystone-wsgi.log" 2>&1 <<'PYEOF' &
import os, sys, time
import wsgiref.simple_server as wss
d, port = sys.argv[1], int(sys.argv[2])
sys.argv[1:] = []               # oslo.config parses the command line too.
from keystone.server.flask.core import initialize_application
for i in range(1200):
    if os.path.exists("%s/db-ready" % d):
        break
    time.sleep(0.05)
else:
    sys.exit("no database")
app = initialize_application("public",
                             config_files=["%s/keystone.conf" % d])
wss.make_server("127.0.0.1", port, app).serve_forever()
PYEOF
    echo $! > "$dir/keystone.pid"

    # Fernet keys for tokens and credentials, as "keystone-manage
    # fernet_setup" and "credential_setup" make them (32 random bytes in
    # URL-safe base64 per file, 0 the staged key, 1 the primary) without
    # their 3 s of Python start-up.
    $PY - "$dir" <<'PYEOF'
import base64, os, sys
for repo in ("fernet-keys", "credential-keys"):
    path = os.path.join(sys.argv[1], repo)
    os.mkdir(path, 0o700)
    for n in ("0", "1"):
        fd = os.open(os.path.join(path, n), os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, base64.urlsafe_b64encode(os.urandom(32)))
        os.close(fd)
PYEOF
    manage db_sync
    manage bootstrap --bootstrap-password $admin_pass \
        --bootstrap-username admin --bootstrap-project-name admin \
        --bootstrap-role-name admin --bootstrap-service-name keystone \
        --bootstrap-region-id $region \
        --bootstrap-admin-url $ks_url/v3 \
        --bootstrap-internal-url $ks_url/v3 \
        --bootstrap-public-url $ks_url/v3
    touch "$dir/db-ready"

    # Keystone's objects for the tests, through its v3 API.
    $PY - "$ks_url/v3" $admin_pass $region "http://127.0.0.1:$proxy" \
        > "$dir/env.tmp" 2>>"$dir/setup.log" <<'PYEOF'
import json, sys, time, urllib.error, urllib.request
url, admin_pass, region, proxy = sys.argv[1:5]

def call(method, path, body=None, token=None):
    req = urllib.request.Request(
        url + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"})
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=10) as r:
        data = r.read()
        return r.headers, json.loads(data) if data else None

def password_token(user, password, project):
    return call("POST", "/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password,
            "domain": {"id": "default"}}}},
        "scope": {"project": {"name": project,
                              "domain": {"id": "default"}}}}})

for i in range(300):
    try:
        h, _ = password_token("admin", admin_pass, "admin")
        break
    except (OSError, urllib.error.URLError):
        time.sleep(0.1)
else:
    sys.exit("Keystone did not answer")
tok = h["X-Subject-Token"]

_, r = call("POST", "/services", {"service": {
    "type": "object-store", "name": "swift"}}, tok)
call("POST", "/endpoints", {"endpoint": {
    "service_id": r["service"]["id"], "interface": "public",
    "region_id": region, "url": proxy + "/v1/AUTH_$(project_id)s"}}, tok)
_, r = call("POST", "/projects", {"project": {
    "name": "infra", "domain_id": "default"}}, tok)
project = r["project"]["id"]
_, r = call("POST", "/users", {"user": {
    "name": "flowlog", "password": "keystonepass",
    "domain_id": "default", "default_project_id": project}}, tok)
user = r["user"]["id"]
_, r = call("GET", "/roles?name=member", None, tok)
call("PUT", "/projects/%s/users/%s/roles/%s"
     % (project, user, r["roles"][0]["id"]), None, tok)

_, r = password_token("flowlog", "keystonepass", "infra")
storage = [e["url"] for s in r["token"]["catalog"]
           if s["type"] == "object-store" for e in s["endpoints"]
           if e["interface"] == "public"][0]
print("KEYSTONE_URL=%s" % url)
print("KEYSTONE_PORT=%s" % url.split(":")[2].split("/")[0])
print("KEYSTONE_PROXY_PORT=%s" % proxy.rsplit(":", 1)[1])
print("KEYSTONE_PROJECT_ID=%s" % project)
print("KEYSTONE_STORAGE_URL=%s" % storage)
print("KEYSTONE_REGION=%s" % region)
print("KEYSTONE_USER=flowlog")
print("KEYSTONE_PASSWORD=keystonepass")
print("KEYSTONE_PROJECT=infra")
print("KEYSTONE_USER_ID=%s" % user)
print("KEYSTONE_ADMIN_PASSWORD=%s" % admin_pass)
PYEOF
    mv "$dir/env.tmp" "$dir/env"

    # Ready when a token of "flowlog" opens its account through the proxy.
    . "$dir/env"
    for i in `seq 1 100`; do
        if $PY - "$KEYSTONE_URL" "$KEYSTONE_STORAGE_URL" <<'PYEOF' 2>/dev/null; then exit 0; fi
import json, sys, urllib.request
url, storage = sys.argv[1:3]
req = urllib.request.Request(url + "/auth/tokens", method="POST",
    headers={"Content-Type": "application/json"},
    data=json.dumps({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "flowlog", "password": "keystonepass",
            "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "infra",
                              "domain": {"id": "default"}}}}}).encode())
with urllib.request.urlopen(req, timeout=5) as r:
    token = r.headers["X-Subject-Token"]
# The account (autocreated) through authtoken and keystoneauth.
req = urllib.request.Request(storage, method="HEAD",
                             headers={"X-Auth-Token": token})
urllib.request.urlopen(req, timeout=5)
PYEOF
        sleep 0.1
    done
    echo "$0: the Keystone proxy in $dir did not become ready" >&2
    exit 1
    ;;
stop)
    for s in proxy keystone; do
        stop_pid $s
    done
    ;;
*)
    echo "$0: unknown command $cmd" >&2
    exit 1
    ;;
esac
