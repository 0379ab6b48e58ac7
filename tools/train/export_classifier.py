"""Export one data set's scoring CNN alone (export.py exports the Fashion-MNIST one together with its UNet):
public/models/<dataset>-classifier/ (weights.bin + manifest, verified as export.py verifies) and its float64 golden
tests/fixtures/<dataset>-classifier-golden.{json,bin}.
  /usr/bin/python3 tools/train/export_classifier.py --dataset emoji --ckpt tools/train/runs/emoji-classifier.pt
"""
import argparse
import os

import torch

import checkpoint
import classifier_golden
import export


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", choices=sorted(classifier_golden.DATASETS), required=True)
    p.add_argument("--ckpt", required=True)
    p.add_argument("--out", default=export.REPO, help="root under which public/ and tests/ paths are written")
    args = p.parse_args()
    torch.set_num_threads(1)
    state = checkpoint.load(args.ckpt)
    assert state, f"no checkpoint at {args.ckpt}"
    print(f"classifier: {args.ckpt} iter {state['iter']} (finished: {'report' in state})")
    out_dir = os.path.join(args.out, f"public/models/{args.dataset}-classifier")
    export.export_classifier(state, args.ckpt, out_dir, args.dataset)
    meta = classifier_golden.write(args.out, dataset=args.dataset)
    case = meta["cases"][0]
    right = sum(int(a == b) for a, b in zip(case["predicted"], case["true_labels"]))
    print(f"  golden: {case['count']} images; the {case['real']} real ones classified right: {right}/{case['real']}")


if __name__ == "__main__":
    main()
