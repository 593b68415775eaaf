#!/usr/bin/env python3
"""Builds UI-format exports (LiteGraph JSON, as ComfyUI's frontend saves them) for the converter tests.

The node shapes follow object_info.json: widget values in catalogue order, the extra
control_after_generate value after seeds, widget inputs converted to sockets, Reroute,
PrimitiveNode, Note, muted (mode 2) and bypassed (mode 4) nodes, old-style link arrays
(ui_sdxl.json) and new-style link objects (ui_flux2.json), and a subgraph (ui_subgraph.json).
Run from this folder: python3 make_ui_exports.py
"""
import json

def slot(name, type_, link=None, widget=False):
    d = {"name": name, "type": type_, "link": link}
    if widget:
        d["widget"] = {"name": name}
    return d

def out(name, type_, links):
    return {"name": name, "type": type_, "links": links, "slot_index": 0}

def node(id_, type_, order, inputs, outputs, widgets, mode=0, title=None, pos=(0, 0)):
    n = {"id": id_, "type": type_, "pos": list(pos), "size": [315, 106], "flags": {}, "order": order, "mode": mode,
         "inputs": inputs, "outputs": outputs, "properties": {"Node name for S&R": type_}, "widgets_values": widgets}
    if title:
        n["title"] = title
    return n

sdxl_nodes = [
    node(4, "CheckpointLoaderSimple", 0, [], [out("MODEL", "MODEL", [1]), out("CLIP", "CLIP", [3, 5]), out("VAE", "VAE", [8])],
         ["sd_xl_base_1.0.safetensors"]),
    node(10, "Reroute", 1, [{"name": "", "type": "*", "link": 3}], [{"name": "", "type": "CLIP", "links": [4], "slot_index": 0}], [],
         ),
    node(11, "PrimitiveNode", 2, [], [{"name": "INT", "type": "INT", "links": [12], "widget": {"name": "width"}, "slot_index": 0}],
         [896, "fixed"], title="width"),
    node(6, "CLIPTextEncode", 3, [slot("clip", "CLIP", 4)], [out("CONDITIONING", "CONDITIONING", [6])],
         ["a castle on a hill, golden hour"], title="Positive"),
    node(7, "CLIPTextEncode", 4, [slot("clip", "CLIP", 5)], [out("CONDITIONING", "CONDITIONING", [7])],
         ["blurry, watermark"], title="Negative"),
    node(5, "EmptyLatentImage", 5, [slot("width", "INT", 12, widget=True)], [out("LATENT", "LATENT", [9])], [896, 1152, 1]),
    node(3, "KSampler", 6, [slot("model", "MODEL", 1), slot("positive", "CONDITIONING", 6), slot("negative", "CONDITIONING", 7),
                            slot("latent_image", "LATENT", 9)], [out("LATENT", "LATENT", [10])],
         [156680208700286, "randomize", 20, 8, "euler", "normal", 1]),
    node(8, "VAEDecode", 7, [slot("samples", "LATENT", 10), slot("vae", "VAE", 8)], [out("IMAGE", "IMAGE", [13, 15])], []),
    node(12, "ImageScale", 8, [slot("image", "IMAGE", 13)], [out("IMAGE", "IMAGE", [14])], ["nearest-exact", 512, 512, "disabled"], mode=4),
    node(13, "PreviewImage", 9, [slot("images", "IMAGE", 15)], [], [], mode=2),
    node(9, "SaveImage", 10, [slot("images", "IMAGE", 14)], [], ["castle"]),
    node(14, "Note", 11, [], [], ["Converted by hand from the default graph."]),
]
sdxl_links = [
    [1, 4, 0, 3, 0, "MODEL"], [3, 4, 1, 10, 0, "*"], [4, 10, 0, 6, 0, "CLIP"], [5, 4, 1, 7, 0, "CLIP"],
    [6, 6, 0, 3, 1, "CONDITIONING"], [7, 7, 0, 3, 2, "CONDITIONING"], [8, 4, 2, 8, 1, "VAE"], [9, 5, 0, 3, 3, "LATENT"],
    [10, 3, 0, 8, 0, "LATENT"], [12, 11, 0, 5, 0, "INT"], [13, 8, 0, 12, 0, "IMAGE"], [14, 12, 0, 9, 0, "IMAGE"],
    [15, 8, 0, 13, 0, "IMAGE"],
]
sdxl = {"id": "0b0cd2e4-5b8d-4f43-9a55-8a4f8a1f7f01", "revision": 0, "last_node_id": 14, "last_link_id": 15,
        "nodes": sdxl_nodes, "links": sdxl_links, "groups": [], "config": {},
        "extra": {"ds": {"scale": 1.0, "offset": [0, 0]}, "frontendVersion": "1.28.8"}, "version": 0.4}

def link(id_, o, os_, t, ts, type_):
    return {"id": id_, "origin_id": o, "origin_slot": os_, "target_id": t, "target_slot": ts, "type": type_}

