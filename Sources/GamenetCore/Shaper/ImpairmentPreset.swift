/// Named link profiles for `impair --preset NAME`: one-way values, applied to each direction.
///
/// Sources: comcast's network profile table (lan to gprs), Unity Multiplayer Tools and NetCode for GameObjects
/// network simulator presets (broadband, 4g, starlink, unplayable), Valve GameNetworkingSockets' lag and loss tests
/// (reorder, lossy), and tc netem's Gilbert-Elliott model (bursty).
package struct ImpairmentPreset: Hashable, Sendable {
    package var name: String
    /// The spec string, parsed by ``ImpairmentSpec/init(parsing:base:)``.
    package var spec: String
    package var summary: String

    package static let all: [ImpairmentPreset] = [
        .init(name: "lan", spec: "delay 1ms 1ms", summary: "wired local network"),
        .init(name: "broadband", spec: "delay 32ms 12ms loss 2%", summary: "home broadband, cable or fibre"),
        .init(name: "wifi", spec: "delay 40ms loss 0.2% rate 30mbit", summary: "a busy home Wi-Fi"),
        .init(name: "dsl", spec: "delay 40ms loss 0.5% rate 8mbit", summary: "ADSL"),
        .init(name: "4g", spec: "delay 100ms 20ms loss 4%", summary: "4G mobile"),
        .init(name: "3g", spec: "delay 250ms loss 1.5% rate 750kbit", summary: "3G mobile"),
        .init(name: "edge", spec: "delay 300ms loss 1.5% rate 250kbit", summary: "EDGE mobile"),
        .init(name: "gprs", spec: "delay 500ms loss 2% rate 50kbit", summary: "GPRS mobile"),
        .init(name: "starlink", spec: "delay 20ms loss 2.5%", summary: "low-earth-orbit satellite"),
        .init(name: "lossy", spec: "delay 50ms loss 10% reorder 2% 50ms", summary: "heavy random loss"),
        .init(name: "reorder", spec: "delay 50ms reorder 30% 40ms", summary: "heavy reordering"),
        .init(name: "bursty", spec: "delay 50ms 10ms loss 2% burst 3", summary: "loss in bursts of 3 on average"),
        .init(name: "unplayable", spec: "delay 300ms 400ms loss 30%", summary: "a link no game survives"),
        .init(name: "mitm", spec: "delay 200ms 400ms loss 2% corrupt 1%", summary: "a tampering middlebox"),
        .init(name: "outage", spec: "outage 5s@0s", summary: "everything lost for the first 5 seconds"),
    ]

    /// The preset called `name`.
    ///
    /// - Throws: ``ImpairmentSpecParseError`` naming `name` and listing the presets.
    package static func named(_ name: String) throws(ImpairmentSpecParseError) -> ImpairmentPreset {
        guard let preset = Self.all.first(where: { $0.name == name }) else {
            throw ImpairmentSpecParseError(
                token: name,
                "unknown preset, expected one of \(Self.all.map(\.name).joined(separator: ", "))"
            )
        }
        return preset
    }
}
