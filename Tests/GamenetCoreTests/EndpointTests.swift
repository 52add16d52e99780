import GamenetCore
import Testing

/// The endpoint URL grammar shared by every command: schemes, hosts, ports, paths, options and their errors.
@Suite struct EndpointTests {
    // MARK: - Schemes

    @Test func parsesTCP() throws {
        let endpoint = try Endpoint(parsing: "tcp://example.com:7000")
        #expect(endpoint == .network(NetworkEndpoint(transport: .tcp, host: "example.com", port: 7000)))
        #expect(endpoint.transport == .tcp)
        #expect(endpoint.isByteStream)
    }

    @Test func parsesUDP() throws {
        let endpoint = try Endpoint(parsing: "udp://127.0.0.1:9000")
        #expect(endpoint == .network(NetworkEndpoint(transport: .udp, host: "127.0.0.1", port: 9000)))
        #expect(endpoint.transport == .udp)
        #expect(!endpoint.isByteStream)
    }

    @Test func parsesKCPWithOptionsInOrder() throws {
        let endpoint = try NetworkEndpoint(parsing: "kcp://game.example:4000?mode=fast&mtu=1200")
        #expect(endpoint.transport == .kcp)
        #expect(endpoint.host == "game.example")
        #expect(endpoint.port == 4000)
        #expect(endpoint.path == "/")
        #expect(endpoint.options.map(\.key) == ["mode", "mtu"])
        #expect(endpoint.options.map(\.value) == ["fast", "1200"])
        #expect(endpoint.option("mode") == "fast")
        #expect(endpoint.option("mtu") == "1200")
        #expect(endpoint.option("window") == nil)
        #expect(!endpoint.transport.isByteStream)
    }

    @Test func lastRepeatedOptionWins() throws {
        let endpoint = try NetworkEndpoint(parsing: "kcp://h:1?mode=normal&mode=fast")
        #expect(endpoint.options.count == 2)
        #expect(endpoint.option("mode") == "fast")
    }

    @Test func optionValueMayBeEmptyOrContainEquals() throws {
        let endpoint = try NetworkEndpoint(parsing: "kcp://h:1?key=&expr=a=b")
        #expect(endpoint.option("key") == "")
        #expect(endpoint.option("expr") == "a=b")
    }

    @Test func emptyAmpersandSeparatedPartsAreSkipped() throws {
        let endpoint = try NetworkEndpoint(parsing: "kcp://h:1?&mode=fast&&")
        #expect(endpoint.options.map(\.key) == ["mode"])
    }

    @Test func emptyQueryIsNoOptions() throws {
        // A bare `?` adds nothing, so even a scheme that takes no options accepts it.
        #expect(try NetworkEndpoint(parsing: "tcp://h:1?").options.isEmpty)
        #expect(try NetworkEndpoint(parsing: "kcp://h:1?").options.isEmpty)
    }

    @Test func parsesWebSocketWithPathAndText() throws {
        let endpoint = try NetworkEndpoint(parsing: "ws://relay.example:8080/game/room1?text=1")
        #expect(endpoint.transport == .ws)
        #expect(endpoint.host == "relay.example")
        #expect(endpoint.port == 8080)
        #expect(endpoint.path == "/game/room1")
        #expect(endpoint.option("text") == "1")
    }

    @Test func webSocketPathDefaultsToRoot() throws {
        let endpoint = try NetworkEndpoint(parsing: "ws://h:80")
        #expect(endpoint.path == "/")
        #expect(endpoint.description == "ws://h:80/")
    }

    @Test func schemeIsCaseInsensitive() throws {
        let endpoint = try Endpoint(parsing: "TCP://h:1")
        #expect(endpoint == .network(NetworkEndpoint(transport: .tcp, host: "h", port: 1)))
        #expect(endpoint.description == "tcp://h:1")
    }

    @Test func dashIsStandardIO() throws {
        let endpoint = try Endpoint(parsing: "-")
        #expect(endpoint == .standardIO)
        #expect(endpoint.transport == nil)
        #expect(endpoint.isByteStream)
        #expect(endpoint.description == "-")
    }

    @Test func bareQueryNamesHaveEmptyValues() throws {
        let endpoint = try NetworkEndpoint(parsing: "ws://h:1/p?flag&x=1")
        #expect(endpoint.option("flag") == "")
        #expect(endpoint.option("x") == "1")
        #expect(endpoint.description == "ws://h:1/p?flag&x=1")
    }

