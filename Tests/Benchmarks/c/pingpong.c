/* A minimal blocking echo server and ping-pong client, the reference pair for rtt-vs-c.sh.
 *
 *   pingpong server PORT                  TCP (a thread per connection) and UDP echo on 127.0.0.1:PORT; port 0
 *                                         picks a free one; prints "listening on PORT"
 *   pingpong client tcp|udp PORT SIZE WARMUP PINGS
 *                                         closed-loop round trips; prints "p50_us p90_us p99_us mean_us" and exits
 *
 * Every socket is blocking; TCP has TCP_NODELAY; the clock is CLOCK_MONOTONIC, read before the send and after the
 * last byte of the echo. Nothing here is tuned beyond what a plain program does: it is the floor a user-space
 * server with one read and one write per message can reach. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what) { perror(what); exit(1); }

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void *serve_tcp_connection(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buffer[65536];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buffer + off, (size_t)(n - off));
            if (w <= 0) goto done;
            off += w;
        }
    }
done:
    close(fd);
    return NULL;
}

static void *serve_udp(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buffer[65536];
    for (;;) {
        struct sockaddr_in from;
        socklen_t length = sizeof from;
        ssize_t n = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length);
        if (n < 0) continue;
        sendto(fd, buffer, (size_t)n, 0, (struct sockaddr *)&from, length);
    }
    return NULL;
}

static int server(int port) {
    struct sockaddr_in a = loopback(port);
    int one = 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0) fail("bind tcp");
    if (listen(listener, 128) < 0) fail("listen");
    socklen_t length = sizeof a;
    getsockname(listener, (struct sockaddr *)&a, &length);
    port = ntohs(a.sin_port);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (bind(udp, (struct sockaddr *)&a, sizeof a) < 0) fail("bind udp");
    pthread_t thread;
    pthread_create(&thread, NULL, serve_udp, (void *)(intptr_t)udp);
    printf("listening on %d\n", port);
    fflush(stdout);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_create(&thread, NULL, serve_tcp_connection, (void *)(intptr_t)fd);
        pthread_detach(thread);
    }
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int client(const char *transport, int port, int size, int warmup, int pings) {
    int tcp = strcmp(transport, "tcp") == 0;
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    int one = 1;
    if (tcp) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) fail("connect");
    if (!tcp) {
        struct timeval timeout = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    char *message = malloc((size_t)size), *reply = malloc((size_t)size);
    memset(message, 0x5a, (size_t)size);
    uint64_t *samples = malloc(sizeof(uint64_t) * (size_t)pings);
    int lost = 0;
    for (int i = 0; i < warmup + pings; i++) {
        memcpy(message, &i, sizeof i);
        uint64_t start = now_ns();
        if (write(fd, message, (size_t)size) != size) fail("write");
        ssize_t got = 0;
        while (got < size) {
            ssize_t n = read(fd, reply + got, (size_t)(size - got));
            if (n <= 0) {
                if (!tcp) { lost++; break; }
                fail("read");
            }
            got += n;
        }
        uint64_t end = now_ns();
        if (i >= warmup) samples[i - warmup] = end - start;
    }
    qsort(samples, (size_t)pings, sizeof *samples, compare);
    double sum = 0;
    for (int i = 0; i < pings; i++) sum += (double)samples[i];
    printf("%.2f %.2f %.2f %.2f %d\n", samples[pings / 2] / 1e3, samples[pings * 9 / 10] / 1e3,
           samples[pings * 99 / 100] / 1e3, sum / pings / 1e3, lost);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "server") == 0) return server(atoi(argv[2]));
    if (argc == 7 && strcmp(argv[1], "client") == 0)
        return client(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
    fprintf(stderr, "usage: pingpong server PORT | pingpong client tcp|udp PORT SIZE WARMUP PINGS\n");
    return 64;
}
