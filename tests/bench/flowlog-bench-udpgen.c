/*
 * Copyright (c) 2026 The ovs-flowlog authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* Sends short UDP flows, one 60-byte frame per distinct 5-tuple, out of an
 * interface with an AF_PACKET socket and sendmmsg(), for a bounded time and
 * a bounded count.  Run it inside a network namespace of the benchmark.
 *
 *   flowlog-bench-udpgen IFACE SRC-MAC DST-MAC SRC-IP DST-IP SECONDS
 *                        MAX-PACKETS FIRST-INDEX [RATE [TUPLES]]
 *
 * Packet i (from FIRST-INDEX) has source port 1024 + i % 60000, destination
 * port 5000 + (i / 60000) % 100 and source address SRC-IP + i / 6000000, so
 * up to 6 million consecutive indexes are distinct 5-tuples.  RATE, if
 * given and not 0, paces the frames to RATE per second (otherwise as fast
 * as the socket takes them); TUPLES, if given and not 0, cycles over the
 * TUPLES 5-tuples from FIRST-INDEX instead of making every frame a new
 * one.  Prints the number of frames sent and the seconds it took. */

#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME 60

static void
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned int m[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
               &m[5]) != 6) {
        fprintf(stderr, "bad MAC %s\n", s);
        exit(2);
    }
    for (int i = 0; i < 6; i++) {
        mac[i] = m[i];
    }
}

static uint16_t
ip_csum(const void *p, size_t len)
{
    const uint16_t *w = p;
    uint32_t s = 0;
    for (size_t i = 0; i < len / 2; i++) {
        s += w[i];
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return ~s;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
    if (argc < 9 || argc > 11) {
        fprintf(stderr, "usage: %s IFACE SRC-MAC DST-MAC SRC-IP DST-IP "
                "SECONDS MAX-PACKETS FIRST-INDEX [RATE [TUPLES]]\n", argv[0]);
        return 2;
    }
    const char *ifname = argv[1];
    uint8_t smac[6], dmac[6];
    parse_mac(argv[2], smac);
    parse_mac(argv[3], dmac);
    struct in_addr src, dst;
    if (!inet_aton(argv[4], &src) || !inet_aton(argv[5], &dst)) {
        fprintf(stderr, "bad address\n");
        return 2;
    }
    double seconds = atof(argv[6]);
    unsigned long long max_packets = strtoull(argv[7], NULL, 10);
    unsigned long long first = strtoull(argv[8], NULL, 10);
    double rate = argc > 9 ? atof(argv[9]) : 0;
    unsigned long long tuples = argc > 10 ? strtoull(argv[10], NULL, 10) : 0;
    if (seconds <= 0 || seconds > 600 || max_packets > 100000000ULL) {
        fprintf(stderr, "SECONDS must be in (0, 600], MAX-PACKETS <= 1e8\n");
        return 2;
    }
    if (rate < 0 || tuples > 6000000) {
        fprintf(stderr, "RATE must be >= 0, TUPLES <= 6000000\n");
        return 2;
    }

    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
        perror("socket(AF_PACKET)");
        return 1;
    }
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_ifindex = if_nametoindex(ifname),
        .sll_halen = 6,
    };
    if (!sll.sll_ifindex) {
        fprintf(stderr, "no interface %s\n", ifname);
        return 1;
    }
    memcpy(sll.sll_addr, dmac, 6);
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        perror("bind");
        return 1;
    }
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);

    static uint8_t frames[BATCH][FRAME];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    memset(frames, 0, sizeof frames);
    memset(msgs, 0, sizeof msgs);
    for (int k = 0; k < BATCH; k++) {
        uint8_t *f = frames[k];
        memcpy(f, dmac, 6);
        memcpy(f + 6, smac, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        struct iphdr *ip = (struct iphdr *) (f + 14);
        ip->version = 4;
        ip->ihl = 5;
        ip->tot_len = htons(FRAME - 14);
        ip->ttl = 64;
        ip->protocol = IPPROTO_UDP;
        ip->daddr = dst.s_addr;
        struct udphdr *udp = (struct udphdr *) (ip + 1);
        udp->len = htons(FRAME - 14 - 20);
        iov[k].iov_base = f;
        iov[k].iov_len = FRAME;
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
    }

    unsigned long long sent = 0, i = first;
    double start = now(), deadline = start + seconds;
    while (sent < max_packets) {
        int n = max_packets - sent < BATCH ? max_packets - sent : BATCH;
        if (rate > 0) {
            /* Paced: the batch leaves when the previous frames are due. */
            double due = start + sent / rate;
            double t = now();
            if (t >= deadline) {
                break;
            }
            if (due > t) {
                struct timespec ts = {
                    .tv_sec = (time_t) (due - t),
                    .tv_nsec = (long) ((due - t - (time_t) (due - t)) * 1e9),
                };
                nanosleep(&ts, NULL);
            }
            if (n > rate / 100 + 1) {
                n = rate / 100 + 1;     /* At most 10 ms worth at once. */
            }
        }
        for (int k = 0; k < n; k++) {
            unsigned long long j = tuples ? first + (i - first + k) % tuples
                                          : i + k;
            struct iphdr *ip = (struct iphdr *) (frames[k] + 14);
            struct udphdr *udp = (struct udphdr *) (ip + 1);
            ip->saddr = htonl(ntohl(src.s_addr) + j / 6000000);
            ip->check = 0;
            ip->check = ip_csum(ip, 20);
            udp->source = htons(1024 + j % 60000);
            udp->dest = htons(5000 + (j / 60000) % 100);
        }
        int r = sendmmsg(fd, msgs, n, 0);
        if (r < 0) {
            if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                continue;
            }
            perror("sendmmsg");
            return 1;
        }
        sent += r;
        i += r;
        if ((sent & 1023) < (unsigned) r && now() >= deadline) {
            break;
        }
    }
    double elapsed = now() - start;
    printf("%llu %.3f\n", sent, elapsed);
    close(fd);
    return 0;
}
