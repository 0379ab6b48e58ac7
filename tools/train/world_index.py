"""The world index the page reads first (public/models/index.json): one entry per image world, copied from the
`world` section of each model manifest plus the facts the picker needs before any weights download (channels, native
size, classes, null class). The manifests stay the source of truth: this script derives the index from them and
refuses a manifest whose id does not follow its reflow family (`<family>` at level 1, `<family>-<k>rf` above).
  /usr/bin/python3 tools/train/world_index.py [--models public/models]
make_test_world.py writes the test fixture's index the same way.
"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FORMAT = "diffusion-sandbox-worlds"


def world_section(id, label, description, class_names, max_size, classifier=None, amed_predictors=None,
                  family=None, level=1, default_cfg=1):
    """What a UNet manifest says about its world. classifier: a model folder beside it, or None; amed_predictors:
    {folder, nfe: [..]} or None; family: the reflow family (the 1-RF world's id), level k of k-RF; default_cfg: the
    classifier-free guidance scale the page and the API start from on this world (1 = the conditional model)."""
    family = family or id
    expected = family if level == 1 else f"{family}-{level}rf"
    assert id == expected, f"world id {id} must be {expected} (reflow family {family}, level {level})"
    return dict(id=id, label=label, description=description, class_names=list(class_names), max_size=max_size,
                classifier=classifier, amed_predictors=amed_predictors, reflow=dict(family=family, level=level),
                default_cfg=default_cfg)


def entry(folder, manifest):
    w = manifest["world"]
    assert len(w["class_names"]) == manifest["num_classes"], f"{folder}: class_names vs num_classes"
    assert w["max_size"] % manifest["image_size"] == 0, f"{folder}: max_size must be a multiple of image_size"
    return dict(id=w["id"], folder=folder, label=w["label"], description=w["description"],
                channels=manifest["channels"], size=manifest["image_size"], max_size=w["max_size"],
                classes=w["class_names"], null_class=manifest["null_class"], classifier=w["classifier"],
                amed_predictors=w["amed_predictors"], reflow=w["reflow"], default_cfg=w.get("default_cfg", 1))


def write_index(models_dir):
    entries = []
    for folder in sorted(os.listdir(models_dir)):
        path = os.path.join(models_dir, folder, "manifest.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            manifest = json.load(f)
        if isinstance(manifest.get("world"), dict):
            entries.append(entry(folder, manifest))
    # Families together, 1-RF first. Families keep the order the existing index gives them and new ones come last
    # (in folder order): a world added later must not take the place of the first one, which is what `classify()`
    # and the picker fall back to.
    out = os.path.join(models_dir, "index.json")
    known = []
    if os.path.exists(out):
        with open(out) as f:
            known = [w["reflow"]["family"] for w in json.load(f).get("worlds", [])]
    first = {}
    for family in known + [e["reflow"]["family"] for e in entries]:
        first.setdefault(family, len(first))
    entries.sort(key=lambda e: (first[e["reflow"]["family"]], e["reflow"]["level"]))
    index = dict(format=FORMAT, version=1, worlds=entries)
    with open(out, "w") as f:
        json.dump(index, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return index


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--models", default=os.path.join(REPO, "public/models"))
    index = write_index(p.parse_args().models)
    print(f"index: {[e['id'] for e in index['worlds']]}")
