"""The density head's conditioning: what the population sees must not depend on anything personal."""
import os
import tempfile
import unittest
from dataclasses import replace

import numpy as np
import torch

from training.gazecast_train.data import Frame
from training.gazecast_train.model import ColourVisionSimulation, DensityHead
from training.gazecast_train.train import (CONDITIONING, FeatureBank, TrainConfig, _fine_tune, distil_population,
                                          population_finetune, train_head, tune_ll)


def head(**kw):
    torch.manual_seed(0)
    h = DensityHead([5, 3], 16, 12, 16, np.zeros((12, 16)), cond_shift=True, use_s32=False, out_stride=4, **kw)
    with torch.no_grad():  # a non-trivial conditioning path (film2 starts at zero)
        h.film2.weight.normal_(0, 0.3)
    return h.eval()


def feats(n=2):
    g = torch.Generator().manual_seed(1)
    return (torch.rand(n, 128, 12, 16, generator=g), torch.rand(n, 256, 6, 8, generator=g),
            torch.rand(n, 512, 3, 4, generator=g), None)


class ShiftAndSharpenTest(unittest.TestCase):
    def test_zero_parameters_leave_the_map_unchanged(self):
        logits = torch.randn(2, 1, 6, 8)
        out = DensityHead.shift_and_sharpen(logits, torch.zeros(2, 3))
        self.assertTrue(torch.equal(out, logits))

    def test_moves_a_linear_ramp_by_the_requested_cells(self):
        x = torch.arange(8.0).reshape(1, 1, 1, 8).expand(1, 1, 6, 8)  # L = x; shifting right by d gives x - d
        out = DensityHead.shift_and_sharpen(x, torch.tensor([[0.5, 0.0, 0.0]]))
        np.testing.assert_allclose(out[0, 0, :, 1:-1].numpy(), (x[0, 0, :, 1:-1] - 0.5).numpy(), atol=1e-6)

    def test_sharpness_scales_the_logits(self):
        logits = torch.randn(1, 1, 6, 8)
        out = DensityHead.shift_and_sharpen(logits, torch.tensor([[0.0, 0.0, 0.5]]))
        np.testing.assert_allclose(out.numpy(), 1.5 * logits.numpy(), rtol=1e-6)


class PopulationInvarianceTest(unittest.TestCase):
    def test_population_output_ignores_the_conditioning_weights(self):
        """personal_finetune trains only CONDITIONING parameters; that must leave the population map as it is."""
        h = head()
        fs = feats()
        zeros_t, zeros_u = torch.zeros(2, 2, dtype=torch.long), torch.zeros(2, 16)
        before = h(*fs, zeros_t, zeros_u)
        with torch.no_grad():
            for name, p in h.named_parameters():
                if name.startswith(CONDITIONING):
                    p.add_(torch.randn_like(p))
            h.token_emb[0].weight[0].zero_(); h.token_emb[1].weight[0].zero_()  # padding rows stay zero in training
        after = h(*fs, zeros_t, zeros_u)
        self.assertTrue(torch.equal(before, after))
        personal = h(*fs, torch.tensor([[2, 1], [4, 2]]), torch.randn(2, 16))
        self.assertGreater(float((personal - before).abs().max()), 1e-3)

    def test_output_is_a_distribution(self):
        h = head()
        fs = feats()
        out = h(*fs, torch.tensor([[2, 1], [0, 0]]), torch.randn(2, 16))
        np.testing.assert_allclose(torch.logsumexp(out.flatten(1), 1).detach().numpy(), 0.0, atol=1e-5)


def toy_frames():
    """8 frames of 64x48 whose two viewers look near the top-left quarter, with random cached trunk features."""
    rng = np.random.default_rng(0)
    frames = []
    for i in range(8):
        fx = {v: (rng.normal([16, 12], 4, (6, 2))).clip(0, 47).astype(np.float32) for v in ("a", "b")}
        frames.append(Frame(f"x-{i}", f"x-{i}", "x", "", "image", 64, 48, fixations=fx))
    g = torch.Generator().manual_seed(2)
    cache = {"s4": torch.rand(8, 128, 12, 16, generator=g).numpy(), "s8": torch.rand(8, 256, 6, 8, generator=g).numpy(),
             "s16": torch.rand(8, 512, 3, 4, generator=g).numpy()}
    return frames, FeatureBank(cache, range(8)), TrainConfig(in_w=64, in_h=48, batch=4, population_epochs=3,
                                                             population_lr=1e-2, distil_epochs=3, distil_lr=1e-2)


