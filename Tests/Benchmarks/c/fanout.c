// Room fan-out load for gameserver-fanout.sh: ROOMS rooms of MEMBERS WebSocket connections each receive what one more
// connection per room broadcasts, and the program counts the messages delivered per second.
//
//   fanout PORT MODE ROOMS MEMBERS PAYLOAD WINDOW WARMUP SECONDS BURST
//
// MODE gamenet: every connection says clientHello and joins room "bench-R" in the JSON form (text frames), and each
// room's sender sends broadcast messages. MODE plain: the connections open the path "/bench-R" and the sender sends
// the payload itself, which the server relays to every other connection on the same path. In both modes each sender
// keeps at most WINDOW messages ahead of the slowest possible delivery in its room: it sends message n only once
// MEMBERS * (n - WINDOW) messages have been delivered in the room, so neither server queues without bound. A sender
// sends BURST messages at once (in one write), the way a game tick sends what accumulated since the last one; with
// BURST 1 it sends each message as soon as the window allows. Prints "delivered RATE sent RATE members N" (per second,
// over SECONDS after WARMUP; N counts every receiving member), and exits 1 on any failure.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "fanout: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            die("write");
        }
        data += n;
        len -= (size_t)n;
    }
}

// One masked text frame (RFC 6455 §5.3: clients mask), with a fixed mask: the server unmasks whatever it is.
static size_t text_frame(char *out, const char *text, size_t len) {
    static const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    size_t i = 0;
    out[i++] = (char)0x81;
    if (len < 126) {
        out[i++] = (char)(0x80 | len);
    } else {
        out[i++] = (char)(0x80 | 126);
        out[i++] = (char)(len >> 8);
        out[i++] = (char)(len & 0xff);
    }
    memcpy(out + i, mask, 4);
    i += 4;
    for (size_t j = 0; j < len; j++) out[i + j] = (char)(text[j] ^ mask[j % 4]);
    return i + len;
}

static void send_text(int fd, const char *text) {
    char frame[4096];
    size_t n = text_frame(frame, text, strlen(text));
    write_all(fd, frame, n);
}

// Reads until the bytes read so far contain `needle` (blocking); what follows it is dropped, which is safe here
// because nothing else is sent to a connection before it has answered.
static void read_until(int fd, const char *needle) {
    char buffer[65536];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buffer + have, sizeof buffer - 1 - have);
        if (n <= 0) die("reading the setup answers");
        have += (size_t)n;
        buffer[have] = 0;
        if (memmem(buffer, have, needle, strlen(needle))) return;
        if (have > sizeof buffer - 4096) have = 0;
    }
}

static int open_member(int port, int gamenet, int room) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = inet_addr("127.0.0.1");
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // gamenet serves WebSocket on "/"; the plain server's rooms are paths.
    char path[32] = "/";
    if (!gamenet) snprintf(path, sizeof path, "/bench-%d", room);
    char request[512];
    snprintf(request, sizeof request,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
             path);
    write_all(fd, request, strlen(request));
    read_until(fd, "\r\n\r\n");
    if (gamenet) {
        send_text(fd, "{\"type\":\"clientHello\",\"versions\":[1]}");
        read_until(fd, "\"hello\"");
        char join[128];
        snprintf(join, sizeof join, "{\"type\":\"join\",\"namespace\":\"/\",\"room\":\"bench-%d\"}", room);
        send_text(fd, join);
        read_until(fd, "\"joined\"");
    }
    return fd;
}

// What is left of the frame being read on one connection.
struct reader {
    unsigned char header[10];
    int header_have;
    uint64_t payload_left;
};

// Counts the whole frames in `data`, carrying partial headers and payloads over to the next read.
static uint64_t count_frames(struct reader *r, const unsigned char *data, size_t len) {
    uint64_t frames = 0;
    size_t i = 0;
    while (i < len) {
        if (r->payload_left > 0) {
            size_t take = len - i < r->payload_left ? len - i : (size_t)r->payload_left;
            r->payload_left -= take;
            i += take;
            if (r->payload_left == 0) frames++;
            continue;
        }
        r->header[r->header_have++] = data[i++];
        if (r->header_have < 2) continue;
        int code = r->header[1] & 0x7f;
        int need = code == 126 ? 4 : code == 127 ? 10 : 2;
        if (r->header_have < need) continue;
        uint64_t length = code;
        if (code == 126) length = ((uint64_t)r->header[2] << 8) | r->header[3];
        if (code == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) length = (length << 8) | r->header[k];
        }
        r->header_have = 0;
        if (length == 0) {
            frames++;
        } else {
            r->payload_left = length;
        }
    }
    return frames;
}

// One room: its sender and how far its messages have got.
struct room {
    int sender;
    uint64_t sent, delivered;
};

