import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Adds the decoder and encoder that turn this byte-stream channel into a channel of messages.
    ///
    /// - Parameters:
    ///   - mode: the framing on the stream.
    ///   - maximumMessageLength: the longest message read from the stream; longer lines and length prefixes are
    ///     errors, longer raw reads are cut.
    package func addFramingHandlers(mode: FramingMode, maximumMessageLength: Int) throws {
        switch mode {
        case .raw:
            try self.addHandler(ByteToMessageHandler(RawFrameDecoder(maximumMessageLength: maximumMessageLength)))
        case .lines:
            try self.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumMessageLength)))
        case .len16:
            let decoder = LengthPrefixedFrameDecoder(
                prefixWidth: .two,
                maximumMessageLength: min(maximumMessageLength, Int(UInt16.max))
            )
            try self.addHandler(ByteToMessageHandler(decoder))
        case .len32:
            let decoder = LengthPrefixedFrameDecoder(prefixWidth: .four, maximumMessageLength: maximumMessageLength)
            try self.addHandler(ByteToMessageHandler(decoder))
        }
        try self.addHandler(FrameEncoder(mode: mode))
    }
}
