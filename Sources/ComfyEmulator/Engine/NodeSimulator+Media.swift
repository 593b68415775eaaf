import ComfyWorkflow

extension NodeSimulator {
    /// The simulated behaviour of the animation, video and audio nodes (`NodeDefinitions.mediaJSON`),
    /// nil for other classes.
    ///
    /// SaveAnimatedPNG writes a real APNG of the batch's frames; the WEBP, MP4, WEBM, GIF, FLAC, MP3 and
    /// Opus files are the fixed samples of `MediaSamples` (made by a real ComfyUI). The UI outputs have
    /// ComfyUI 0.8's shapes: `images` with `animated: [true]` for more than one frame (always for the
    /// videos), `audio` for the audio nodes, VideoHelperSuite's `gifs` items for `VHS_VideoCombine`.
    func mediaWork(classType: String, links: [String: SimValue], literals: JSONObject) -> NodeWork? {
        var w = NodeWork()
        func string(_ name: String, _ fallback: String) -> String {
            if let v = literals[name] { return PythonText.str(v) }
            if case .scalar(let v)? = links[name] { return PythonText.str(v) }
            return fallback
        }
        func number(_ name: String, _ fallback: Double) -> Double {
            var value: JSONValue? = literals[name]
            if value == nil, case .scalar(let v)? = links[name] { value = v }
            if let d = value?.doubleValue, d.isFinite { return d }
            return fallback
        }
        func bool(_ name: String, _ fallback: Bool) -> Bool {
            if let b = literals[name]?.boolValue { return b }
            return fallback
        }
        let images = links["images"]?.spec ?? links["image"]?.spec
            ?? ImageSpec(width: 64, height: 64, batch: 1, seed: "0", text: "", solidColor: nil)
        let size = (images.width, images.height)
        switch classType {
        case "RepeatImageBatch":
            var spec = images
            spec.batch = images.batch * max(Int(number("amount", 1)), 1)
            w.outputs = [.image(spec)]
        case "SaveAnimatedPNG":
            w.media = MediaSave(folderType: "output", prefix: string("filename_prefix", "ComfyUI"), size: size, fileExtension: "png",
                                content: .apng(frames: images, fps: number("fps", 6)), key: "images",
                                animated: images.batch > 1 ? true : nil)
        case "SaveAnimatedWEBP":
            w.media = MediaSave(folderType: "output", prefix: string("filename_prefix", "ComfyUI"), size: size, fileExtension: "webp",
                                content: .sample(MediaSamples.webp), key: "images", animated: images.batch > 1 ? true : nil)
        case "SaveWEBM":
            w.media = MediaSave(folderType: "output", prefix: string("filename_prefix", "ComfyUI"), size: size, fileExtension: "webm",
                                content: .sample(MediaSamples.webm), key: "images", animated: true)
        case "CreateVideo":
            w.outputs = [.video(images, fps: number("fps", 30))]
        case "SaveVideo":
            var frames = images
            if case .video(let spec, _)? = links["video"] { frames = spec }
            w.media = MediaSave(folderType: "output", prefix: string("filename_prefix", "video/ComfyUI"), size: (frames.width, frames.height),
                                fileExtension: "mp4", content: .sample(MediaSamples.mp4), key: "images", animated: true)
        case "EmptyAudio":
            w.outputs = [.audio(AudioSpec(seconds: number("duration", 60), sampleRate: Int(number("sample_rate", 44100)),
                                          channels: Int(number("channels", 2)), batch: 1))]
        case "SaveAudio", "SaveAudioMP3", "SaveAudioOpus", "PreviewAudio":
            var batch = 1
            if case .audio(let spec)? = links["audio"] { batch = max(spec.batch, 1) }
            let (ext, sample): (String, [UInt8]) = switch classType {
            case "SaveAudioMP3": ("mp3", MediaSamples.mp3)
            case "SaveAudioOpus": ("opus", MediaSamples.opus)
            default: ("flac", MediaSamples.flac)
            }
            let preview = classType == "PreviewAudio"
            w.media = MediaSave(folderType: preview ? "temp" : "output", prefix: string("filename_prefix", "audio/ComfyUI"),
                                randomTempPrefix: preview, fileExtension: ext, content: .sample(sample), count: batch, key: "audio")
        case "VHS_VideoCombine":
            let format = string("format", "image/gif")
            let sample: [UInt8]
            let ext: String
            switch format {
            case "image/gif", "video/ffmpeg-gif", "video/gifski": (sample, ext) = (MediaSamples.gif, "gif")
            case "image/webp": (sample, ext) = (MediaSamples.webp, "webp")
            case _ where format.hasPrefix("video/") && format.hasSuffix("mp4"): (sample, ext) = (MediaSamples.mp4, "mp4")
            case _ where format.hasPrefix("video/") && format.hasSuffix("webm"): (sample, ext) = (MediaSamples.webm, "webm")
            default:
                w.failure = .runtime("the emulator's VHS_VideoCombine does not write format \(PythonText.quote(format))")
                return w
            }
            let rate = number("frame_rate", 8)
            w.outputs = [.scalar(.array([.bool(bool("save_output", true)), .array([])]))]
            w.media = MediaSave(folderType: bool("save_output", true) ? "output" : "temp", prefix: string("filename_prefix", "AnimateDiff"),
                                size: size, fileExtension: ext, content: .sample(sample), key: "gifs", animated: nil,
                                naming: .videoHelperSuite(format: format, frameRate: rate, firstFrame: images))
        default:
            return nil
        }
        return w
    }
}
