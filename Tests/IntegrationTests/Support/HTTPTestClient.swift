import Foundation

/// One HTTP/1.1 request on a raw TCP connection to 127.0.0.1 (`Connection: close`, so the reply ends with the
/// connection), for the control API of `impair`; no URLSession, whose Linux port is not dependable in tests.
enum HTTPTestClient {
    struct Reply {
        var status: Int
        var body: String

        /// The body parsed as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(self.body.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(self.body)")
            }
            return object
        }
    }

    static func request(port: Int, _ method: String, _ path: String, body: String = "") throws -> Reply {
        let client = try TCPTestClient(port: port, timeout: 5)
        let request =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        try client.send(Array(request.utf8))
        // Bounded: the server closes the connection after its reply, and each read gives up after 5 s.
        let reply = String(decoding: try client.receive(upTo: 1 << 20), as: UTF8.self)
        guard let headerEnd = reply.range(of: "\r\n\r\n") else {
            throw TestFailure("no HTTP reply to \(method) \(path): \(reply)")
        }
        let statusLine = reply[..<headerEnd.lowerBound].split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw TestFailure("bad HTTP status line: \(statusLine)")
        }
        return Reply(status: status, body: String(reply[headerEnd.upperBound...]))
    }
}
