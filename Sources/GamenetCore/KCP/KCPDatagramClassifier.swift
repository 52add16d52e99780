import NIOCore

/// Tells KCP datagrams from other UDP traffic on a shared port (`serve` answers raw UDP and KCP on one socket).
///
/// A datagram is KCP when it parses as one or more complete segments back to back, to its last byte: each a 24-byte
/// header with a command of 81 to 84 and a length that fits in what follows. A datagram may open a new conversation
/// only when its first segment is data (PUSH): acknowledgements and probes belong to conversations that exist. Any
/// other datagram is raw UDP. Random bytes pass this test with a probability far below one in a million for
/// datagrams of a few dozen bytes, since the command byte, every length field and the exact fit must all agree.
package enum KCPDatagramClassifier {
    /// What a datagram is.
    package enum Kind: Hashable, Sendable {
        /// KCP for this conversation; `opensConversation` when its first segment is data.
        case kcp(conversation: UInt32, opensConversation: Bool)
        case raw
    }

    package static func classify(_ datagram: ByteBuffer) -> Kind {
        var view = datagram
        guard let conversation = view.peekKCPConversation() else { return .raw }
        var first: KCPSegmentHeader?
        while view.readableBytes > 0 {
            guard let header = try? view.readKCPSegmentHeader(), header.conversation == conversation else {
                return .raw
            }
            view.moveReaderIndex(forwardBy: Int(header.length))
            if first == nil { first = header }
        }
        return .kcp(conversation: conversation, opensConversation: first?.command == .push)
    }
}