int main(int argc, char **argv) {
    if (argc != 10) {
        fprintf(stderr, "usage: fanout PORT gamenet|plain ROOMS MEMBERS PAYLOAD WINDOW WARMUP SECONDS BURST\n");
        return 64;
    }
    int port = atoi(argv[1]);
    int gamenet = strcmp(argv[2], "gamenet") == 0;
    int room_count = atoi(argv[3]);
    int members = atoi(argv[4]);
    int payload_size = atoi(argv[5]);
    uint64_t window = (uint64_t)atoll(argv[6]);
    double warmup = atof(argv[7]), seconds = atof(argv[8]);
    uint64_t burst = (uint64_t)atoll(argv[9]);
    if (room_count < 1 || members < 1 || window < 1 || burst < 1) {
        fprintf(stderr, "fanout: ROOMS, MEMBERS, WINDOW and BURST must be positive\n");
        return 64;
    }
    if (burst > window) burst = window;

    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    int epoll = epoll_create1(0);
    if (epoll < 0) die("epoll_create1");
    int total = room_count * members;
    struct reader *readers = calloc((size_t)total, sizeof *readers);
    int *member_room = calloc((size_t)total, sizeof *member_room);
    struct room *rooms = calloc((size_t)room_count, sizeof *rooms);
    if (!readers || !member_room || !rooms) die("calloc");
    for (int m = 0; m < total; m++) {
        member_room[m] = m / members;
        int fd = open_member(port, gamenet, member_room[m]);
        struct epoll_event event = {.events = EPOLLIN, .data.u64 = ((uint64_t)m << 32) | (uint32_t)fd};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) < 0) die("epoll_ctl");
    }
    for (int r = 0; r < room_count; r++) rooms[r].sender = open_member(port, gamenet, r);
    // What the joins made the server send (gamenet tells every member about each one that enters) is read and
    // dropped before the load starts: counted as deliveries, it would let the senders run far past their windows.
    static unsigned char scratch[1 << 16];
    struct epoll_event setup_events[256];
    double quiet_deadline = now_s() + 30;
    for (;;) {
        int ready = epoll_wait(epoll, setup_events, 256, 300);
        if (ready < 0 && errno != EINTR) die("epoll_wait");
        if (ready == 0 || now_s() > quiet_deadline) break;
        for (int e = 0; e < ready; e++) {
            int fd = (int)(setup_events[e].data.u64 & 0xffffffff);
            if (read(fd, scratch, sizeof scratch) <= 0) die("reading the join events");
        }
    }

    char payload[4096];
    if (payload_size > (int)sizeof payload - 1) payload_size = (int)sizeof payload - 1;
    memset(payload, 'x', (size_t)payload_size);
    payload[payload_size] = 0;
    // Every room's burst: the same message BURST times, one buffer per room since the room is in the message.
    char **bursts = calloc((size_t)room_count, sizeof *bursts);
    size_t *burst_lens = calloc((size_t)room_count, sizeof *burst_lens);
    if (!bursts || !burst_lens) die("calloc");
    for (int r = 0; r < room_count; r++) {
        char text[8192], frame[8192];
        if (gamenet) {
            snprintf(text, sizeof text,
                     "{\"type\":\"broadcast\",\"namespace\":\"/\",\"room\":\"bench-%d\",\"payload\":\"%s\"}", r, payload);
        } else {
            snprintf(text, sizeof text, "%s", payload);
        }
        size_t frame_len = text_frame(frame, text, strlen(text));
        bursts[r] = malloc(frame_len * burst);
        if (!bursts[r]) die("malloc");
        for (uint64_t b = 0; b < burst; b++) memcpy(bursts[r] + b * frame_len, frame, frame_len);
        burst_lens[r] = frame_len * burst;
    }

    uint64_t sent = 0, delivered = 0, counted_sent = 0, counted_delivered = 0;
    double start = now_s(), measure_from = start + warmup, measure_until = measure_from + seconds;
    int measuring = 0;
    static unsigned char buffer[1 << 16];
    struct epoll_event events[256];
    for (;;) {
        double now = now_s();
        if (!measuring && now >= measure_from) {
            measuring = 1;
            fprintf(stderr, "measuring\n");
            counted_sent = sent;
            counted_delivered = delivered;
        }
        if (now >= measure_until) break;
        // Each room's sender sends whole bursts while its window has room for one.
        for (int r = 0; r < room_count; r++) {
            struct room *room = &rooms[r];
            for (int n = 0; n < 64 && (room->sent + burst <= window ||
                                       room->delivered >= (room->sent + burst - window) * (uint64_t)members); n++) {
                write_all(room->sender, bursts[r], burst_lens[r]);
                room->sent += burst;
                sent += burst;
            }
        }
        int ready = epoll_wait(epoll, events, 256, 10);
        if (ready < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int e = 0; e < ready; e++) {
            int m = (int)(events[e].data.u64 >> 32);
            int fd = (int)(events[e].data.u64 & 0xffffffff);
            ssize_t n = read(fd, buffer, sizeof buffer);
            if (n <= 0) {
                fprintf(stderr, "fanout: member %d: connection closed by the server\n", m);
                return 1;
            }
            uint64_t frames = count_frames(&readers[m], buffer, (size_t)n);
            rooms[member_room[m]].delivered += frames;
            delivered += frames;
        }
    }
    printf("delivered %.0f sent %.0f members %d\n", (double)(delivered - counted_delivered) / seconds,
           (double)(sent - counted_sent) / seconds, total);
    return 0;
}
