import ComfyWorkflow

/// The shot clip workflows compiled into the library (`render --clip-workflow wan|ltx`), copies of
/// `workflows/storycore_clip_wan.json` and `workflows/storycore_clip_ltx.json` (a test keeps them identical).
///
/// - Wan 2.2 14B image-to-video: UNETLoader high and low noise → ModelSamplingSD3 (shift 8) ×2,
///   CLIPLoader `umt5_xxl` (type `wan`), VAELoader `wan_2.1_vae`, LoadImage → WanImageToVideo
///   (640×640, `length` 4k+1) → KSamplerAdvanced (steps 0–10, then 10–end) → VAEDecode → CreateVideo
///   (16 fps) → SaveVideo.
/// - LTX-Video 0.9.5 image-to-video: CheckpointLoaderSimple, CLIPLoader `t5xxl` (type `ltxv`),
///   LoadImage → LTXVPreprocess → LTXVImgToVideo (768×512, `length` 8k+1) → LTXVConditioning
///   (24 fps) → SamplerCustom with KSamplerSelect and LTXVScheduler → VAEDecode → SaveAnimatedWEBP (24 fps).
public enum BundledClipWorkflow: String, Sendable, CaseIterable {
    /// Wan 2.2 image-to-video.
    case wan
    /// LTX-Video image-to-video.
    case ltx

    /// The file this graph is a copy of.
    public var fileName: String { "workflows/storycore_clip_\(rawValue).json" }

    /// The graph's JSON text, exactly as in its file.
    public var text: String {
        switch self {
        case .wan: Self.wanText
        case .ltx: Self.ltxText
        }
    }

    /// The graph.
    public func workflow() throws(WorkflowLoadError) -> Workflow {
        try Workflow(data: Array(text.utf8), file: fileName + " (bundled)")
    }

