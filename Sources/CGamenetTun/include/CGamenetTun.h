#ifndef CGAMENET_TUN_H
#define CGAMENET_TUN_H

/// Opens /dev/net/tun as a layer-3 TUN interface named `name` (IFF_TUN | IFF_NO_PI: each read and write is one bare
/// IP packet), non-blocking. Returns the descriptor, or -errno. Linux only; elsewhere returns -ENOSYS.
int gamenet_tun_open(const char *name);

/// Gives interface `name` the IPv4 address `address` (dotted quad) with a netmask of `prefix` bits, if `address` is
/// not NULL, and brings it up. Returns 0, or -errno.
int gamenet_interface_up(const char *name, const char *address, int prefix);

#endif
