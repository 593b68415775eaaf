import ComfyTestSupport
import Foundation
import Testing
@testable import StoryCoreDashboard

/// The page embedded in the binary (`DashboardAssets.swift`, generated) is the page in the repository.
@Suite("embedded dashboard assets match Sources/StoryCoreDashboard/Assets")
struct DashboardAssetsDriftTests {
    /// `Sources/StoryCoreDashboard/Assets` of this checkout.
    static let assetsFolder = Repository.path("Sources/StoryCoreDashboard/Assets")

    @Test(arguments: ["index.html", "app.js", "app.css"])
    func theEmbeddedFileIsTheFileOnDiskByteForByte(name: String) throws {
        let onDisk = try Data(contentsOf: Self.assetsFolder.appendingPathComponent(name))
        let embedded = try #require(DashboardAssets.files[name], "\(name) is not embedded; run scripts/embed-dashboard.sh")
        #expect(Data(embedded.bytes) == onDisk, "embedded \(name) drifted from Sources/StoryCoreDashboard/Assets; run scripts/embed-dashboard.sh")
    }

    @Test func everyFileInTheAssetsFolderIsEmbeddedWithItsContentType() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.assetsFolder.path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(DashboardAssets.files.keys), "run scripts/embed-dashboard.sh (and list new files in it)")
        #expect(DashboardAssets.files["index.html"]?.contentType.hasPrefix("text/html") == true)
        #expect(DashboardAssets.files["app.js"]?.contentType.hasPrefix("text/javascript") == true)
        #expect(DashboardAssets.files["app.css"]?.contentType.hasPrefix("text/css") == true)
    }

    @Test func thePageLoadsItsScriptAsAModuleAndNothingFromAnotherHost() throws {
        let page = String(decoding: try #require(DashboardAssets.files["index.html"]).bytes, as: UTF8.self)
        #expect(page.contains(#"<script type="module" src="/assets/app.js"></script>"#))
        #expect(page.contains(#"href="/assets/app.css""#))
        for name in ["index.html", "app.js", "app.css"] {
            let text = String(decoding: try #require(DashboardAssets.files[name]).bytes, as: UTF8.self)
            for remote in [#"src="http"#, #"href="http"#, "url(http", #"from "http"#, #"import("http"#, #"src="//"#, #"href="//"#] {
                #expect(!text.contains(remote), "\(name) loads from another host (\(remote)…): the page must work offline")
            }
        }
    }
}
