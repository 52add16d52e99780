#include "CGamenetTun.h"

#include <errno.h>

#ifdef __linux__
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

// ioctl is variadic, which Swift cannot call; this is the one call gamenet needs it for.
int gamenet_tun_open(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

static int set_ipv4(int sock, const char *name, unsigned long request, in_addr_t value) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    struct sockaddr_in *a = (struct sockaddr_in *)&r.ifr_addr;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = value;
    return ioctl(sock, request, &r);
}

int gamenet_interface_up(const char *name, const char *address, int prefix) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return -errno;
    int error = 0;
    if (address != NULL) {
        struct in_addr parsed;
        if (inet_pton(AF_INET, address, &parsed) != 1 || prefix < 0 || prefix > 32) {
            close(sock);
            return -EINVAL;
        }
        in_addr_t mask = prefix == 0 ? 0 : htonl(0xFFFFFFFFu << (32 - prefix));
        if (set_ipv4(sock, name, SIOCSIFADDR, parsed.s_addr) < 0 || set_ipv4(sock, name, SIOCSIFNETMASK, mask) < 0) {
            error = -errno;
        }
    }
    if (error == 0) {
        struct ifreq r;
        memset(&r, 0, sizeof r);
        strncpy(r.ifr_name, name, IFNAMSIZ - 1);
        if (ioctl(sock, SIOCGIFFLAGS, &r) < 0) {
            error = -errno;
        } else {
            r.ifr_flags |= IFF_UP | IFF_RUNNING;
            if (ioctl(sock, SIOCSIFFLAGS, &r) < 0) error = -errno;
        }
    }
    close(sock);
    return error;
}
#else
int gamenet_interface_up(const char *name, const char *address, int prefix) {
    (void)name;
    (void)address;
    (void)prefix;
    return -ENOSYS;
}

int gamenet_tun_open(const char *name) {
    (void)name;
    return -ENOSYS;
}
#endif
