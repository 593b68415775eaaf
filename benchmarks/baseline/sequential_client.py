#!/usr/bin/env python3
"""The baseline: a ComfyUI client written the usual way, one panel at a time.

For each panel it posts the workflow (with that panel's seed), waits on the WebSocket for the
prompt to finish, reads /history/{id}, then downloads every output with /view, and only then
posts the next panel. This is how the original StoryCore integration (and most scripts built
from ComfyUI's websockets_api_example.py) work: the GPU idles during every round trip and
download, and a second server adds nothing. Given several --server options it does what such a
script does with a list of servers: it takes them in turn, still one panel at a time.

Prints one JSON object on stdout: panels, seconds (wall), cpu_seconds (this process),
max_rss_kib, files, bytes, started_unix_ms and finished_unix_ms (to line the run up with the
server's execution timestamps).
"""
import argparse
import json
import os
import resource
import sys
import time
import urllib.parse
import uuid

try:
    import requests
    import websocket  # websocket-client
except ImportError as exc:  # the harness installs these; say so clearly if it could not
    print(json.dumps({"error": f"missing Python module: {exc.name}; run: python3 -m pip install requests websocket-client"}))
    sys.exit(3)


def seeded(workflow, seed):
    graph = json.loads(json.dumps(workflow))
    for node in graph.values():
        inputs = node.get("inputs", {})
        for key in ("seed", "noise_seed"):
            if key in inputs and not isinstance(inputs[key], list):
                inputs[key] = seed
    return graph


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", action="append", help="server base URL; repeat to take several in turn (default http://127.0.0.1:8188)")
    parser.add_argument("--workflow", required=True, help="API-format workflow JSON")
    parser.add_argument("--panels", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True, help="folder for downloaded images")
    args = parser.parse_args()

    with open(args.workflow) as f:
        workflow = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    bases = [server.rstrip("/") for server in (args.server or ["http://127.0.0.1:8188"])]
    client_id = str(uuid.uuid4())
    session = requests.Session()

    started_unix = time.time()
    started = time.monotonic()
    sockets = {}
    files = 0
    total_bytes = 0
    for i in range(args.panels):
        base = bases[i % len(bases)]
        if base not in sockets:
            ws_url = base.replace("http://", "ws://").replace("https://", "wss://")
            sockets[base] = websocket.create_connection(f"{ws_url}/ws?clientId={client_id}")
        ws = sockets[base]
        graph = seeded(workflow, args.seed + i)
        reply = session.post(f"{base}/prompt", json={"prompt": graph, "client_id": client_id})
        reply.raise_for_status()
        prompt_id = reply.json()["prompt_id"]
        while True:
            message = ws.recv()
            if isinstance(message, bytes):
                continue
            event = json.loads(message)
            data = event.get("data", {})
            if event.get("type") == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id:
                break
        history = session.get(f"{base}/history/{prompt_id}").json()[prompt_id]
        for node_output in history.get("outputs", {}).values():
            for image in node_output.get("images", []):
                query = urllib.parse.urlencode({"filename": image["filename"], "subfolder": image["subfolder"], "type": image["type"]})
                body = session.get(f"{base}/view?{query}").content
                with open(os.path.join(args.out, f"panel_{i:04d}_{image['filename']}"), "wb") as out:
                    out.write(body)
                files += 1
                total_bytes += len(body)
    for ws in sockets.values():
        ws.close()
    elapsed = time.monotonic() - started
    finished_unix = started_unix + elapsed
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"panels": args.panels, "seconds": elapsed, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "max_rss_kib": usage.ru_maxrss, "files": files, "bytes": total_bytes,
                      "started_unix_ms": started_unix * 1000, "finished_unix_ms": finished_unix * 1000}))


if __name__ == "__main__":
    main()
