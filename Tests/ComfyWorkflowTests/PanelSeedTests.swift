import Testing
@testable import ComfyWorkflow

@Suite("Panel seeds are stable and exactly as the contract specifies")
struct PanelSeedTests {
    /// Pinned from an independent Python implementation of FNV-1a-64 (offset 0xcbf29ce484222325, prime 0x100000001b3).
    static let golden: [(String, UInt64)] = [
        ("panel_01", 803_419), ("panel_02", 918_786), ("panel_03", 546_997), ("panel_04", 688_052), ("panel_05", 316_263),
        ("panel_06", 431_630), ("panel_07", 59_841), ("panel_08", 149_520), ("panel_09", 777_731),
    ]

    @Test func seedsForNinePanelsAtGlobalSeed42MatchPinnedValues() {
        for (panel, seed) in Self.golden {
            #expect(PanelSeed.derive(globalSeed: 42, panelID: panel) == seed, "\(panel)")
            #expect(PanelSeed.derive(globalSeed: UInt64(42), panelID: panel) == seed, "\(panel)")
        }
    }

    @Test func hashMatchesKnownFNV1a64Vectors() {
        #expect(PanelSeed.fnv1a64("") == 14_695_981_039_346_656_037)
        #expect(PanelSeed.fnv1a64("a") == 12_638_187_200_555_641_996)
        #expect(PanelSeed.fnv1a64("panel_01") == 14_064_303_741_544_803_377)
        #expect(PanelSeed.fnv1a64("パネル") == 6_883_092_924_338_592_766)
        #expect(PanelSeed.derive(globalSeed: 42, panelID: "master_grid") == 201_582)
    }

    @Test func neverWrapsAroundAtTheTopOfTheRange() {
        #expect(PanelSeed.derive(globalSeed: UInt64.max, panelID: "panel_01") == UInt64.max)
        #expect(PanelSeed.derive(globalSeed: UInt64.max - 803_377, panelID: "panel_01") == UInt64.max)
        #expect(PanelSeed.derive(globalSeed: UInt64.max - 803_378, panelID: "panel_01") == UInt64.max - 1)
        #expect(PanelSeed.derive(globalSeed: Int.max, panelID: "panel_01") == UInt64(Int.max) + 803_377)
    }

    @Test func negativeGlobalSeedsStayAtOrAboveZero() {
        #expect(PanelSeed.derive(globalSeed: -1, panelID: "panel_01") == 803_376)
        #expect(PanelSeed.derive(globalSeed: -5_000_000, panelID: "panel_01") == 0)
        #expect(PanelSeed.derive(globalSeed: Int.min, panelID: "panel_01") == 0)
    }

    @Test func clampsIntoAnInputsRange() {
        #expect(PanelSeed.clamp(5_000_000_000, into: 0...2_147_483_647) == 2_147_483_647)
        #expect(PanelSeed.clamp(3, into: 10...20) == 10)
        #expect(PanelSeed.clamp(15, into: 10...20) == 15)
    }
}
