#!/usr/bin/env python3
"""Builds object_info.json: the /object_info shapes of the classes the bundled and test workflows use.

Entries for KSampler, SaveImage, EmptyLatentImage, CLIPTextEncode, CheckpointLoaderSimple and the probe
nodes are copied from the recorded transcript j_info_endpoints.json (the checkpoint list is replaced
with the model files the emulator offers); the others are written from ComfyUI 0.8.0's node
definitions in the V1 shape (nodes.py) or the V3 shape (comfy_extras, with display_name null etc.).
Run from this folder: python3 make_object_info.py
"""
import json, os

here = os.path.dirname(os.path.abspath(__file__))
transcript = json.load(open(os.path.join(here, "..", "transcripts", "j_info_endpoints.json")))
info = {}
for e in transcript["events"]:
    req = e.get("request") or {}
    if req.get("path", "").startswith("/object_info/"):
        info.update(e["response"].get("json") or {})
info["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] = ["sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"]
SAMPLERS = info["KSampler"]["input"]["required"]["sampler_name"][0]
SCHEDULERS = info["KSampler"]["input"]["required"]["scheduler"][0]
U64 = 18446744073709551615

def v1(name, required, output, output_name=None, optional=None, hidden=None, display=None, category="", output_node=False):
    inp = {"required": required}
    order = {"required": list(required)}
    if optional:
        inp["optional"] = optional; order["optional"] = list(optional)
    if hidden:
        inp["hidden"] = hidden; order["hidden"] = list(hidden)
    return {"input": inp, "input_order": order, "output": output, "output_is_list": [False] * len(output),
            "output_name": output_name or output, "name": name, "display_name": display or name,
            "description": "", "python_module": "nodes", "category": category, "output_node": output_node}

def v3(name, required, output, output_name=None, optional=None, category="", module="comfy_extras.nodes_custom_sampler"):
    inp = {"required": required}
    order = {"required": list(required)}
    if optional:
        inp["optional"] = optional; order["optional"] = list(optional)
    return {"input": inp, "input_order": order, "output": output, "output_is_list": [False] * len(output),
            "output_name": output_name or output, "output_tooltips": [None] * len(output), "output_matchtypes": None,
            "name": name, "display_name": None, "description": "", "python_module": module, "category": category,
            "output_node": False, "deprecated": False, "experimental": False, "api_node": False}

def combo(options, **extra):
    d = {"multiselect": False, "options": options}; d.update(extra); return ["COMBO", d]

info["VAEDecode"] = v1("VAEDecode", {"samples": ["LATENT", {"tooltip": "The latent to be decoded."}], "vae": ["VAE", {"tooltip": "The VAE model used for decoding the latent."}]}, ["IMAGE"], display="VAE Decode", category="latent")
info["PreviewImage"] = v1("PreviewImage", {"images": ["IMAGE", {"tooltip": "The images to preview."}]}, [], hidden={"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}, display="Preview Image", category="image", output_node=True)
info["UNETLoader"] = v1("UNETLoader", {"unet_name": [["flux2_dev_fp8mixed.safetensors"]], "weight_dtype": [["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"]]}, ["MODEL"], display="Load Diffusion Model", category="advanced/loaders")
info["CLIPLoader"] = v1("CLIPLoader", {"clip_name": [["mistral_3_small_flux2_fp8.safetensors"]], "type": [["stable_diffusion", "stable_cascade", "sd3", "stable_audio", "mochi", "ltxv", "pixart", "cosmos", "lumina2", "wan", "hidream", "chroma", "ace", "omnigen2", "qwen_image", "hunyuan_image", "flux2", "ovis"]]}, ["CLIP"], optional={"device": [["default", "cpu"], {"advanced": True}]}, display="Load CLIP", category="advanced/loaders")
info["VAELoader"] = v1("VAELoader", {"vae_name": [["flux2-vae.safetensors", "sdxl_vae.safetensors"]]}, ["VAE"], display="Load VAE", category="loaders")
info["KSamplerAdvanced"] = v1("KSamplerAdvanced", {"model": ["MODEL"], "add_noise": [["enable", "disable"]], "noise_seed": ["INT", {"default": 0, "min": 0, "max": U64, "control_after_generate": True}], "steps": ["INT", {"default": 20, "min": 1, "max": 10000}], "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}], "sampler_name": [SAMPLERS], "scheduler": [SCHEDULERS], "positive": ["CONDITIONING"], "negative": ["CONDITIONING"], "latent_image": ["LATENT"], "start_at_step": ["INT", {"default": 0, "min": 0, "max": 10000}], "end_at_step": ["INT", {"default": 10000, "min": 0, "max": 10000}], "return_with_leftover_noise": [["disable", "enable"]]}, ["LATENT"], display="KSampler (Advanced)", category="sampling")
info["ConditioningCombine"] = v1("ConditioningCombine", {"conditioning_1": ["CONDITIONING"], "conditioning_2": ["CONDITIONING"]}, ["CONDITIONING"], display="Conditioning (Combine)", category="conditioning")
info["ConditioningZeroOut"] = v1("ConditioningZeroOut", {"conditioning": ["CONDITIONING"]}, ["CONDITIONING"], category="advanced/conditioning")
info["LoadImage"] = v1("LoadImage", {"image": [["example.png"], {"image_upload": True}]}, ["IMAGE", "MASK"], display="Load Image", category="image")
info["EmptyImage"] = v1("EmptyImage", {"width": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], "height": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}], "color": ["INT", {"default": 0, "min": 0, "max": 16777215, "step": 1, "display": "color"}]}, ["IMAGE"], category="image")
info["ImageScale"] = v1("ImageScale", {"image": ["IMAGE"], "upscale_method": [["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]], "width": ["INT", {"default": 512, "min": 0, "max": 16384, "step": 1}], "height": ["INT", {"default": 512, "min": 0, "max": 16384, "step": 1}], "crop": [["disabled", "center"]]}, ["IMAGE"], display="Upscale Image", category="image/upscaling")
info["FluxGuidance"] = v3("FluxGuidance", {"conditioning": ["CONDITIONING", {}], "guidance": ["FLOAT", {"default": 3.5, "min": 0.0, "max": 100.0, "step": 0.1}]}, ["CONDITIONING"], category="advanced/conditioning/flux", module="comfy_extras.nodes_flux")
info["ReferenceLatent"] = v3("ReferenceLatent", {"conditioning": ["CONDITIONING", {}]}, ["CONDITIONING"], optional={"latent": ["LATENT", {}]}, category="advanced/conditioning/edit_models", module="comfy_extras.nodes_edit_model")
info["BasicGuider"] = v3("BasicGuider", {"model": ["MODEL", {}], "conditioning": ["CONDITIONING", {}]}, ["GUIDER"], category="sampling/custom_sampling/guiders")
info["CFGGuider"] = v3("CFGGuider", {"model": ["MODEL", {}], "positive": ["CONDITIONING", {}], "negative": ["CONDITIONING", {}], "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}]}, ["GUIDER"], category="sampling/custom_sampling/guiders")
info["RandomNoise"] = v3("RandomNoise", {"noise_seed": ["INT", {"default": 0, "min": 0, "max": U64, "control_after_generate": True}]}, ["NOISE"], category="sampling/custom_sampling/noise")
info["KSamplerSelect"] = v3("KSamplerSelect", {"sampler_name": combo(SAMPLERS)}, ["SAMPLER"], category="sampling/custom_sampling/samplers")
info["BasicScheduler"] = v3("BasicScheduler", {"model": ["MODEL", {}], "scheduler": combo(SCHEDULERS), "steps": ["INT", {"default": 20, "min": 1, "max": 10000}], "denoise": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.01}]}, ["SIGMAS"], category="sampling/custom_sampling/schedulers")
info["Flux2Scheduler"] = v3("Flux2Scheduler", {"steps": ["INT", {"default": 20, "min": 1, "max": 4096}], "width": ["INT", {"default": 1024, "min": 16, "max": 16384, "step": 1}], "height": ["INT", {"default": 1024, "min": 16, "max": 16384, "step": 1}]}, ["SIGMAS"], category="sampling/custom_sampling/schedulers", module="comfy_extras.nodes_flux")
info["EmptyFlux2LatentImage"] = v3("EmptyFlux2LatentImage", {"width": ["INT", {"default": 1024, "min": 16, "max": 16384, "step": 16}], "height": ["INT", {"default": 1024, "min": 16, "max": 16384, "step": 16}], "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}]}, ["LATENT"], category="latent", module="comfy_extras.nodes_flux")
info["EmptyFlux2LatentImage"]["display_name"] = "Empty Flux 2 Latent"
info["SamplerCustomAdvanced"] = v3("SamplerCustomAdvanced", {"noise": ["NOISE", {}], "guider": ["GUIDER", {}], "sampler": ["SAMPLER", {}], "sigmas": ["SIGMAS", {}], "latent_image": ["LATENT", {}]}, ["LATENT", "LATENT"], output_name=["output", "denoised_output"], category="sampling/custom_sampling")
info["SamplerCustom"] = v3("SamplerCustom", {"model": ["MODEL", {}], "add_noise": ["BOOLEAN", {"default": True}], "noise_seed": ["INT", {"default": 0, "min": 0, "max": U64, "control_after_generate": True}], "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}], "positive": ["CONDITIONING", {}], "negative": ["CONDITIONING", {}], "sampler": ["SAMPLER", {}], "sigmas": ["SIGMAS", {}], "latent_image": ["LATENT", {}]}, ["LATENT", "LATENT"], output_name=["output", "denoised_output"], category="sampling/custom_sampling")
info["PrimitiveInt"] = v3("PrimitiveInt", {"value": ["INT", {"min": -9223372036854775807, "max": 9223372036854775807, "control_after_generate": True}]}, ["INT"], category="utils/primitive", module="comfy_extras.nodes_primitive")
info["PrimitiveString"] = v3("PrimitiveString", {"value": ["STRING", {}]}, ["STRING"], category="utils/primitive", module="comfy_extras.nodes_primitive")
info["PrimitiveStringMultiline"] = v3("PrimitiveStringMultiline", {"value": ["STRING", {"multiline": True}]}, ["STRING"], category="utils/primitive", module="comfy_extras.nodes_primitive")
info["LatentUpscale"] = v1("LatentUpscale", {"samples": ["LATENT"], "upscale_method": [["nearest-exact", "bilinear", "area", "bicubic", "bislerp"]], "width": ["INT", {"default": 512, "min": 0, "max": 16384, "step": 8}], "height": ["INT", {"default": 512, "min": 0, "max": 16384, "step": 8}], "crop": [["disabled", "center"]]}, ["LATENT"], display="Upscale Latent", category="latent")

with open(os.path.join(here, "object_info.json"), "w") as f:
    json.dump(info, f, indent=1)
    f.write("\n")
print(len(info), "classes")
