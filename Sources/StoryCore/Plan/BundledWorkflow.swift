import ComfyWorkflow

/// The default base workflow of a render, `workflows/storycore_sdxl.json`, compiled into the library
/// so `RenderOptions.WorkflowSource.bundled` works wherever the library is installed.
///
/// An SDXL KSampler graph (CheckpointLoaderSimple `sd_xl_base_1.0.safetensors` → CLIPTextEncode
/// positive/negative → EmptyLatentImage → KSampler → VAEDecode → SaveImage). A test keeps this text
/// identical to the file in `workflows/`.
public enum BundledWorkflow {
    /// The file this graph is a copy of, for error messages.
    public static let fileName = "workflows/storycore_sdxl.json (bundled)"

    /// The graph's JSON text, exactly as in `workflows/storycore_sdxl.json`.
    public static let storycoreSDXLText = #"""
{
  "3": {
    "inputs": {
      "seed": 0,
      "steps": 25,
      "cfg": 7.0,
      "sampler_name": "euler",
      "scheduler": "normal",
      "denoise": 1.0,
      "model": [
        "4",
        0
      ],
      "positive": [
        "6",
        0
      ],
      "negative": [
        "7",
        0
      ],
      "latent_image": [
        "5",
        0
      ]
    },
    "class_type": "KSampler",
    "_meta": {
      "title": "KSampler"
    }
  },
  "4": {
    "inputs": {
      "ckpt_name": "sd_xl_base_1.0.safetensors"
    },
    "class_type": "CheckpointLoaderSimple",
    "_meta": {
      "title": "Load Checkpoint"
    }
  },
  "5": {
    "inputs": {
      "width": 1024,
      "height": 1024,
      "batch_size": 1
    },
    "class_type": "EmptyLatentImage",
    "_meta": {
      "title": "Empty Latent Image"
    }
  },
  "6": {
    "inputs": {
      "text": "a storyboard panel, cinematic lighting",
      "clip": [
        "4",
        1
      ]
    },
    "class_type": "CLIPTextEncode",
    "_meta": {
      "title": "Positive Prompt"
    }
  },
  "7": {
    "inputs": {
      "text": "blurry, low quality, watermark, text",
      "clip": [
        "4",
        1
      ]
    },
    "class_type": "CLIPTextEncode",
    "_meta": {
      "title": "Negative Prompt"
    }
  },
  "8": {
    "inputs": {
      "samples": [
        "3",
        0
      ],
      "vae": [
        "4",
        2
      ]
    },
    "class_type": "VAEDecode",
    "_meta": {
      "title": "VAE Decode"
    }
  },
  "9": {
    "inputs": {
      "filename_prefix": "storycore/panel",
      "images": [
        "8",
        0
      ]
    },
    "class_type": "SaveImage",
    "_meta": {
      "title": "Save Image"
    }
  }
}
"""#

    /// The graph.
    public static func storycoreSDXL() throws(WorkflowLoadError) -> Workflow {
        try Workflow(data: Array(storycoreSDXLText.utf8), file: fileName)
    }
}
