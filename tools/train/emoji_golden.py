"""Golden fixtures for the shipped emoji UNet (tests/fixtures/emoji-golden.{json,bin}), as golden.py does for
Fashion-MNIST: float64 from the float32 exported weights, stored as float32. Inputs are held-out emoji plus σ·ε, so
the activations have the scale of real use. Small on purpose (the tests read the whole file): the network's own
intermediate values are checked on the Fashion-MNIST and tiny-rgb goldens; here D and v at 32 and 64 px, the
bottleneck, and Skip-Tuning. export.py --name emoji writes them; rerunning rewrites the same bytes.
"""
import hashlib
import json
import os

import torch

import emoji_data
import golden


@torch.no_grad()
def build(model, seed: int = 1234):
    m = golden._double_model(model)
    g = torch.Generator().manual_seed(seed)
    x_te, y_te = emoji_data.load("test")
    first = lambda c: int((y_te == c).nonzero()[0])
    idx = [first(0), first(3), first(8)]
    null = len(emoji_data.CLASS_NAMES)
    labels = torch.tensor([0, 3, null])
    sigma = torch.tensor([0.05, 1.0, 20.0], dtype=torch.float64)
    side = emoji_data.SIZE
    x = (x_te[idx].double() + sigma.reshape(-1, 1, 1, 1)
         * torch.randn(3, 3, side, side, generator=g, dtype=torch.float64)).float()
    native, t_native = golden._unet_case(m, x, sigma, labels, ["mid.out"])

    # Twice the native size: the fully convolutional path Upsample Guidance and the 64/128 sizes run.
    sigma2 = torch.tensor([2.0], dtype=torch.float64)
    x0 = torch.nn.functional.interpolate(x_te[[first(4)]], scale_factor=2, mode="nearest").double()
    x2 = (x0 + sigma2 * torch.randn(1, 3, 2 * side, 2 * side, generator=g, dtype=torch.float64)).float()
    double, t_double = golden._unet_case(m, x2, sigma2, torch.tensor([4]), [])

    # Skip-Tuning (Ma et al. 2024) on the native case's inputs; no new random draws.
    tuned, _ = golden._unet_case(m, x, sigma, labels, [], golden.SKIP_TUNING_CASE)
    rho = golden.SKIP_TUNING_CASE
    keep = ("x", "z", "v", "D")
    return [
        dict(name="unet_native", labels=labels.tolist(), sigma=sigma.tolist(), t=t_native.tolist(),
             test_image_indices=idx, arrays={k: native[k] for k in keep + ("mid.out",)}),
        dict(name="unet_2x", labels=[4], sigma=sigma2.tolist(), t=t_double.tolist(),
             note="x0 = a held-out Travel & Places emoji upsampled 2× nearest, plus σ·ε",
             arrays={k: double[k] for k in keep}),
        dict(name="unet_native_skip_tuning", labels=labels.tolist(), sigma=sigma.tolist(), t=t_native.tolist(),
             skip_tuning=dict(bottom=rho["rho_bottom"], top=rho["rho_top"]),
             arrays={k: tuned[k] for k in keep}),
    ]


def write(model, out_json: str, weights_sha256: str, model_dir: str = "public/models/emoji") -> dict:
    cases = build(model)
    blob = golden.pack_arrays(cases)
    bin_path = os.path.splitext(out_json)[0] + ".bin"
    meta = dict(
        format="diffusion-sandbox-golden", version=1, model=model_dir, weights_sha256=weights_sha256,
        data=os.path.basename(bin_path), dtype="float32", endianness="little", alignment=16,
        data_sha256=hashlib.sha256(blob).hexdigest(),
        precision="computed in float64 from the float32 exported weights, stored as float32",
        conventions=dict(x="[B, 3, H, W] EDM-space input x0 + σ·ε (float32)", z="x/(1+σ)", t="σ/(1+σ), float64",
                         D="z − t·v in float64"),
        cases=cases)
    with open(bin_path, "wb") as f:
        f.write(bytes(blob))
    with open(out_json, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    return meta
