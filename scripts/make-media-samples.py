#!/usr/bin/env python3
"""Makes the emulator's tiny media samples from a real ComfyUI 0.8 server, and prints the history
shapes it answered (facts the emulator copies).

    scripts/make-media-samples.py [http://127.0.0.1:8188]

Start the server of ../shared/comfyui-server first (start.sh). One prompt: a 16x16 batch of 3 frames of
different colours saved by SaveAnimatedWEBP, SaveWEBM and CreateVideo -> SaveVideo, and 0.25 s of EmptyAudio
saved by SaveAudio (FLAC), SaveAudioMP3 and SaveAudioOpus. The files land in /tmp/media-samples/ and
Sources/ComfyEmulator/Images/MediaSamples.swift is rewritten with them as base64 text (with a 3-frame
GIF made by Pillow when the Python running this has it: use the ComfyUI venv's python).
"""
import base64, json, os, sys, time, urllib.parse, urllib.request, uuid

server = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8188"
here = os.path.dirname(os.path.abspath(__file__))
target = os.path.join(here, "..", "Sources", "ComfyEmulator", "Images", "MediaSamples.swift")
out_dir = "/tmp/media-samples"
os.makedirs(out_dir, exist_ok=True)

nonce = uuid.uuid4().hex[:8]
graph = {
    # Three frames of different colours (identical frames would be merged into one by the WEBP encoder).
    "20": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 3355647}},
    "21": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 16724787}},
    "22": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 3407667}},
    "23": {"class_type": "ImageBatch", "inputs": {"image1": ["20", 0], "image2": ["21", 0]}},
    "1": {"class_type": "ImageBatch", "inputs": {"image1": ["23", 0], "image2": ["22", 0]}},
    "2": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": f"samples/{nonce}", "fps": 6.0,
                                                       "lossless": False, "quality": 50, "method": "default"}},
    "3": {"class_type": "SaveWEBM", "inputs": {"images": ["1", 0], "filename_prefix": f"samples/{nonce}", "codec": "vp9",
                                               "fps": 6.0, "crf": 50.0}},
    "4": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 6.0}},
    "5": {"class_type": "SaveVideo", "inputs": {"video": ["4", 0], "filename_prefix": f"samples/{nonce}", "format": "auto", "codec": "auto"}},
    "6": {"class_type": "EmptyAudio", "inputs": {"duration": 0.25, "sample_rate": 8000, "channels": 1}},
    "7": {"class_type": "SaveAudio", "inputs": {"audio": ["6", 0], "filename_prefix": f"samples/{nonce}"}},
    "8": {"class_type": "SaveAudioMP3", "inputs": {"audio": ["6", 0], "filename_prefix": f"samples/{nonce}", "quality": "128k"}},
    "9": {"class_type": "SaveAudioOpus", "inputs": {"audio": ["6", 0], "filename_prefix": f"samples/{nonce}", "quality": "64k"}},
    "10": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 0}},
    "11": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["10", 0], "filename_prefix": f"samples/{nonce}_single", "fps": 6.0,
                                                        "lossless": False, "quality": 50, "method": "default"}},
}
body = json.dumps({"prompt": graph, "client_id": "make-media-samples"}).encode()
reply = json.load(urllib.request.urlopen(urllib.request.Request(server + "/prompt", body, {"Content-Type": "application/json"})))
prompt_id = reply["prompt_id"]
entry = None
for _ in range(600):
    history = json.load(urllib.request.urlopen(f"{server}/history/{prompt_id}"))
    if prompt_id in history:
        entry = history[prompt_id]
        break
    time.sleep(0.2)
if entry is None:
    sys.exit("no history after 120 s")
print(json.dumps({"status": entry["status"]["status_str"], "outputs": entry["outputs"]}, indent=1))
json.dump({prompt_id: entry}, open(os.path.join(out_dir, "history.json"), "w"), indent=1)
if entry["status"]["status_str"] != "success":
    sys.exit("the prompt failed")

samples = {}
for node, output in entry["outputs"].items():
    for key, items in output.items():
        for item in items:
            if not isinstance(item, dict) or "filename" not in item:
                continue
            query = urllib.parse.urlencode({k: item[k] for k in ("filename", "subfolder", "type")})
            data = urllib.request.urlopen(f"{server}/view?{query}").read()
            ext = item["filename"].rsplit(".", 1)[-1]
            open(os.path.join(out_dir, f"sample.{ext}"), "wb").write(data)
            if node != "11":
                samples[ext] = data
            print(f"{node} {key} {item['filename']}: {len(data)} bytes, starts {data[:12].hex()}")

# A GIF like VideoHelperSuite's image/gif format writes (Pillow, 3 frames); run this script with the
# ComfyUI venv's Python (which has Pillow) to include it.
try:
    import io
    from PIL import Image
    frames = [Image.new("RGB", (16, 16), c) for c in ((51, 51, 255), (255, 51, 51), (51, 255, 51))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=125, loop=0)
    samples["gif"] = buffer.getvalue()
    print(f"gif (Pillow): {len(samples['gif'])} bytes")
except ImportError:
    print("no Pillow: no GIF sample")

with open(target, "w") as f:
    f.write("// Generated by scripts/make-media-samples.py from a real ComfyUI 0.8.0 server; do not edit.\n\n")
    f.write("import Foundation\n\n")
    f.write("/// Tiny valid media files written by a real ComfyUI 0.8.0 (16x16, 3 frames; 0.25 s of silence),\n")
    f.write("/// which the emulator's video and audio save nodes write as their files.\n")
    f.write("enum MediaSamples {\n")
    for ext in sorted(samples):
        f.write(f"    /// A `.{ext}` file ({len(samples[ext])} bytes).\n")
        f.write(f"    static let {ext}: [UInt8] = decode(\"{base64.b64encode(samples[ext]).decode()}\")\n\n")
    f.write("    private static func decode(_ text: String) -> [UInt8] {\n")
    f.write("        guard let data = Data(base64Encoded: text) else { preconditionFailure(\"a bundled media sample is not base64\") }\n")
    f.write("        return [UInt8](data)\n    }\n}\n")
print("wrote", target)