    static let wanText = #"""
{
  "6": {
    "inputs": {
      "text": "a slow dolly shot of the scene",
      "clip": [
        "38",
        0
      ]
    },
    "class_type": "CLIPTextEncode",
    "_meta": {
      "title": "CLIP Text Encode (Positive Prompt)"
    }
  },
  "7": {
    "inputs": {
      "text": "static, blurry, overexposed, subtitles, low quality, jpeg artifacts, deformed, extra fingers, still picture, cluttered background",
      "clip": [
        "38",
        0
      ]
    },
    "class_type": "CLIPTextEncode",
    "_meta": {
      "title": "CLIP Text Encode (Negative Prompt)"
    }
  },
  "8": {
    "inputs": {
      "samples": [
        "58",
        0
      ],
      "vae": [
        "39",
        0
      ]
    },
    "class_type": "VAEDecode",
    "_meta": {
      "title": "VAE Decode"
    }
  },
  "37": {
    "inputs": {
      "unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
      "weight_dtype": "default"
    },
    "class_type": "UNETLoader",
    "_meta": {
      "title": "Load Diffusion Model (high noise)"
    }
  },
  "38": {
    "inputs": {
      "clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
      "type": "wan",
      "device": "default"
    },
    "class_type": "CLIPLoader",
    "_meta": {
      "title": "Load CLIP"
    }
  },
  "39": {
    "inputs": {
      "vae_name": "wan_2.1_vae.safetensors"
    },
    "class_type": "VAELoader",
    "_meta": {
      "title": "Load VAE"
    }
  },
  "47": {
    "inputs": {
      "fps": 16.0,
      "images": [
        "8",
        0
      ]
    },
    "class_type": "CreateVideo",
    "_meta": {
      "title": "Create Video"
    }
  },
  "48": {
    "inputs": {
      "filename_prefix": "video/storycore",
      "format": "auto",
      "codec": "auto",
      "video": [
        "47",
        0
      ]
    },
    "class_type": "SaveVideo",
    "_meta": {
      "title": "Save Video"
    }
  },
  "50": {
    "inputs": {
      "width": 640,
      "height": 640,
      "length": 81,
      "batch_size": 1,
      "positive": [
        "6",
        0
      ],
      "negative": [
        "7",
        0
      ],
      "vae": [
        "39",
        0
      ],
      "start_image": [
        "52",
        0
      ]
    },
    "class_type": "WanImageToVideo",
    "_meta": {
      "title": "WanImageToVideo"
    }
  },
  "52": {
    "inputs": {
      "image": "example.png"
    },
    "class_type": "LoadImage",
    "_meta": {
      "title": "Load Image (the shot's key panel)"
    }
  },
  "54": {
    "inputs": {
      "shift": 8.0,
      "model": [
        "37",
        0
      ]
    },
    "class_type": "ModelSamplingSD3",
    "_meta": {
      "title": "ModelSamplingSD3"
    }
  },
  "55": {
    "inputs": {
      "shift": 8.0,
      "model": [
        "56",
        0
      ]
    },
    "class_type": "ModelSamplingSD3",
    "_meta": {
      "title": "ModelSamplingSD3"
    }
  },
  "56": {
    "inputs": {
      "unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
      "weight_dtype": "default"
    },
    "class_type": "UNETLoader",
    "_meta": {
      "title": "Load Diffusion Model (low noise)"
    }
  },
  "57": {
    "inputs": {
      "add_noise": "enable",
      "noise_seed": 0,
      "steps": 20,
      "cfg": 3.5,
      "sampler_name": "euler",
      "scheduler": "simple",
      "start_at_step": 0,
      "end_at_step": 10,
      "return_with_leftover_noise": "enable",
      "model": [
        "54",
        0
      ],
      "positive": [
        "50",
        0
      ],
      "negative": [
        "50",
        1
      ],
      "latent_image": [
        "50",
        2
      ]
    },
    "class_type": "KSamplerAdvanced",
    "_meta": {
      "title": "KSampler (Advanced) high noise"
    }
  },
  "58": {
    "inputs": {
      "add_noise": "disable",
      "noise_seed": 0,
      "steps": 20,
      "cfg": 3.5,
      "sampler_name": "euler",
      "scheduler": "simple",
      "start_at_step": 10,
      "end_at_step": 10000,
      "return_with_leftover_noise": "disable",
      "model": [
        "55",
        0
      ],
      "positive": [
        "50",
        0
      ],
      "negative": [
        "50",
        1
      ],
      "latent_image": [
        "57",
        0
      ]
    },
    "class_type": "KSamplerAdvanced",
    "_meta": {
      "title": "KSampler (Advanced) low noise"
    }
  }
}
"""#

    static let ltxText = #"""
{
  "6": {
    "inputs": {
      "text": "a slow dolly shot of the scene",
      "clip": [
        "38",
        0
      ]
    },
    "class_type": "CLIPTextEncode",
    "_meta": {
      "title": "CLIP Text Encode (Positive Prompt)"
    }
  },
  "7": {
    "inputs": {
      "text": "low quality, worst quality, deformed, distorted, disfigured, motion smear, motion artifacts, fused fingers, bad anatomy, weird hand, ugly",
      "clip": [
        "38",
        0
      ]
    },
    "class_type": "CLIPTextEncode",
    "_meta": {
      "title": "CLIP Text Encode (Negative Prompt)"
    }
  },
  "8": {
    "inputs": {
      "samples": [
        "72",
        0
      ],
      "vae": [
        "44",
        2
      ]
    },
    "class_type": "VAEDecode",
    "_meta": {
      "title": "VAE Decode"
    }
  },
  "38": {
    "inputs": {
      "clip_name": "t5xxl_fp16.safetensors",
      "type": "ltxv",
      "device": "default"
    },
    "class_type": "CLIPLoader",
    "_meta": {
      "title": "Load CLIP"
    }
  },
  "41": {
    "inputs": {
      "filename_prefix": "storycore",
      "fps": 24.0,
      "lossless": false,
      "quality": 90,
      "method": "default",
      "images": [
        "8",
        0
      ]
    },
    "class_type": "SaveAnimatedWEBP",
    "_meta": {
      "title": "SaveAnimatedWEBP"
    }
  },
  "44": {
    "inputs": {
      "ckpt_name": "ltx-video-2b-v0.9.5.safetensors"
    },
    "class_type": "CheckpointLoaderSimple",
    "_meta": {
      "title": "Load Checkpoint"
    }
  },
  "69": {
    "inputs": {
      "frame_rate": 24.0,
      "positive": [
        "77",
        0
      ],
      "negative": [
        "77",
        1
      ]
    },
    "class_type": "LTXVConditioning",
    "_meta": {
      "title": "LTXVConditioning"
    }
  },
  "71": {
    "inputs": {
      "steps": 30,
      "max_shift": 2.05,
      "base_shift": 0.95,
      "stretch": true,
      "terminal": 0.1,
      "latent": [
        "77",
        2
      ]
    },
    "class_type": "LTXVScheduler",
    "_meta": {
      "title": "LTXVScheduler"
    }
  },
  "72": {
    "inputs": {
      "add_noise": true,
      "noise_seed": 0,
      "cfg": 3.0,
      "model": [
        "44",
        0
      ],
      "positive": [
        "69",
        0
      ],
      "negative": [
        "69",
        1
      ],
      "sampler": [
        "73",
        0
      ],
      "sigmas": [
        "71",
        0
      ],
      "latent_image": [
        "77",
        2
      ]
    },
    "class_type": "SamplerCustom",
    "_meta": {
      "title": "SamplerCustom"
    }
  },
  "73": {
    "inputs": {
      "sampler_name": "euler"
    },
    "class_type": "KSamplerSelect",
    "_meta": {
      "title": "KSamplerSelect"
    }
  },
  "77": {
    "inputs": {
      "width": 768,
      "height": 512,
      "length": 97,
      "batch_size": 1,
      "strength": 1.0,
      "positive": [
        "6",
        0
      ],
      "negative": [
        "7",
        0
      ],
      "vae": [
        "44",
        2
      ],
      "image": [
        "81",
        0
      ]
    },
    "class_type": "LTXVImgToVideo",
    "_meta": {
      "title": "LTXVImgToVideo"
    }
  },
  "78": {
    "inputs": {
      "image": "example.png"
    },
    "class_type": "LoadImage",
    "_meta": {
      "title": "Load Image (the shot's key panel)"
    }
  },
  "81": {
    "inputs": {
      "img_compression": 40,
      "image": [
        "78",
        0
      ]
    },
    "class_type": "LTXVPreprocess",
    "_meta": {
      "title": "LTXVPreprocess"
    }
  }
}
"""#
}
