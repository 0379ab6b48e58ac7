"""The image world skip_tuning.py measures: its network with Skip-Tuning's ρ, the D a plan runs on, the scores and
floor, and the facts its report states. Fashion-MNIST (fmnist.py, run.py's scorer: the rows the first Skip-Tuning
report was made with, unchanged) or any other shipped image world (image_world.py, scored as emoji.py scores it:
class-balanced accuracy and FD against class-balanced held-out images), under the world's default CFG composed as
the page composes it, every branch on the tuned network (Skip-Tuning changes the network, not the guidance).
"""
import fmnist
from amed_calibrations import cache_for
from image_world import ImageWorld, manifest_summary


def skip_of(rho):
    """The plan's skipTuning option for ρ_bottom (ρ_top = 1), None for the untuned network."""
    return {"bottom": rho, "top": 1.0} if rho != 1.0 else None


def skip_sides(side, levels):
    return ", ".join(f"{side >> j}×{side >> j}" for j in range(levels))


class FashionMnist:
    id = "fmnist"
    title = "Fashion-MNIST"
    fd_name = "FD-FMNIST"

    def __init__(self, seed, batch):
        from run import Scorer
        self.unet, self.manifest = fmnist.load_unet()
        classifier, _ = fmnist.load_classifier()
        self.scorer, self.batch = Scorer(classifier, seed), batch
        self.channels, self.side, self.cfg, self.classes = 1, 28, 1.0, 10
        self.levels = len(self.manifest["architecture"]["config"]["mults"])
        self.plan_options = {}
        self.amed_cache = cache_for(self.id)

    def denoiser(self, plan):
        return fmnist.Denoiser(fmnist.tuned(self.unet, plan["skipTuning"]), plan["labels"], self.manifest["null_class"],
                               self.batch)

    def score(self, images, labels):
        accuracy, fd, _ = self.scorer.score(images, labels)
        return accuracy, fd

    def floor(self, n):
        return f"**FD floor at n = {n}: {self.scorer.reference(n)[1]:.1f}** (real train vs real test at the same n)."

    def model_line(self):
        t = self.manifest["training"]
        return f"public/models/fmnist, iter {t['iter']} (weights sha256 {self.manifest['sha256'][:12]}…)"

    def runs_line(self, seed, n):
        return (f"class-conditional (label i mod 10), no CFG, seed {seed}, n = {n} per row, accuracy of the conditioned "
                "class")


class ShippedImageWorld:
    """Any image world image_world.py loads (its data loader included), scored as emoji.py scores the emoji world."""

    fd_name = "FD"

    def __init__(self, world_id, seed, batch):
        from emoji import FLOOR_DRAWS, Scorer
        self.world = ImageWorld(world_id)
        self.id, self.unet, self.manifest = world_id, self.world.unet, self.world.manifest
        self.title = self.manifest["world"].get("label", world_id)
        self.scorer, self.batch, self.floor_draws = Scorer(self.world, seed), batch, FLOOR_DRAWS
        self.channels, self.side, self.classes = self.world.channels, self.world.side, self.world.num_classes
        self.cfg = float(self.manifest["world"]["default_cfg"])
        self.levels = len(self.manifest["architecture"]["config"]["mults"])
        self.plan_options = dict(world=world_id, label="mixed", cfg=self.cfg)
        self.amed_cache = cache_for(world_id)

    def denoiser(self, plan):
        assert plan["cfg"] == self.cfg, "the exporter resolved another CFG scale"
        return self.world.denoiser(plan["labels"], plan["cfg"], batch=self.batch,
                                   network=fmnist.tuned(self.unet, plan["skipTuning"]))

    def score(self, images, labels):
        return self.scorer.score(images, labels)

    def floor(self, n):
        ref = self.scorer.reference(n)
        return (f"**Floors at n = {n}:** class-balanced accuracy of held-out images {ref['accuracy']:.3f} "
                f"({ref['accuracy_range'][0]:.3f}–{ref['accuracy_range'][1]:.3f} over {self.floor_draws} draws), "
                f"**FD {ref['fd']:.0f}** for training images against the same held-out draw "
                f"({ref['fd_range'][0]:.0f}–{ref['fd_range'][1]:.0f} over {self.floor_draws} draws).")

    def model_line(self):
        return manifest_summary(self.world)

    def runs_line(self, seed, n):
        k = self.world.num_classes
        return (f"`label: 'mixed'` (class i mod {k}, so n = {n} is {n // k} per class), CFG **{self.cfg:g}** (the "
                f"manifest's `world.default_cfg`; D_∅ + s·(D_c − D_∅), both branches on the tuned network), seed {seed}, "
                f"n = {n} per row; accuracy of the conditioned class, class-balanced, and FD in the shipped "
                "classifier's features against a class-balanced draw of n held-out images (held out by identity), "
                "as emoji.py scores them")


def load(world_id, seed, batch):
    return FashionMnist(seed, batch) if world_id == "fmnist" else ShippedImageWorld(world_id, seed, batch)
