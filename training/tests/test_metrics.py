import unittest

import numpy as np

from training.gazecast_train import metrics as M


class MetricsTest(unittest.TestCase):
    def test_log_likelihood_of_uniform_is_zero_and_of_point_mass_is_log2_cells(self):
        p = np.full((4, 8), 1 / 32)
        fix = np.array([[0, 0], [3, 7]])
        np.testing.assert_allclose(M.log_likelihood_bits(p, fix), [0.0, 0.0])
        q = np.zeros((4, 8))
        q[1, 2] = 1.0
        np.testing.assert_allclose(M.log_likelihood_bits(q, np.array([[1, 2]])), [5.0])  # log2(32)

    def test_nss_hand_computed(self):
        p = np.array([[0.0, 0.0], [0.0, 1.0]])  # mean .25, std sqrt(3)/4
        self.assertAlmostEqual(M.nss(p, np.array([[1, 1]])), 0.75 / (np.sqrt(3) / 4), places=6)

    def test_auc_judd_perfect_and_chance(self):
        p = np.zeros((10, 10))
        p[5, 5] = 1.0
        self.assertGreater(M.auc_judd(p + 1e-9 * np.arange(100).reshape(10, 10), np.array([[5, 5]])), 0.99)
        # hand-computed: threshold 0.4 keeps 1/4 of the cells and the only fixation:
        # ROC (0,0) -> (0.25,1) -> (1,1), area 0.125 + 0.75
        p2 = np.array([[0.4, 0.3], [0.2, 0.1]])
        self.assertAlmostEqual(M.auc_judd(p2, np.array([[0, 0]])), 0.875)

    def test_rank_auc_hand_computed(self):
        # positives 3, 1; negatives 2, 0 -> pairs: 3>2, 3>0, 1<2, 1>0 -> 3/4
        self.assertAlmostEqual(M.auc_ranks(np.array([3.0, 1.0]), np.array([2.0, 0.0])), 0.75)
        self.assertAlmostEqual(M.auc_ranks(np.array([1.0]), np.array([1.0])), 0.5)

    def test_cc_kld_sim_identities(self):
        rng = np.random.default_rng(0)
        p = rng.random((6, 6))
        p /= p.sum()
        self.assertAlmostEqual(M.cc(p, p), 1.0, places=6)
        self.assertAlmostEqual(M.kld(p, p), 0.0, places=6)
        self.assertAlmostEqual(M.sim(p, p), 1.0, places=6)
        q = np.zeros((6, 6))
        q[0, 0] = 1
        r = np.zeros((6, 6))
        r[5, 5] = 1
        self.assertAlmostEqual(M.sim(q, r), 0.0)
        self.assertAlmostEqual(M.cc(q, r), -1 / 35, places=6)  # two disjoint one-hot maps on 36 cells

    def test_fixation_map_sums_to_one(self):
        m = M.fixation_map(np.array([[2, 2], [2, 2], [0, 5]]), (6, 6), 1.0)
        self.assertAlmostEqual(m.sum(), 1.0)
        self.assertEqual(np.unravel_index(m.argmax(), m.shape), (2, 2))


class CentreBiasTest(unittest.TestCase):
    def test_one_centre_bias_serves_grids_of_two_input_sizes(self):
        """Its per-frame cache must follow the scoring grid, which the model's input size sets (bootstrap_nss.py
        scores a 192x144 and a 224x168 model with one CentreBias)."""
        from training.gazecast_train.data import Frame
        from training.gazecast_train.evaluate import CentreBias, Grid
        from training.gazecast_train.train import TrainConfig
        f = Frame("x-1", "x-1", "x", "", "image", 256, 256, fixations={"a": np.array([[128.0, 100.0]], np.float32)})
        cb = CentreBias([f], [0], set())
        for w, h in ((192, 144), (224, 168)):
            g = Grid(f, TrainConfig(in_w=w, in_h=h))
            d = cb.density(g)
            self.assertEqual(d.shape, g.shape)
            self.assertAlmostEqual(float(d.sum()), 1.0, places=6)


if __name__ == "__main__":
    unittest.main()
