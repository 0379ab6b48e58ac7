"""The UNet of model.py as an explicit, flat op list (the manifest's architecture.graph).

It walks the modules in the order UNet.forward does, so a runtime that executes these ops in order computes exactly
model(z, t, label). graph_runner.py executes this list and export.py checks it against the PyTorch model, so the
list and model.forward can't drift apart unnoticed. Values are named buffers; ops with weights name their tensors.
"""
from model import GROUPS, UNet

# The op vocabulary (both manifests carry it); graph_runner.py is its executable form. Tensors are NCHW, float32.
OP_SEMANTICS = {
    "time_features": "[B] t → [B, dim]: f_k = exp(−ln(max_period)·k/half), a = scale·t·f_k; [cos a_0..a_{half−1}, "
                     "sin a_0..a_{half−1}], in float64, rounded to float32",
    "linear": "[B, fin] → [B, fout]: y = x·Wᵀ + b, W is [fout, fin] (layout OI)",
    "conv2d": "cross-correlation as torch: y[b,o,i,j] = bias[o] + Σ_{c,u,v} W[o,c,u,v]·x[b,c,i·stride+u−pad,j·stride+v−pad], "
              "zero padding; W layout OIHW",
    "group_norm": "per sample and group of channels/groups consecutive channels: mean μ and biased variance σ² over "
                  "(C/groups)·H·W values; y = (x − μ)/√(σ² + eps)·weight[c] + bias[c]",
    "silu": "x·sigmoid(x)", "relu": "max(x, 0)",
    "embedding": "[B] int label → [B, dim]: row `label` of the table (layout NC)",
    "add": "elementwise sum of two same-shape tensors",
    "add_channel_bias": "[B,C,H,W] + [B,C] broadcast over H, W",
    "avg_pool2d": "k×k mean, stride k, no padding (floor)", "max_pool2d": "k×k max, stride k, no padding (floor)",
    "upsample_nearest2x": "y[b,c,i,j] = x[b,c,⌊i/2⌋,⌊j/2⌋]",
    "concat_channels": "concatenate along C, inputs in the listed order",
    "flatten": "[B,C,H,W] → [B, C·H·W], index c·H·W + i·W + j",
}


def _conv(m, name, src, dst, block=None):
    k = m.kernel_size[0]
    return dict(op="conv2d", weight=f"{name}.weight", bias=f"{name}.bias", cin=m.in_channels, cout=m.out_channels,
                k=k, stride=1, pad=m.padding[0], input=src, output=dst, **({"block": block} if block else {}))


def _gn_silu(m, name, src, dst, block):
    return [dict(op="group_norm", weight=f"{name}.weight", bias=f"{name}.bias", groups=m.num_groups, eps=m.eps,
                 channels=m.num_channels, input=src, output=dst, block=block),
            dict(op="silu", input=dst, output=dst, block=block)]


def _resblock(b, name, src, dst):
    """ResBlock.forward: conv1(silu(norm1 x)) + emb(silu(emb))[:, :, None, None] → conv2(silu(norm2 ·)) + skip(x)."""
    ops = _gn_silu(b.norm1, f"{name}.norm1", src, f"{name}.a", name)
    ops.append(_conv(b.conv1, f"{name}.conv1", f"{name}.a", f"{name}.h", name))
    ops.append(dict(op="linear", weight=f"{name}.emb.weight", bias=f"{name}.emb.bias", fin=b.emb.in_features,
                    fout=b.emb.out_features, input="emb_silu", output=f"{name}.e", block=name))
    ops.append(dict(op="add_channel_bias", input=f"{name}.h", vector=f"{name}.e", output=f"{name}.h", block=name,
                    note="h[b, c, y, x] += e[b, c]"))
    ops += _gn_silu(b.norm2, f"{name}.norm2", f"{name}.h", f"{name}.a2", name)
    ops.append(_conv(b.conv2, f"{name}.conv2", f"{name}.a2", f"{name}.h2", name))
    if b.skip is not None:
        ops.append(_conv(b.skip, f"{name}.skip", src, f"{name}.s", name))
        ops.append(dict(op="add", inputs=[f"{name}.h2", f"{name}.s"], output=dst, block=name))
    else:
        ops.append(dict(op="add", inputs=[f"{name}.h2", src], output=dst, block=name))
    return ops


