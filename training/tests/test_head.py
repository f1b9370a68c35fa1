"""The density head's conditioning: what the population sees must not depend on anything personal."""
import unittest

import numpy as np
import torch

from training.gazecast_train.model import ColourVisionSimulation, DensityHead
from training.gazecast_train.train import CONDITIONING


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
