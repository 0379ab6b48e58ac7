"""Train the scoring CNN (classifier.py) on Fashion-MNIST train, test on t10k, and measure the FD floor.

--dataset emoji trains the nine-category emoji CNN instead: class-balanced batches (People & Body is 60 % of the
images), random shifts of up to 2 px on white and horizontal flips (a category does not depend on either), tested on
the emoji held out by identity (emoji_data.py), reporting the class-balanced accuracy (the mean of per-class
accuracies) next to the plain one. Example:
  nice -n 5 /usr/bin/python3 tools/train/train_classifier.py --dataset emoji --ckpt tools/train/runs/emoji-classifier.pt --epochs 30

The FD floor is FD-FMNIST between real test and real train images: what a perfect generator would score at that n
(FD is biased upward at small n, so compare samples only against the floor at the same n).
Resumes from --ckpt (atomic checkpoints, checkpoint.py); a finished run only re-reports. Example:
  /usr/bin/python3 tools/train/train_classifier.py --ckpt tools/train/runs/classifier.pt --epochs 4
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

import checkpoint
import data
import metrics
from classifier import Classifier


def evaluate(model, x, y):
    model.eval()
    return metrics.classifier_accuracy(x, y, model=model)


@torch.no_grad()
def per_class_accuracy(model, x, y, num_classes):
    model.eval()
    pred = model(x.clamp(-1, 1)).argmax(1)
    return [(pred[y == k] == k).double().mean().item() for k in range(num_classes)]


def augment(x, gen):
    """Random shift of up to 2 px (the border filled with white, +1) and a random horizontal flip, per image."""
    n, _, h, w = x.shape
    padded = F.pad(x, (2, 2, 2, 2), value=1.0)
    dx, dy = torch.randint(0, 5, (2, n), generator=gen)
    out = torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])
    flip = torch.rand(n, generator=gen) < 0.5
    out[flip] = out[flip].flip(-1)
    return out


def fd_floor(model, x_test, x_train, n, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = x_test[torch.randperm(len(x_test), generator=g)[:n]]
    b = x_train[torch.randperm(len(x_train), generator=g)[:n]]
    return metrics.frechet_distance(metrics.features(a, model), metrics.features(b, model))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", required=True)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--save-every-s", type=float, default=120)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dataset", choices=["fmnist", "emoji"], default="fmnist")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # init only; batches come from per-epoch permutations below

    emoji = args.dataset == "emoji"
    if emoji:
        import emoji_data
        model = Classifier(channels=3, num_classes=len(emoji_data.CLASS_NAMES), image_size=emoji_data.SIZE)
        x_tr, y_tr = emoji_data.load("train")
        x_te, y_te = emoji_data.load("test")
        draw_weights = emoji_data.class_balanced_weights(y_tr)
    else:
        model = Classifier()
        x_tr, y_tr = data.load("train")
        x_te, y_te = data.load("test")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = len(x_tr) // args.batch
    total = args.epochs * steps_per_epoch
    it, seconds, history = 0, 0.0, []
    state = checkpoint.load(args.ckpt)
    if state and "report" in state and state["iter"] >= total:
        print(json.dumps(state["report"]), flush=True)  # finished: re-report without re-evaluating
        return
    if state:
        model.load_state_dict(state["model"]); opt.load_state_dict(state["opt"])
        it, seconds, history = state["iter"], state["seconds"], state["history"]
        print(f"resumed at iter {it}/{total} ({seconds/60:.1f} min trained)", flush=True)

    def save(extra=None):
        checkpoint.save(args.ckpt, dict(model=model.state_dict(), opt=opt.state_dict(), iter=it, seconds=seconds,
                                        history=history, config=model.config, args=vars(args), **(extra or {})))

    t0 = last_save = time.time()
    model.train()
    while it < total:
        epoch, step = divmod(it, steps_per_epoch)
        # The permutation is a pure function of (seed, epoch), so a resume mid-epoch sees the same batches.
        epoch_gen = torch.Generator().manual_seed(args.seed * 1000 + epoch)
        if emoji:
            draws = torch.multinomial(draw_weights, steps_per_epoch * args.batch, replacement=True, generator=epoch_gen)
            idx = draws[step * args.batch:(step + 1) * args.batch]
            batch_gen = torch.Generator().manual_seed(args.seed * 1_000_003 + it)
            loss = F.cross_entropy(model(augment(x_tr[idx], batch_gen)), y_tr[idx])
        else:
            perm = torch.randperm(len(x_tr), generator=epoch_gen)
            idx = perm[step * args.batch:(step + 1) * args.batch]
            loss = F.cross_entropy(model(x_tr[idx]), y_tr[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        it += 1
        now = time.time()
        if it % 100 == 0:
            print(json.dumps({"iter": it, "epoch": epoch, "loss": round(loss.item(), 4),
                              "min": round((seconds + now - t0) / 60, 2)}), flush=True)
        if it % steps_per_epoch == 0:
            acc = evaluate(model, x_te, y_te)
            entry = dict(epoch=epoch + 1, iter=it, test_acc=acc)
            if emoji:
                entry["test_acc_balanced"] = sum(per_class_accuracy(model, x_te, y_te, 9)) / 9
            model.train()
            history.append(entry)
            print(json.dumps(history[-1]), flush=True)
        if now - last_save > args.save_every_s or it == total:
            seconds += now - t0; t0 = now; last_save = now
            save()

    model.eval()
    t1 = time.time()
    report = dict(test_acc=evaluate(model, x_te, y_te), train_minutes=round(seconds / 60, 2), iters=it,
                  fd_floor_test_vs_train_n1000=fd_floor(model, x_te, x_tr, 1000),
                  fd_floor_test_vs_train_n200=fd_floor(model, x_te, x_tr, 200),
                  fd_floor_test_vs_train_full=metrics.frechet_distance(metrics.features(x_te, model),
                                                                      metrics.features(x_tr, model)))
    if emoji:
        per_class = per_class_accuracy(model, x_te, y_te, len(emoji_data.CLASS_NAMES))
        report["test_acc_per_class"] = dict(zip(emoji_data.CLASS_NAMES, [round(a, 4) for a in per_class]))
        report["test_acc_balanced"] = sum(per_class) / len(per_class)
        report["train_acc_balanced"] = sum(per_class_accuracy(model, x_tr, y_tr, 9)) / 9
    report["eval_seconds"] = round(time.time() - t1, 1)
    save(dict(report=report))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
