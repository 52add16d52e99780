import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The application bytes a room message, direct message, request or acknowledgement carries; gamenet never looks
/// inside them.
///
/// In JSON a payload that is valid UTF-8 is a string (`"payload": "hi"`), and any other payload is an object with its
/// bytes in standard base64 (`"payload": {"base64": "AAEC"}`), so a browser can send text without a codec and binary
/// without loss.
package struct GamePayload: Hashable, Sendable {
    /// The payload bytes.
    package var bytes: ByteBuffer

    package init(_ bytes: ByteBuffer) {
        self.bytes = bytes
    }

    package init(string: String) {
        self.bytes = ByteBuffer(string: string)
    }

    package init(bytes: [UInt8]) {
        self.bytes = ByteBuffer(bytes: bytes)
    }

    /// The payload size in bytes.
    package var count: Int { self.bytes.readableBytes }

    /// The payload as text, when it is valid UTF-8.
    package var text: String? {
        var validator = UTF8Validator()
        let isValid = self.bytes.withUnsafeReadableBytes { validator.validate($0) } && validator.isComplete
        return isValid ? String(buffer: self.bytes) : nil
    }
}

extension GamePayload: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) {
        self.init(string: value)
    }
}

extension GamePayload: Codable {
    private enum CodingKeys: String, CodingKey {
        case base64
    }

    package init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer(), let text = try? container.decode(String.self) {
            self.init(string: text)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let encoded = try container.decode(String.self, forKey: .base64)
        guard let data = Data(base64Encoded: encoded) else {
            throw DecodingError.dataCorruptedError(
                forKey: .base64,
                in: container,
                debugDescription: "not standard base64"
            )
        }
        self.init(ByteBuffer(bytes: data))
    }

    package func encode(to encoder: any Encoder) throws {
        if let text = self.text {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        } else {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let data = self.bytes.withUnsafeReadableBytes { Data($0) }
            try container.encode(data.base64EncodedString(), forKey: .base64)
        }
    }
}
