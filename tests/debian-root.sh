# Debian 12 roots for the tests that need a whole Debian system: sourced by
# tests/package-test (the Debian packages) and tests/vm/run-vm (the kernel
# datapath in a VM).  Bash.
#
# The caller sets:
#   SUITE    the Debian suite (bookworm)
#   CACHE    where roots are cached (/var/cache/ovs-flowlog-test)
#   LOGS     a directory for the logs of debootstrap
#   MIRROR, SECURITY_MIRROR   from find_mirrors
#   BASE_NAME                 from base_root_name
# and defines log (one line of progress).  Mounts made with mount_at are
# recorded in the array "mounts"; the caller unmounts them (in reverse
# order) when it is done or interrupted.

# key STRING...: a short hash of the strings, for cache names.
key() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }

# base_root_name: the name of the cached minbase root, by suite,
# architecture, week and mirrors (a new week debootstraps afresh, so that
# the roots do not age far behind the archive).
base_root_name() {
    echo "base-$SUITE-$(dpkg --print-architecture)-$(date +%G-W%V)-$(key "$MIRROR" "$SECURITY_MIRROR" minbase)"
}

# in_root ROOT COMMAND...: runs COMMAND in ROOT with a clean environment.
# In the background, so that a signal's trap runs at once (bash runs
# traps only between foreground commands) and stops what runs in ROOT.
in_root() {
    local root=$1
    shift
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive chroot "$root" "$@" &
    wait $!
}
apt_root() {
    local root=$1
    shift
    in_root "$root" apt-get -q -y -o APT::Sandbox::User=root "$@"
}

# Mounts, undone in reverse order by cleanup.
mounts=()
mount_at() {                    # mount_at TARGET MOUNT-ARGS...
    local target=$1
    shift
    mkdir -p "$target" && mount "$@" "$target" && mounts+=("$target")
}
# The API file systems a root needs, and the shared package cache.
mount_root() {
    local root=$1
    mount_at "$root/proc" -t proc proc &&
    mount_at "$root/dev" --bind /dev &&
    mount_at "$root/dev/shm" -t tmpfs -o mode=1777 tmpfs &&
    mount_at "$root/run" -t tmpfs -o mode=0755 tmpfs &&
    mkdir -p "$CACHE/archives/partial" &&
    mount_at "$root/var/cache/apt/archives" --bind "$CACHE/archives"
}

# Processes whose root directory is ROOT: only this test starts those.
root_pids() {
    local root=$1 p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
    done
}
kill_root_processes() {
    local root=$1 pids i
    pids=$(root_pids "$root")
    [ -n "$pids" ] || return 0
    log "stopping processes in $root: $(echo $pids)"
    kill $pids 2>/dev/null
    for i in $(seq 50); do
        pids=$(root_pids "$root")
        [ -n "$pids" ] || return 0
        sleep 0.1
    done
    kill -KILL $pids 2>/dev/null
    sleep 0.5
}



# The Debian mirror and security mirror apt uses here, from
# /etc/apt/sources.list{,.d/*} (one-line or deb822 format): "MIRROR
# SECURITY-MIRROR" (the second may be empty).
find_mirrors() {
    python3 - "$SUITE" <<'EOF'
import glob, re, sys
suite = sys.argv[1]
main = security = ""
def see(types, uris, suites):
    global main, security
    if "deb" not in types:
        return
    for uri in uris:
        uri = uri.rstrip("/")
        if not uri.startswith(("http://", "https://")):
            continue
        if suite + "-security" in suites and not security:
            security = uri
        elif suite in suites and not main:
            main = uri
files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
for f in files:
    try:
        lines = open(f).read().splitlines()
    except OSError:
        continue
    for line in lines:
        line = re.sub(r"\[[^]]*\]", "", line.split("#")[0]).split()
        if len(line) >= 3:
            see([line[0]], [line[1]], [line[2]])
for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(f).read()):
        fields = {}
        for line in stanza.splitlines():
            m = re.match(r"([A-Za-z-]+):\s*(.*)", line)
            if m:
                fields[m.group(1).lower()] = m.group(2).split()
        if fields.get("enabled", ["yes"])[0] == "no":
            continue
        see(fields.get("types", []), fields.get("uris", []), fields.get("suites", []))
print(main, security)
EOF
}

# Is URL reachable?  (Python, as there may be no curl or wget.)
reachable() {
    python3 -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=20).read(1)' "$1" 2>/dev/null
}

# make_root DIR TARBALL-NAME SETUP: DIR from the cached tarball
# $CACHE/TARBALL-NAME.tar, or else from the base root plus the function
# SETUP (run with DIR mounted), then cached.  Older tarballs of the same
# kind are removed.
make_root() {
    local dir=$1 name=$2 setup=$3 tarball=$CACHE/$2.tar
    mkdir -p "$CACHE"
    if [ -f "$tarball" ]; then
        log "$dir from the cached $tarball"
        mkdir "$dir" && tar -C "$dir" --numeric-owner -xpf "$tarball"
        return
    fi
    log "$dir: creating it (then cached as $tarball)"
    if [ "$setup" = debootstrap ]; then
        debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR" \
            > "$LOGS/debootstrap.log" 2>&1 &
        wait $! || {
            log "debootstrap failed: see $LOGS/debootstrap.log" >&2
            tail -n 20 "$LOGS/debootstrap.log" >&2
            return 1
        }
        {
            echo "deb $MIRROR $SUITE main"
            echo "deb $MIRROR $SUITE-updates main"
            [ -z "$SECURITY_MIRROR" ] ||
                echo "deb $SECURITY_MIRROR $SUITE-security main"
        } > "$dir/etc/apt/sources.list"
        apt_root "$dir" clean
    else
        make_root "$dir" "$BASE_NAME" debootstrap &&
        mount_root "$dir" && "$setup" "$dir" || return 1
        cleanup_mounts_of "$dir"
        apt_root "$dir" clean
    fi
    rm -f "$CACHE/${name%%-*}"-*.tar
    tar -C "$dir" --numeric-owner -cf "$tarball.$$" . && mv "$tarball.$$" "$tarball"
}
# Unmounts what mount_root mounted below DIR (before caching it).
cleanup_mounts_of() {
    local dir=$1 i keep=()
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        case ${mounts[i]} in
            "$dir"/*) umount "${mounts[i]}" ;;
            *) keep=("${mounts[i]}" "${keep[@]}") ;;
        esac
    done
    mounts=("${keep[@]}")
}


# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}