class PopulationStageTest(unittest.TestCase):
    def assert_conditioning_untouched(self, h, before):
        for name, p in h.state_dict().items():
            if name.startswith(CONDITIONING):
                self.assertTrue(torch.equal(p, before[name]), name)
        self.assertFalse(torch.equal(h.state_dict()["c1.weight"], before["c1.weight"]))
        self.assertTrue(all(p.requires_grad for p in h.parameters()))

    def test_trains_the_shared_weights_and_leaves_the_conditioning_path_alone(self):
        """The population stage sits between the two stages: it must not move what the personal stage refits, and
        it keeps the head as it came unless an epoch beats it on tune."""
        frames, bank, cfg = toy_frames()
        h = head()
        before = {k: v.clone() for k, v in h.state_dict().items()}
        ll0 = tune_ll(h, frames, bank, list(range(8)), cfg, set())
        h = population_finetune(h, frames, bank, list(range(8)), list(range(8)), set(), cfg, log=lambda m: None)
        self.assertGreater(tune_ll(h, frames, bank, list(range(8)), cfg, set()), ll0)
        self.assert_conditioning_untouched(h, before)

    def test_distillation_moves_the_head_towards_the_teachers_mixture(self):
        frames, bank, cfg = toy_frames()
        teachers = [population_finetune(head(), frames, bank, list(range(8)), list(range(8)), set(), cfg,
                                        log=lambda m: None) for _ in range(2)]
        with torch.no_grad():  # two different teachers: the second one's map mirrored left-right
            teachers[1].prior.copy_(teachers[1].prior.flip(-1))
        fs = bank.get(list(range(8)), [False] * 8)
        zeros = (torch.zeros(8, 2, dtype=torch.long), torch.zeros(8, 16))
        with torch.no_grad():
            mix = torch.logsumexp(torch.stack([t(*fs, *zeros) for t in teachers]), 0) - np.log(2)
        kl = lambda h: float((mix.exp() * (mix - h(*fs, *zeros))).sum((1, 2, 3)).mean())  # noqa: E731
        h = head()
        before = {k: v.clone() for k, v in h.state_dict().items()}
        kl0 = kl(h)
        h = distil_population(h, teachers, frames, bank, list(range(8)), [], set(), replace(cfg, distil_epochs=10),
                              log=lambda m: None)
        self.assertLess(kl(h), 0.5 * kl0)
        self.assert_conditioning_untouched(h, before)


class FirstStageSelectionTest(unittest.TestCase):
    def test_without_tune_rows_the_first_stage_ends_on_its_last_epoch(self):
        """The refit on train + tune has nothing held out: no tune scores, and the head is the last epoch's."""
        frames, bank, _ = toy_frames()
        cfg = TrainConfig(in_w=64, in_h=48, batch=4, epochs=3, eval_every=1)
        with tempfile.TemporaryDirectory() as tmp:
            h, _, history = train_head(frames, {}, bank, list(range(8)), [], ["a", "b"], set(), cfg, tmp,
                                       log=lambda m: None)
            last = torch.load(os.path.join(tmp, "main.pt"))["head"]
        self.assertFalse(any("tune_ll_bits" in e for e in history))
        self.assertEqual(len(history), 3)
        for name, p in h.state_dict().items():
            self.assertTrue(torch.equal(p, last[name]), name)


class FineTuneSelectionTest(unittest.TestCase):
    """The later stages keep their best epoch on tune, except in the refit on train + tune, which has nothing
    held out to choose with and keeps the last."""

    def run_stage(self, score):
        torch.manual_seed(0)
        m = torch.nn.Linear(2, 1)
        start = m.weight.detach().clone()
        target = torch.tensor([[3.0, -2.0]])
        batch_loss = lambda rows: ((m.weight - target) ** 2).sum()  # noqa: E731
        stays_put = (lambda: -float((m.weight - start).abs().sum())) if score else None  # prefers the start
        _fine_tune(m, lambda n: True, np.arange(8), 3, 0.1, batch_loss, stays_put, "t", "score",
                   TrainConfig(batch=4, weight_decay=0.0), np.random.default_rng(0), lambda msg: None)
        return start, m.weight.detach(), target

    def test_with_a_score_it_keeps_the_best_epoch(self):
        start, end, _ = self.run_stage(score=True)
        self.assertTrue(torch.equal(start, end))

    def test_without_a_score_it_keeps_the_last_epoch(self):
        start, end, target = self.run_stage(score=False)
        self.assertLess(float((end - target).abs().sum()), float((start - target).abs().sum()))


class ColourVisionTest(unittest.TestCase):
    def test_unknown_and_typical_leave_the_input_as_it_is(self):
        cvd = ColourVisionSimulation()
        x = torch.rand(1, 3, 4, 5) * 1.9 - 0.95  # away from black, where the 1e-6 clamp lifts 0 slightly
        for token in (0, 1):
            np.testing.assert_allclose(cvd(x, torch.tensor([token])).numpy(), x.numpy(), atol=1e-5)

    def test_protan_and_deutan_simulate(self):
        cvd = ColourVisionSimulation()
        red = torch.tensor([1.0, -1.0, -1.0]).reshape(1, 3, 1, 1)  # pure red, normalised
        for token in (2, 3):
            out = cvd(red, torch.tensor([token]))
            self.assertGreater(float((out - red).abs().max()), 0.2)
            self.assertTrue(bool((out.abs() <= 1.0 + 1e-6).all()))


if __name__ == "__main__":
    unittest.main()
