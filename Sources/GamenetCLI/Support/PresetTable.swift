import GamenetCore

/// `impair --list-presets`: the presets, their one-way values and what they stand for.
enum PresetTable {
    static func print() {
        let nameWidth = ImpairmentPreset.all.map(\.name.count).max() ?? 0
        let specWidth = ImpairmentPreset.all.map(\.spec.count).max() ?? 0
        var text = "one-way values, applied to each direction:\n"
        for preset in ImpairmentPreset.all {
            let name = preset.name.padding(to: nameWidth)
            let spec = preset.spec.padding(to: specWidth)
            text += "  \(name)  \(spec)  \(preset.summary)\n"
        }
        text += "sources: comcast's profile table; Unity Multiplayer Tools and Netcode network simulator presets; \n"
        text += "Valve GameNetworkingSockets lag and loss tests; tc netem's Gilbert-Elliott loss model.\n"
        StandardOutput.printLine(String(text.dropLast()))
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - self.count))
    }
}
