#!/usr/bin/env python3
"""Drive a ComfyUI server the usual way and check what comes back.

This is the flow of ComfyUI's own script_examples/websockets_api_example.py: open the WebSocket
with a clientId, POST /prompt with that client_id and a client-chosen prompt_id, read frames until
`executing` with `node: null` for the prompt, then GET /history/{id} and download every image with
GET /view. It is used to show that `comfybridge emulate` works with an unmodified Python client.

Uses the `websocket-client` package when it is installed (as the ComfyUI example does); otherwise
a minimal standard-library WebSocket client with the same recv() behaviour, so the check runs on
any Python 3.8+.

Prints one JSON summary line on stdout. Exit status: 0 = every check passed, 1 = a check failed,
2 = the server could not be reached.
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import urllib.parse
import urllib.request
import uuid

try:
    import websocket  # websocket-client, as in ComfyUI's example
    WS_IMPLEMENTATION = "websocket-client"
except ImportError:
    websocket = None
    WS_IMPLEMENTATION = "stdlib"


class MiniWebSocket:
    """Just enough RFC 6455 for a ComfyUI client: handshake, text/binary frames, ping, close."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path + ("?" + parts.query if parts.query else "")
        request = (f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("connection closed during the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError("WebSocket upgrade refused: " + head.split(b"\r\n", 1)[0].decode(errors="replace"))

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("WebSocket closed")
            data += chunk
        return data

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text):
        self._send(0x1, text.encode())

    def recv(self):
        """Returns a str for text messages and bytes for binary ones, like websocket-client."""
        message, kind = b"", None
        while True:
            b0, b1 = self._exact(2)
            opcode, fin = b0 & 0x0F, b0 & 0x80
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the server")
            if opcode in (0x1, 0x2):
                kind = opcode
            message += payload
            if fin:
                return message.decode() if kind == 0x1 else message

    def close(self):
        try:
            self._send(0x8, struct.pack(">H", 1000))
        finally:
            self.sock.close()


def connect(url, stdlib=False):
    if websocket is not None and not stdlib:
        ws = websocket.WebSocket()
        ws.connect(url)
        return ws
    return MiniWebSocket(url)


def http_json(server, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server + path, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def get_image(server, filename, subfolder, folder_type):
    query = urllib.parse.urlencode({"filename": filename, "subfolder": subfolder, "type": folder_type})
    with urllib.request.urlopen(f"{server}/view?{query}", timeout=60) as response:
        return response.read(), response.headers.get("Content-Type")


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def workflow(seed, width, height, batch, text):
    return {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "random_sd15.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": width, "height": height, "batch_size": batch}},
        "3": {"class_type": "KSampler", "inputs": {"seed": seed, "steps": 3, "cfg": 7.0, "sampler_name": "euler",
                                                   "scheduler": "normal", "denoise": 1.0, "model": ["4", 0],
                                                   "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "python_client/check"}},
    }


def run(server, seed, width, height, batch, stdlib=False):
    client_id = str(uuid.uuid4())
    ws_url = server.replace("http://", "ws://").replace("https://", "wss://") + f"/ws?clientId={client_id}"
    ws = connect(ws_url, stdlib)
    failures, seen = [], []
    try:
        prompt_id = str(uuid.uuid4())
        reply = http_json(server, "/prompt", {"prompt": workflow(seed, width, height, batch, "a lighthouse at dusk"),
                                              "client_id": client_id, "prompt_id": prompt_id})
        if reply.get("prompt_id") != prompt_id:
            failures.append(f"/prompt answered prompt_id {reply.get('prompt_id')!r}, expected {prompt_id!r}")
        progress = 0
        while True:
            out = ws.recv()
            if not isinstance(out, str):
                continue
            message = json.loads(out)
            seen.append(message["type"])
            if message["type"] == "progress":
                progress += 1
            if message["type"] == "execution_error":
                failures.append("execution_error: " + message["data"].get("exception_message", ""))
            if message["type"] == "executing":
                data = message["data"]
                if data["node"] is None and data["prompt_id"] == prompt_id:
                    break
    finally:
        ws.close()
    history = http_json(server, f"/history/{prompt_id}").get(prompt_id)
    if not history:
        failures.append("no history entry after the run finished")
        return failures, {}
    if history["status"]["status_str"] != "success":
        failures.append(f"history status {history['status']['status_str']!r}")
    images = []
    for node_id, node_output in history["outputs"].items():
        for image in node_output.get("images", []):
            data, content_type = get_image(server, image["filename"], image["subfolder"], image["type"])
            size = png_size(data)
            if content_type != "image/png" or size != (width, height):
                failures.append(f"{image['filename']}: {content_type}, size {size}, expected image/png {width}x{height}")
            images.append({"node": node_id, "filename": image["filename"], "bytes": len(data)})
    if len(images) != batch:
        failures.append(f"{len(images)} images for a batch of {batch}")
    if progress != 3:
        failures.append(f"{progress} progress messages for 3 sampler steps")
    for expected in ("execution_start", "execution_cached", "executing", "executed", "execution_success"):
        if expected not in seen:
            failures.append(f"no {expected} message")
    return failures, {"prompt_id": prompt_id, "images": images, "messages": len(seen)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="http://127.0.0.1:8188", help="server base URL")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--height", type=int, default=96)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--stdlib-websocket", action="store_true", help="use the built-in WebSocket client even if websocket-client is installed")
    args = parser.parse_args()
    server = args.server.rstrip("/")
    try:
        stats = http_json(server, "/system_stats")
    except OSError as exc:
        print(json.dumps({"ok": False, "error": f"cannot reach {server}: {exc}"}))
        return 2
    failures, summary = run(server, args.seed, args.width, args.height, args.batch, args.stdlib_websocket)
    implementation = "stdlib" if args.stdlib_websocket else WS_IMPLEMENTATION
    print(json.dumps({"ok": not failures, "failures": failures, "websocket": implementation,
                      "comfyui_version": stats.get("system", {}).get("comfyui_version"), **summary}))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
