/// A network endpoint URL: a transport, a host, a port and, where the transport allows them, a path and options.
package struct NetworkEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The transport named by the URL scheme.
    package var transport: Transport
    /// A host name, an IPv4 address or an IPv6 address without brackets; empty when the URL leaves it out
    /// (`tcp://:7000`), which means "every interface" where a command listens.
    package var host: String
    /// The port, `0` asking the operating system for a free one where a command listens.
    package var port: Int
    /// The path of a `ws://` URL, always starting with `/`.
    package var path: String
    /// The query options in the order they were written (`kcp://h:1?mode=fast&mtu=1200`).
    package var options: [(key: String, value: String)]

    package init(transport: Transport, host: String, port: Int, path: String = "/", options: [(String, String)] = []) {
        self.transport = transport
        self.host = host
        self.port = port
        self.path = path
        self.options = options.map { (key: $0.0, value: $0.1) }
    }

    /// The host to bind when listening: the written host, or every IPv4 interface when none was written.
    package var listeningHost: String {
        self.host.isEmpty ? "0.0.0.0" : self.host
    }

    /// The value of a query option, the last one written winning.
    package func option(_ key: String) -> String? {
        self.options.last(where: { $0.key == key })?.value
    }

    package var description: String {
        var text = "\(self.transport.rawValue)://\(Self.formatHost(self.host)):\(self.port)"
        if self.transport.allowsPath {
            text += self.path
        }
        if !self.options.isEmpty {
            text +=
                "?" + self.options.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
        return text
    }

    /// Writes a host for a URL, putting an IPv6 address in brackets (RFC 3986 §3.2.2).
    package static func formatHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.transport == rhs.transport && lhs.host == rhs.host && lhs.port == rhs.port && lhs.path == rhs.path
            && lhs.options.elementsEqual(rhs.options, by: { $0.key == $1.key && $0.value == $1.value })
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(self.transport)
        hasher.combine(self.host)
        hasher.combine(self.port)
        hasher.combine(self.path)
        for option in self.options {
            hasher.combine(option.key)
            hasher.combine(option.value)
        }
    }
}

// MARK: - Parsing

extension NetworkEndpoint {
    /// Parses `SCHEME://HOST:PORT[/PATH][?QUERY]`.
    ///
    /// - Throws: ``EndpointParseError`` naming the part of `text` that is wrong.
    package init(parsing text: String) throws(EndpointParseError) {
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            throw EndpointParseError(text, "missing scheme, expected \(Self.schemeList) or -")
        }
        let scheme = String(text[..<colon])
        guard let transport = Transport(rawValue: scheme.lowercased()) else {
            throw EndpointParseError(text, "unknown scheme '\(scheme)', expected \(Self.schemeList) or -")
        }
        var rest = text[text.index(colon, offsetBy: 3)...]

        var query: Substring?
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        var path = "/"
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
            guard transport.allowsPath || path == "/" else {
                throw EndpointParseError(text, "unexpected path '\(path)', \(scheme):// takes none")
            }
        }
        let (host, port) = try Self.parseAuthority(rest, in: text)
        var options: [(String, String)] = []
        if let query, !query.isEmpty {
            guard transport.allowsQuery else {
                throw EndpointParseError(text, "unexpected options '?\(query)', \(scheme):// takes none")
            }
            options = try Self.parseQuery(query, in: text)
        }
        self.init(transport: transport, host: host, port: port, path: path, options: options)
    }

    private static var schemeList: String {
        Transport.allCases.map { "\($0.rawValue)://" }.joined(separator: ", ")
    }

    /// Splits `HOST:PORT`, `[IPV6]:PORT` or `:PORT`.
    private static func parseAuthority(
        _ authority: Substring,
        in text: String
    ) throws(EndpointParseError) -> (host: String, port: Int) {
        if authority.isEmpty {
            throw EndpointParseError(text, "missing host and port")
        }
        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw EndpointParseError(text, "unclosed '[' in IPv6 address '\(authority)'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterBracket = authority[authority.index(after: close)...]
            if afterBracket.isEmpty {
                portText = nil
            } else if afterBracket.hasPrefix(":") {
                portText = afterBracket.dropFirst()
            } else {
                throw EndpointParseError(text, "unexpected '\(afterBracket)' after IPv6 address '[\(host)]'")
            }
            guard Self.isValidIPv6(host) else {
                throw EndpointParseError(text, "bad IPv6 address '\(host)'")
            }
        } else {
            let colons = authority.filter { $0 == ":" }.count
            if colons > 1 {
                throw EndpointParseError(text, "IPv6 address '\(authority)' must be written in brackets, as [::1]:PORT")
            }
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
                portText = nil
            }
            if let bad = host.first(where: { !Self.isHostCharacter($0) }) {
                throw EndpointParseError(text, "bad character '\(bad)' in host '\(host)'")
            }
        }
        guard let portText else {
            throw EndpointParseError(text, "missing port after host '\(host)'")
        }
        guard !portText.isEmpty else {
            throw EndpointParseError(text, "missing port after ':'")
        }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), portText.count <= 6, let port = Int(portText)
        else {
            throw EndpointParseError(text, "bad port '\(portText)', expected a number 0-65535")
        }
        guard (0...65535).contains(port) else {
            throw EndpointParseError(text, "port \(port) out of range 0-65535")
        }
        return (String(host), port)
    }

    private static func parseQuery(
        _ query: Substring,
        in text: String
    ) throws(EndpointParseError) -> [(String, String)] {
        var options: [(String, String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            // NAME=VALUE, or a bare NAME (legal in a URL query, RFC 3986 §3.4), which gets an empty value.
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard !parts[0].isEmpty else {
                throw EndpointParseError(text, "bad option '\(pair)', expected NAME=VALUE")
            }
            options.append((String(parts[0]), parts.count == 2 ? String(parts[1]) : ""))
        }
        return options
    }

    private static func isHostCharacter(_ character: Character) -> Bool {
        character.isASCII
            && (character.isLetter || character.isNumber || character == "." || character == "-" || character == "_")
    }

    private static func isValidIPv6(_ address: Substring) -> Bool {
        // An address, optionally with a zone (`fe80::1%eth0`, RFC 6874); the resolver checks the rest.
        let zoneless = address.split(separator: "%", maxSplits: 1).first ?? ""
        guard zoneless.contains(":") else { return false }
        return zoneless.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