def build(model: UNet) -> dict:
    c = model.config
    channels = model.conv_in.in_channels
    ops = [
        dict(op="time_features", input="t", output="tf", dim=model.time_dim, scale=1000.0, max_period=10000.0,
             order="cos_then_sin", note="computed in float64 on the CPU, then rounded to float32"),
        dict(op="linear", weight="time_mlp1.weight", bias="time_mlp1.bias", fin=model.time_mlp1.in_features,
             fout=model.time_mlp1.out_features, input="tf", output="temb"),
        dict(op="silu", input="temb", output="temb"),
        dict(op="linear", weight="time_mlp2.weight", bias="time_mlp2.bias", fin=model.time_mlp2.in_features,
             fout=model.time_mlp2.out_features, input="temb", output="temb2"),
        dict(op="embedding", weight="class_emb.weight", input="label", output="cemb", rows=model.class_emb.num_embeddings),
        dict(op="add", inputs=["temb2", "cemb"], output="emb"),
        # Every ResBlock applies SiLU to emb before its own Linear; one shared buffer is the same math.
        dict(op="silu", input="emb", output="emb_silu"),
        _conv(model.conv_in, "conv_in", "z", "h.in"),
    ]
    h, skips = "h.in", []
    n = len(model.down)
    for i, b in enumerate(model.down):
        out = f"down.{i}.out"
        ops += _resblock(b, f"down.{i}", h, out)
        skips.append(out)
        h = out
        if i < n - 1:
            ops.append(dict(op="avg_pool2d", k=2, input=h, output=f"down.{i}.pool",
                            note="2×2 mean, stride 2, floor (odd sizes drop the last row/column)"))
            h = f"down.{i}.pool"
    ops += _resblock(model.mid, "mid", h, "mid.out")
    h = "mid.out"
    for i, b in enumerate(model.up):
        cat = f"up.{i}.cat"
        ops.append(dict(op="concat_channels", inputs=[h, skips.pop()], output=cat,
                        note="channels of the first input, then the skip"))
        ops += _resblock(b, f"up.{i}", cat, f"up.{i}.out")
        h = f"up.{i}.out"
        if i < len(model.up) - 1:
            ops.append(dict(op="upsample_nearest2x", input=h, output=f"up.{i}.upsampled"))
            h = f"up.{i}.upsampled"
    ops += _gn_silu(model.norm_out, "norm_out", h, "out.a", None)
    for o in ops[-2:]:
        o.pop("block")
    ops.append(_conv(model.conv_out, "conv_out", "out.a", "v"))
    assert all(o.get("groups", GROUPS) == GROUPS for o in ops)
    return dict(
        type="unet", config=c,
        inputs=[dict(name="z", shape=["B", channels, "H", "W"], dtype="float32", note="RF state z_t; H, W multiples of 4"),
                dict(name="t", shape=["B"], dtype="float32", note="RF time in [0, 1], per sample"),
                dict(name="label", shape=["B"], dtype="int32/int64",
                     note=f"0..{c['num_classes'] - 1}, or {c['null_class']} = unconditional")],
        outputs=[dict(name="v", shape=["B", channels, "H", "W"], dtype="float32", note="velocity ε − x0")],
        op_semantics=OP_SEMANTICS, value_note="op outputs overwrite a value of the same name (in-place is fine)",
        taps=dict(bottleneck="mid.out", note="AMED's predictor reads the channel mean of mid.out"),
        graph=ops)
