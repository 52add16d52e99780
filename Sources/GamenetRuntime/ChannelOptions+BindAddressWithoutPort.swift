import NIOCore

extension ChannelOption where Self == ChannelOptions.Types.SocketOption {
    /// `IP_BIND_ADDRESS_NO_PORT` (Linux 4.2): a socket bound to a source address before it connects gets its port
    /// at `connect`, chosen so that only the whole four-tuple must be unique. Without it, `bind` picks a port unique
    /// on the address alone, searching the range each time: slow with tens of thousands of connections, and short of
    /// ports long before the four-tuples run out.
    static var bindAddressWithoutPort: Self {
        .ipOption(.init(rawValue: 24))
    }
}
