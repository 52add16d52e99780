import NIOCore

/// The per-datagram layers of a tunnel below KCP, a pure state machine: on the way out each KCP datagram becomes an
/// FEC data shard (followed by its group's parity shards when the group fills) and each shard is sealed; on the way
/// in each datagram is opened, and its shard yields the KCP datagrams it carries or lets the decoder rebuild.
///
/// kcptun's pipeline (kcp-go `sess.go`): `[nonce 16][crc32 4][FEC header 8][KCP]`, the crypto over everything. A
/// kcp-go peer with FEC on still takes a datagram without an FEC header: the 16-bit word at offset 4 is then a KCP
/// `cmd | frg << 8`, which can never be 0xF1 or 0xF2, so such a datagram goes straight to KCP here too.
package struct TunnelDatagramCodec: Sendable {
    /// How datagrams are sealed.
    package enum Cipher: Sendable {
        /// kcptun's nonce, CRC-32 and AES-CFB.
        case kcptun(KCPCrypt)
        /// gamenet's AEAD with a replay window.
        case native(TunnelCrypto)
    }

    package private(set) var cipher: Cipher
    package private(set) var encoder: FECEncoder?
    package private(set) var decoder: FECDecoder?
    /// Datagrams refused by the crypto layer (forged, altered, truncated, replayed).
    package private(set) var cryptoFailures = 0
    /// Datagrams refused by the FEC layer as malformed.
    package private(set) var malformedShards = 0

    /// - Parameters:
    ///   - cipher: the crypto layer.
    ///   - fec: the FEC settings, or nil for no FEC layer.
    package init(cipher: Cipher, fec: FECConfiguration?) throws(ReedSolomonError) {
        self.cipher = cipher
        if let fec {
            self.encoder = try FECEncoder(configuration: fec)
            self.decoder = try FECDecoder(configuration: fec)
        }
    }

    /// Bytes the crypto and FEC layers add before a KCP datagram, and the AEAD tag after it: the KCP MTU is the
    /// datagram MTU less this (kcp-go `SetMtu`: `mtu - headerSize`).
    package var overhead: Int {
        let crypto: Int
        switch self.cipher {
        case .kcptun(let crypt): crypto = crypt.headerSize
        case .native(let aead): crypto = TunnelCrypto.headerSize + aead.suite.tagSize
        }
        return crypto + (self.encoder == nil ? 0 : FECLayout.kcp.dataHeaderSize)
    }

    /// Seals one KCP datagram, and any parity it completes, into `output`.
    package mutating func encode<G: RandomNumberGenerator>(
        _ payload: ByteBuffer,
        now: NIODeadline,
        using generator: inout G,
        into output: inout [ByteBuffer]
    ) {
        if self.encoder != nil {
            var shards: [ByteBuffer] = []
            do {
                try self.encoder!.encode(payload, now: now, into: &shards)
            } catch {
                return
            }
            for shard in shards {
                if let sealed = self.seal(shard, using: &generator) { output.append(sealed) }
            }
        } else if let sealed = self.seal(payload, using: &generator) {
            output.append(sealed)
        }
    }

    /// When ``flush(now:using:into:)`` must run for a group's parity (native FEC layout), or nil.
    package var nextDeadline: NIODeadline? { self.encoder?.nextDeadline }

    /// Sends the parity of a group whose flush timeout passed.
    package mutating func flush<G: RandomNumberGenerator>(
        now: NIODeadline,
        using generator: inout G,
        into output: inout [ByteBuffer]
    ) {
        guard self.encoder != nil else { return }
        var shards: [ByteBuffer] = []
        self.encoder!.flush(now: now, into: &shards)
        for shard in shards {
            if let sealed = self.seal(shard, using: &generator) { output.append(sealed) }
        }
    }

    /// Opens one datagram and appends the KCP datagrams it carries or completed to `delivered`; a datagram that
    /// fails the crypto or FEC layer is counted and dropped.
    package mutating func decode(_ datagram: ByteBuffer, now: NIODeadline, into delivered: inout [ByteBuffer]) {
        let opened: ByteBuffer
        switch self.cipher {
        case .kcptun(var crypt):
            do {
                opened = try crypt.open(datagram)
                self.cipher = .kcptun(crypt)
            } catch {
                self.cipher = .kcptun(crypt)
                self.cryptoFailures += 1
                return
            }
        case .native(var crypto):
            do {
                opened = try crypto.open(datagram)
                self.cipher = .native(crypto)
            } catch {
                self.cipher = .native(crypto)
                self.cryptoFailures += 1
                return
            }
        }
        guard self.decoder != nil, Self.isFECShard(opened, layout: self.decoder!.configuration.layout) else {
            delivered.append(opened)
            return
        }
        do {
            try self.decoder!.decode(opened, now: now, into: &delivered)
        } catch {
            self.malformedShards += 1
        }
    }

    /// Whether a datagram starts with an FEC header of the layout rather than a KCP segment.
    package static func isFECShard(_ datagram: ByteBuffer, layout: FECLayout) -> Bool {
        switch layout {
        case .kcp:
            guard let flag = datagram.getInteger(at: datagram.readerIndex + 4, endianness: .little, as: UInt16.self)
            else { return false }
            return flag == 0xF1 || flag == 0xF2
        case .native:
            // gamenet's own peer always frames with FEC when FEC is on; a KCP conv may begin with any byte.
            return true
        }
    }

    private mutating func seal<G: RandomNumberGenerator>(
        _ payload: ByteBuffer,
        using generator: inout G
    ) -> ByteBuffer? {
        switch self.cipher {
        case .kcptun(var crypt):
            defer { self.cipher = .kcptun(crypt) }
            return try? crypt.seal(payload, using: &generator)
        case .native(var crypto):
            defer { self.cipher = .native(crypto) }
            return try? crypto.seal(payload)
        }
    }
}
