"""Train the 1-RF class-conditional UNet on Fashion-MNIST (rectified-flow objective, v = ε − x0).

Objective (measured.md / algorithms.md): z_t = (1−t)·x0 + t·ε, t = sigmoid(N(0,1)) (logit-normal),
loss ‖v(z_t, t, y) − (ε − x0)‖², 10 % label dropout to the null class, Adam, EMA of the weights.
Resumes from --ckpt automatically; stop it at any time. Example:
  nohup python3 tools/train/train_unet.py --ckpt tools/train/runs/unet.pt --iters 30000 > tools/train/runs/unet.log 2>&1 &
"""
import argparse
import copy
import json
import time

import torch

import checkpoint
import data
from model import UNet


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", required=True)
    p.add_argument("--iters", type=int, default=30000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--save-every-s", type=float, default=120)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dataset", choices=["fmnist", "emoji"], default="fmnist")
    # The EMA decay ramps as min(ema, (1 + iter)/(10 + iter)) (the warm-up of Tarvainen & Valpola 2017, as in many
    # diffusion trainers): with a fixed 0.999 the averaged weights still hold e^(−iter/1000) of the random start,
    # which hides a model's progress for its first few thousand iterations.
    p.add_argument("--ema-warmup", action="store_true")
    p.add_argument("--base", type=int, default=32, help="UNet base width (fmnist 32; emoji 48)")
    # Reflow fine-tuning (Liu et al. 2023, Alg. 1): train on saved (noise, image, label) pairs instead of independent noise.
    p.add_argument("--pairs", default=None, help="a .pt of {z0, x1, label} from make_reflow_pairs.py")
    p.add_argument("--init", default=None, help="start weights (EMA of another checkpoint), e.g. the 1-RF model")
    # The 1-RF model uses logit-normal t (measured.md); reflow follows the official code (gnobitab/RectifiedFlow
    # train_reflow: t ~ U(ε, 1)), which also trains t near 1, where a one-step sample reads the velocity.
    p.add_argument("--t-dist", choices=["logit-normal", "uniform"], default="logit-normal")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    if args.dataset == "emoji":
        import emoji_data
        model = UNet(base=args.base, channels=3, num_classes=len(emoji_data.CLASS_NAMES))
    else:
        model = UNet(base=args.base)
    null_class = model.config["null_class"]
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["ema"])
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    state = checkpoint.load(args.ckpt)
    it, seconds = 0, 0.0
    gen = torch.Generator().manual_seed(args.seed)
    if state:
        model.load_state_dict(state["model"]); ema.load_state_dict(state["ema"]); opt.load_state_dict(state["opt"])
        it, seconds = state["iter"], state["seconds"]
        gen.set_state(state["rng"])
        print(f"resumed at iter {it} ({seconds/60:.1f} min trained)", flush=True)

    if args.pairs:
        pairs = torch.load(args.pairs)
        x_all, noise_all, y_all = pairs["x1"], pairs["z0"], pairs["label"]
    elif args.dataset == "emoji":
        x_all, y_all = emoji_data.load("train")
        noise_all = None
    else:
        x_all, y_all = data.load("train")
        noise_all = None
    n = x_all.shape[0]
    # Emoji classes are unbalanced (People & Body is 60 % of the images, skin tones): draw classes evenly.
    draw_weights = emoji_data.class_balanced_weights(y_all) if args.dataset == "emoji" else None
    last_save, t0, loss_avg = time.time(), time.time(), None
    while it < args.iters:
        if draw_weights is not None:
            idx = torch.multinomial(draw_weights, args.batch, replacement=True, generator=gen)
        else:
            idx = torch.randint(0, n, (args.batch,), generator=gen)
        x0, y = x_all[idx], y_all[idx].clone()
        eps = noise_all[idx] if noise_all is not None else torch.randn(x0.shape, generator=gen)
        y[torch.rand(args.batch, generator=gen) < 0.1] = null_class
        if args.t_dist == "uniform":
            t = 1e-3 + (1 - 1e-3) * torch.rand(args.batch, generator=gen)
        else:
            t = torch.sigmoid(torch.randn(args.batch, generator=gen))
        tt = t[:, None, None, None]
        z = (1 - tt) * x0 + tt * eps
        loss = ((model(z, t, y) - (eps - x0)) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            decay = min(args.ema, (1 + it) / (10 + it)) if args.ema_warmup else args.ema
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm, alpha=1 - decay)
        it += 1
        loss_avg = loss.item() if loss_avg is None else 0.99 * loss_avg + 0.01 * loss.item()
        now = time.time()
        if it % 100 == 0:
            print(json.dumps({"iter": it, "loss": round(loss_avg, 5), "min": round((seconds + now - t0) / 60, 2)}), flush=True)
        if now - last_save > args.save_every_s or it == args.iters:
            seconds += now - t0; t0 = now; last_save = now
            checkpoint.save(args.ckpt, dict(model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(),
                                            iter=it, seconds=seconds, rng=gen.get_state(), loss=loss_avg,
                                            config=model.config, args=vars(args)))


if __name__ == "__main__":
    main()
