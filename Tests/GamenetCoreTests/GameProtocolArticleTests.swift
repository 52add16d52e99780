import Foundation
import GamenetCore
import NIOCore
import Testing

/// The protocol article is the specification a client is written from: every example in it must decode.
@Suite struct GameProtocolArticleTests {
    static let article: String = {
        let path = URLPath.sourcesDirectory + "/GamenetCore/GamenetCore.docc/GameProtocol.md"
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    /// The contents of the article's fenced blocks of one kind (`""` for plain blocks, `"json"` for JSON).
    static func blocks(_ kind: String) -> [String] {
        var blocks: [String] = []
        var current: (kind: Substring, lines: [Substring])?
        for line in Self.article.split(separator: "\n", omittingEmptySubsequences: false) {
            if let block = current {
                if line == "```" {
                    if block.kind == kind { blocks.append(block.lines.joined(separator: "\n")) }
                    current = nil
                } else {
                    current!.lines.append(line)
                }
            } else if line.hasPrefix("```") {
                current = (line.dropFirst(3), [])
            }
        }
        return blocks
    }

    @Test func everyMessageTypeIsDocumented() {
        #expect(!Self.article.isEmpty)
        for type in GameMessage.MessageType.allCases {
            let heading =
                "### `\(type.jsonName)` (0x\(String(type.rawValue, radix: 16, uppercase: true).leftPadded(to: 2)))"
            #expect(Self.article.contains(heading), "\(heading)")
        }
    }

    @Test func everyHexExampleDecodes() throws {
        let hexBlocks = Self.blocks("").filter { block in
            block.allSatisfy { $0.isHexDigit || $0 == " " || $0 == "\n" } && !block.isEmpty
        }
        #expect(hexBlocks.count >= 45)
        for block in hexBlocks {
            var bytes = gameHex(block)
            // A block that starts with its own length is a stream frame.
            if let length = bytes.getInteger(at: 0, as: UInt32.self), Int(length) == bytes.readableBytes - 4 {
                let frame = try #require(try GameCodec.nextStreamMessage(from: &bytes, maximumMessageSize: 65_536))
                #expect(throws: Never.self, "\(block)") { try GameFrame(decoding: frame) }
                #expect(bytes.readableBytes == 0)
            } else {
                #expect(throws: Never.self, "\(block)") { try GameFrame(decoding: bytes) }
            }
        }
    }

    @Test func everyJSONExampleDecodes() {
        let jsonBlocks = Self.blocks("json").flatMap { $0.split(separator: "\n") }
        #expect(jsonBlocks.count >= 35)
        for text in jsonBlocks {
            #expect(throws: Never.self, "\(text)") { try GameJSONCodec.decode(ByteBuffer(string: String(text))) }
        }
    }

    @Test func everyCodeIsDocumented() {
        func row(_ value: some BinaryInteger, _ name: String) -> String { "| \(value) | `\(name)` |" }
        for code in GoodbyeReason.allKnown { #expect(Self.article.contains(row(code.rawValue, code.name))) }
        for code in GameErrorCode.allKnown { #expect(Self.article.contains(row(code.rawValue, code.name))) }
        for code in WarningCode.allKnown { #expect(Self.article.contains(row(code.rawValue, code.name))) }
        for code in ResumeRejectionReason.allKnown { #expect(Self.article.contains(row(code.rawValue, code.name))) }
        for code in RequestFailureReason.allKnown { #expect(Self.article.contains(row(code.rawValue, code.name))) }
        for code in MemberExitReason.allKnown { #expect(Self.article.contains(row(code.rawValue, code.name))) }
    }
}

private enum URLPath {
    /// `Sources/` of this package, found from this file's path.
    static var sourcesDirectory: String {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/Sources"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
