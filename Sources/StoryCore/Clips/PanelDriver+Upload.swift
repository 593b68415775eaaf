import ComfyAPI
import Foundation

extension PanelDriver {
    /// Uploads the clip's key panel image (its current version's first image) to the leased server,
    /// records the file and the name the server returned, and reports that name.
    ///
    /// The key panel must be completed, its file intact, and, when it has a review of its current
    /// version, approved. The upload name is `<shot>_<key panel>_v<version>.<ext>` in the clip
    /// subfolder; identical bytes keep the server's existing file, so a resumed run uploads nothing new.
    func uploadKeyImage() async throws -> PanelMachine.Observation {
        guard let clip = item.job.clip, let clipOptions = context.options.clips else {
            return .keyPanelUnavailable("job \(panelID) is not a shot clip")
        }
        guard let key = try await context.ledger.panel(clip.keyPanelID), key.state == .completed,
              let file = key.files.first else {
            return .keyPanelUnavailable("key panel \(clip.keyPanelID) of \(clip.shotID) has no completed image")
        }
        if let review = key.review, review.version == key.version, review.verdict == .rejected {
            return .keyPanelUnavailable("key panel \(clip.keyPanelID) of \(clip.shotID) was rejected in review")
        }
        guard context.store.isIntact(file) else {
            return .keyPanelUnavailable("key panel \(clip.keyPanelID)'s image \(file.path) is missing or changed on disk")
        }
        let source = context.store.projectDirectory.appendingPathComponent(file.path)
        let ext = source.pathExtension.isEmpty ? "png" : source.pathExtension
        let name = "\(clip.shotID)_\(clip.keyPanelID)_v\(key.version).\(ext)"
        do {
            let uploaded = try await lease.client.upload(image: source, name: name, subfolder: clipOptions.uploadSubfolder,
                                                         maxBytes: clipOptions.maxUploadBytes)
            try await context.ledger.noteClipUpload(panelID, sourceImage: file.path, uploadedImage: uploaded.loadImageValue)
            return .uploaded(uploaded.loadImageValue)
        } catch let error as ComfyError {
            if Task.isCancelled { return .cancelled }
            if case .invalidArgument(let reason) = error { return .keyPanelUnavailable(reason) }
            return .uploadFailed(error)
        }
    }
}
