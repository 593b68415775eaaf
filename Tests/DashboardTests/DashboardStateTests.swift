import Foundation
import Testing
@testable import StoryCoreDashboard

@Suite struct DashboardStateTests {
    @Test func placeholder() { #expect(ViewerQueue(capacity: 4).entries == [.resync]) }
}
