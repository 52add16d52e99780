/// The protocol versions this implementation speaks, and the choice of one from a client's offer.
package enum GameProtocolVersion {
    /// The version this article and codec describe.
    package static let current: UInt16 = 1
    /// Every version a server built from this code accepts.
    package static let supported: [UInt16] = [current]

    /// The first of the client's `offered` versions (its order is its preference) that the server speaks.
    package static func negotiate(
        offered: [UInt16],
        supported: [UInt16] = GameProtocolVersion.supported
    ) throws(GameProtocolError) -> UInt16 {
        guard let version = offered.first(where: { supported.contains($0) }) else {
            throw .unsupportedVersion(offered: offered)
        }
        return version
    }
}
