#! /usr/bin/python3
# rate-limit-proxy.py PORT-FILE TARGET-PORT RATE [PAUSE-FILE]
#
# A slow link for the exporter's tests (the test machines' kernels have no
# netem): a TCP proxy on 127.0.0.1 that forwards each connection to
# 127.0.0.1:TARGET-PORT at no more than RATE bytes per second in each
# direction, and forwards nothing at all while PAUSE-FILE exists (a
# stalled link).  It writes the port it listens on to PORT-FILE and runs
# until it is killed.
#
# Its sockets have small buffers, as a slow link has: the sender's kernel
# cannot absorb megabytes at loopback speed and so hide the rate from it.

import os
import socket
import sys
import threading
import time

BUFFER = 64 * 1024
CHUNK = 4096


def pump(src, dst, rate, pause_file):
    """Copies from 'src' to 'dst' at 'rate' bytes per second at most, then
    shuts down 'dst' for writing (or closes both on error)."""
    start = time.monotonic()
    sent = 0
    try:
        while True:
            while pause_file and os.path.exists(pause_file):
                time.sleep(0.1)
                # The pause does not count as time earned for later.
                start = time.monotonic() - sent / rate
            data = src.recv(CHUNK)
            if not data:
                break
            dst.sendall(data)
            sent += len(data)
            ahead = sent / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, target_port, rate, pause_file):
    client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)
    upstream = socket.socket()
    upstream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    upstream.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)
    try:
        upstream.connect(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    threads = [threading.Thread(target=pump, daemon=True,
                                args=(a, b, rate, pause_file))
               for a, b in ((client, upstream), (upstream, client))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    upstream.close()


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write("usage: %s PORT-FILE TARGET-PORT RATE [PAUSE-FILE]\n"
                         % sys.argv[0])
        sys.exit(2)
    port_file, target_port, rate = sys.argv[1], int(sys.argv[2]), \
        float(sys.argv[3])
    pause_file = sys.argv[4] if len(sys.argv) == 5 else None

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit it: the window the sender sees stays small.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)

    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, daemon=True,
                         args=(client, target_port, rate, pause_file)).start()


if __name__ == "__main__":
    main()