    @Test func transportCapabilities() {
        #expect(Transport.allCases == [.tcp, .udp, .kcp, .ws])
        #expect(Transport.allCases.filter(\.isByteStream) == [.tcp])
    }

    // MARK: - Hosts and ports

    @Test func parsesIPv4() throws {
        let endpoint = try NetworkEndpoint(parsing: "udp://192.168.1.20:27015")
        #expect(endpoint.host == "192.168.1.20")
        #expect(endpoint.port == 27015)
    }

    @Test func parsesBracketedIPv6() throws {
        let endpoint = try NetworkEndpoint(parsing: "tcp://[::1]:7000")
        #expect(endpoint.host == "::1")
        #expect(endpoint.port == 7000)
        #expect(endpoint.listeningHost == "::1")
        #expect(endpoint.description == "tcp://[::1]:7000")
    }

    @Test func parsesIPv6WithZone() throws {
        let endpoint = try NetworkEndpoint(parsing: "udp://[fe80::1%eth0]:9000")
        #expect(endpoint.host == "fe80::1%eth0")
        #expect(endpoint.port == 9000)
        #expect(endpoint.description == "udp://[fe80::1%eth0]:9000")
    }

    @Test func parsesIPv4MappedIPv6() throws {
        let endpoint = try NetworkEndpoint(parsing: "tcp://[::ffff:10.0.0.1]:80")
        #expect(endpoint.host == "::ffff:10.0.0.1")
    }

    @Test func parsesHostNames() throws {
        #expect(try NetworkEndpoint(parsing: "tcp://localhost:1").host == "localhost")
        #expect(try NetworkEndpoint(parsing: "tcp://my-host_01.example.org:1").host == "my-host_01.example.org")
    }

    @Test func listeningFormHasEmptyHost() throws {
        let endpoint = try NetworkEndpoint(parsing: "tcp://:7000")
        #expect(endpoint.host == "")
        #expect(endpoint.port == 7000)
        #expect(endpoint.listeningHost == "0.0.0.0")
        #expect(endpoint.description == "tcp://:7000")
    }

    @Test func listeningHostIsTheWrittenHost() throws {
        #expect(try NetworkEndpoint(parsing: "udp://127.0.0.1:1").listeningHost == "127.0.0.1")
    }

    @Test func acceptsPortBounds() throws {
        #expect(try NetworkEndpoint(parsing: "tcp://h:0").port == 0)
        #expect(try NetworkEndpoint(parsing: "tcp://h:65535").port == 65535)
        #expect(try NetworkEndpoint(parsing: "tcp://h:000080").port == 80)
    }

    @Test func trailingSlashOnTCPIsAllowed() throws {
        let endpoint = try NetworkEndpoint(parsing: "tcp://h:1/")
        #expect(endpoint == NetworkEndpoint(transport: .tcp, host: "h", port: 1))
    }

    // MARK: - Description

    @Test(arguments: [
        "tcp://example.com:7000",
        "udp://127.0.0.1:9000",
        "kcp://h:4000?mode=fast&mtu=1200",
        "ws://h:8080/chat?text=1",
        "ws://h:8080/",
        "tcp://[::1]:7000",
        "udp://[fe80::1%eth0]:9000",
        "tcp://:7000",
        "-",
    ])
    func descriptionRoundTrips(text: String) throws {
        let endpoint = try Endpoint(parsing: text)
        #expect(endpoint.description == text)
        #expect(try Endpoint(parsing: endpoint.description) == endpoint)
    }

    @Test func builtEndpointDescribesItself() {
        let endpoint = NetworkEndpoint(transport: .ws, host: "::1", port: 80, path: "/x", options: [("text", "1")])
        #expect(endpoint.description == "ws://[::1]:80/x?text=1")
        // A path is only written for a transport that carries one.
        #expect(NetworkEndpoint(transport: .udp, host: "h", port: 1, path: "/x").description == "udp://h:1")
    }

    @Test func formatHostBracketsIPv6Only() {
        #expect(NetworkEndpoint.formatHost("::1") == "[::1]")
        #expect(NetworkEndpoint.formatHost("10.0.0.1") == "10.0.0.1")
        #expect(NetworkEndpoint.formatHost("") == "")
    }