flux_nodes = [
    node(1, "UNETLoader", 0, [], [out("MODEL", "MODEL", [1])], ["flux2_dev_fp8mixed.safetensors", "default"]),
    node(2, "CLIPLoader", 1, [], [out("CLIP", "CLIP", [2])], ["mistral_3_small_flux2_fp8.safetensors", "flux2", "default"]),
    node(3, "VAELoader", 2, [], [out("VAE", "VAE", [3])], ["flux2-vae.safetensors"]),
    node(4, "CLIPTextEncode", 3, [slot("clip", "CLIP", 2)], [out("CONDITIONING", "CONDITIONING", [4])], ["a red fox in snow"]),
    node(5, "FluxGuidance", 4, [slot("conditioning", "CONDITIONING", 4)], [out("CONDITIONING", "CONDITIONING", [5])], [4]),
    node(7, "BasicGuider", 5, [slot("model", "MODEL", 1), slot("conditioning", "CONDITIONING", 5)], [out("GUIDER", "GUIDER", [7])], []),
    node(15, "PrimitiveNode", 6, [], [{"name": "INT", "type": "INT", "links": [15], "widget": {"name": "noise_seed"}, "slot_index": 0}],
         [18446744073709551615, "increment"], title="seed"),
    node(8, "RandomNoise", 7, [slot("noise_seed", "INT", 15, widget=True)], [out("NOISE", "NOISE", [8])], [0, "randomize"]),
    node(9, "KSamplerSelect", 8, [], [out("SAMPLER", "SAMPLER", [9])], ["euler"]),
    node(10, "Flux2Scheduler", 9, [], [out("SIGMAS", "SIGMAS", [10])], [20, 1024, 1024]),
    node(11, "EmptyFlux2LatentImage", 10, [], [out("LATENT", "LATENT", [11])], [1024, 1024, 1]),
    node(12, "SamplerCustomAdvanced", 11, [slot("noise", "NOISE", 8), slot("guider", "GUIDER", 7), slot("sampler", "SAMPLER", 9),
                                           slot("sigmas", "SIGMAS", 10), slot("latent_image", "LATENT", 11)],
         [out("output", "LATENT", [12]), {"name": "denoised_output", "type": "LATENT", "links": None}], []),
    node(13, "VAEDecode", 12, [slot("samples", "LATENT", 12), slot("vae", "VAE", 3)], [out("IMAGE", "IMAGE", [13])], []),
    node(14, "SaveImage", 13, [slot("images", "IMAGE", 13)], [], ["fox"]),
    node(16, "MarkdownNote", 14, [], [], ["# Flux 2"]),
]
flux_links = [link(1, 1, 0, 7, 0, "MODEL"), link(2, 2, 0, 4, 0, "CLIP"), link(3, 3, 0, 13, 1, "VAE"),
              link(4, 4, 0, 5, 0, "CONDITIONING"), link(5, 5, 0, 7, 1, "CONDITIONING"), link(7, 7, 0, 12, 1, "GUIDER"),
              link(8, 8, 0, 12, 0, "NOISE"), link(9, 9, 0, 12, 2, "SAMPLER"), link(10, 10, 0, 12, 3, "SIGMAS"),
              link(11, 11, 0, 12, 4, "LATENT"), link(12, 12, 0, 13, 0, "LATENT"), link(13, 13, 0, 14, 0, "IMAGE"),
              link(15, 15, 0, 8, 0, "INT")]
flux = {"id": "9d1f0a52-0c5e-4c41-b8c7-5d0f4b6f2a10", "revision": 3, "last_node_id": 16, "last_link_id": 15,
        "nodes": flux_nodes, "links": flux_links, "groups": [], "definitions": {"subgraphs": []}, "config": {}, "extra": {}, "version": 0.4}

sub_id = "3b6a8c1e-4f2d-4e5a-9b7c-1d2e3f4a5b6c"
subgraph = {"id": "5e0b1a2c-6d7e-4f80-9123-456789abcdef", "revision": 0, "last_node_id": 2, "last_link_id": 1,
            "nodes": [node(1, "ProbeImage", 0, [], [out("images", "IMAGE", [1])], [1, 512, 512, 1, "probe", 4, 10]),
                      node(2, sub_id, 1, [slot("images", "IMAGE", 1)], [], [], title="My subgraph")],
            "links": [[1, 1, 0, 2, 0, "IMAGE"]], "groups": [],
            "definitions": {"subgraphs": [{"id": sub_id, "name": "My subgraph", "nodes": [], "links": []}]},
            "config": {}, "extra": {}, "version": 0.4}

muted = {"last_node_id": 2, "last_link_id": 1,
         "nodes": [node(1, "ProbeImage", 0, [], [out("images", "IMAGE", [1])], [5, 512, 512, 1, "probe", 4, 10], mode=2),
                   node(2, "SaveImage", 1, [slot("images", "IMAGE", 1)], [], ["muted"])],
         "links": [[1, 1, 0, 2, 0, "IMAGE"]], "groups": [], "config": {}, "extra": {}, "version": 0.4}

probe = {"last_node_id": 3, "last_link_id": 2,
         "nodes": [node(1, "ProbeImage", 0, [], [out("images", "IMAGE", [1])], [42, "fixed", 256, 128, 2, "probe ui export", 3, 5]),
                   node(3, "ProbeFail", 1, [slot("images", "IMAGE", 1)], [out("images", "IMAGE", [2])], ["never runs"], mode=4),
                   node(2, "SaveImage", 2, [slot("images", "IMAGE", 2)], [], ["ui_probe"])],
         "links": [[1, 1, 0, 3, 0, "IMAGE"], [2, 3, 0, 2, 0, "IMAGE"]], "groups": [], "config": {}, "extra": {}, "version": 0.4}

for name, doc in [("ui_sdxl.json", sdxl), ("ui_flux2.json", flux), ("ui_subgraph.json", subgraph), ("ui_muted_source.json", muted),
                  ("ui_probe.json", probe)]:
    with open(name, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
