import GamenetCore
import Testing

/// Turning packets around for the TUN link: addresses swapped, checksums left valid, direction from the port.
@Suite struct IPv4ReflectionTests {
    /// A UDP packet 10.73.0.1:40000 → 10.73.0.2:7350 carrying "hi", with a correct header checksum.
    private static func udpPacket(sourcePort: UInt16 = 40_000, destinationPort: UInt16 = 7_350) -> [UInt8] {
        var packet: [UInt8] = [
            0x45, 0x00, 0x00, 0x1E, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
            10, 73, 0, 1, 10, 73, 0, 2,
            UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(destinationPort >> 8), UInt8(destinationPort & 0xFF),
            0x00, 0x0A, 0x00, 0x00, 0x68, 0x69,
        ]
        let checksum = Self.headerChecksum(packet)
        packet[10] = UInt8(checksum >> 8)
        packet[11] = UInt8(checksum & 0xFF)
        return packet
    }

    private static func headerChecksum(_ packet: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for index in stride(from: 0, to: 20, by: 2) where index != 10 {
            sum += UInt32(packet[index]) << 8 | UInt32(packet[index + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    @Test func swapsTheAddressesAndKeepsTheChecksumValid() {
        var packet = Self.udpPacket()
        let direction = packet.withUnsafeMutableBytes { IPv4Reflection.reflect($0, serverPort: 7_350) }
        #expect(direction == .up)
        #expect(Array(packet[12..<16]) == [10, 73, 0, 2])
        #expect(Array(packet[16..<20]) == [10, 73, 0, 1])
        let stored = UInt16(packet[10]) << 8 | UInt16(packet[11])
        #expect(stored == Self.headerChecksum(packet))
        #expect(Array(packet[20...]) == Array(Self.udpPacket()[20...]))
    }

    @Test func tellsTheDirectionByTheServerPort() {
        var answer = Self.udpPacket(sourcePort: 7_350, destinationPort: 40_000)
        #expect(answer.withUnsafeMutableBytes { IPv4Reflection.reflect($0, serverPort: 7_350) } == .down)
    }

    @Test func leavesOtherPacketsAlone() {
        let ipv6: [UInt8] = [0x60] + Array(repeating: 0, count: 47)
        var icmp = Self.udpPacket()
        icmp[9] = 1
        var fragment = Self.udpPacket()
        fragment[7] = 0x10
        let short = Array(Self.udpPacket()[..<21])
        for index in 0..<4 {
            var packet = [ipv6, icmp, fragment, short][index]
            let original = packet
            #expect(packet.withUnsafeMutableBytes { IPv4Reflection.reflect($0, serverPort: 7_350) } == nil)
            #expect(packet == original)
        }
    }
}