    @Test func equalityAndHashingIncludeOptionOrder() {
        let first = NetworkEndpoint(transport: .kcp, host: "h", port: 1, options: [("a", "1"), ("b", "2")])
        let same = NetworkEndpoint(transport: .kcp, host: "h", port: 1, options: [("a", "1"), ("b", "2")])
        let swapped = NetworkEndpoint(transport: .kcp, host: "h", port: 1, options: [("b", "2"), ("a", "1")])
        #expect(first == same)
        #expect(first.hashValue == same.hashValue)
        #expect(first != swapped)
        #expect(Set([first, same, swapped]).count == 2)
    }

    // MARK: - Errors

    @Test(arguments: [
        (
            "localhost:7000",
            "bad endpoint 'localhost:7000': missing scheme, expected tcp://, udp://, kcp://, ws:// or -"
        ),
        (
            "example.com",
            "bad endpoint 'example.com': missing scheme, expected tcp://, udp://, kcp://, ws:// or -"
        ),
        (
            "",
            "bad endpoint '': missing scheme, expected tcp://, udp://, kcp://, ws:// or -"
        ),
        (
            "http://h:80",
            "bad endpoint 'http://h:80': unknown scheme 'http', expected tcp://, udp://, kcp://, ws:// or -"
        ),
        (
            "tcp://",
            "bad endpoint 'tcp://': missing host and port"
        ),
        (
            "tcp://localhost",
            "bad endpoint 'tcp://localhost': missing port after host 'localhost'"
        ),
        (
            "tcp://[::1]",
            "bad endpoint 'tcp://[::1]': missing port after host '::1'"
        ),
        (
            "tcp://localhost:",
            "bad endpoint 'tcp://localhost:': missing port after ':'"
        ),
        (
            "tcp://localhost:http",
            "bad endpoint 'tcp://localhost:http': bad port 'http', expected a number 0-65535"
        ),
        (
            "tcp://localhost:-1",
            "bad endpoint 'tcp://localhost:-1': bad port '-1', expected a number 0-65535"
        ),
        (
            "tcp://localhost:1234567",
            "bad endpoint 'tcp://localhost:1234567': bad port '1234567', expected a number 0-65535"
        ),
        (
            "tcp://localhost:70000",
            "bad endpoint 'tcp://localhost:70000': port 70000 out of range 0-65535"
        ),
        (
            "tcp://::1:7000",
            "bad endpoint 'tcp://::1:7000': IPv6 address '::1:7000' must be written in brackets, as [::1]:PORT"
        ),
        (
            "tcp://[::1:7000",
            "bad endpoint 'tcp://[::1:7000': unclosed '[' in IPv6 address '[::1:7000'"
        ),
        (
            "tcp://[::1]7000",
            "bad endpoint 'tcp://[::1]7000': unexpected '7000' after IPv6 address '[::1]'"
        ),
        (
            "tcp://[example.com]:1",
            "bad endpoint 'tcp://[example.com]:1': bad IPv6 address 'example.com'"
        ),
        (
            "tcp://exa$mple:80",
            "bad endpoint 'tcp://exa$mple:80': bad character '$' in host 'exa$mple'"
        ),
        (
            "tcp://h:1/chat",
            "bad endpoint 'tcp://h:1/chat': unexpected path '/chat', tcp:// takes none"
        ),
        (
            "udp://h:1?mode=fast",
            "bad endpoint 'udp://h:1?mode=fast': unexpected options '?mode=fast', udp:// takes none"
        ),
        (
            "tcp://h:1?a=b",
            "bad endpoint 'tcp://h:1?a=b': unexpected options '?a=b', tcp:// takes none"
        ),
        (
            "ws://h:1/p?=1",
            "bad endpoint 'ws://h:1/p?=1': bad option '=1', expected NAME=VALUE"
        ),
    ])
    func rejectsWithExactMessage(text: String, message: String) throws {
        let error = try #require(throws: EndpointParseError.self) { try Endpoint(parsing: text) }
        #expect(error.description == message)
        #expect(error.text == text)
    }

    @Test func nonASCIIDigitsAreNotAPort() {
        // "٣" (Arabic-Indic three) is a number to Character.isNumber, but not a port digit.
        #expect(throws: EndpointParseError.self) { try Endpoint(parsing: "tcp://h:\u{663}") }
    }

    @Test func nonASCIIHostIsRejected() throws {
        let error = try #require(throws: EndpointParseError.self) { try Endpoint(parsing: "tcp://héllo:1") }
        #expect(error.reason == "bad character 'é' in host 'héllo'")
    }
}
