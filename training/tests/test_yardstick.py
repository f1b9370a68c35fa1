import unittest

import numpy as np

from training.gazecast_train.data import Frame
from training.gazecast_train.yardstick import half_density, tvd, yardstick

GRID = (192, 144, 48, 36)


def frame(dataset, points_by_viewer, w=800, h=600, fid="f"):
    f = Frame(fid, fid, dataset, "", "image", w, h)
    for v, pts in points_by_viewer.items():
        f.fixations[v] = np.asarray(pts, np.float32)
        f.trials[v] = 1
    return f


class YardstickTest(unittest.TestCase):
    def test_tvd_bounds(self):
        p = np.zeros((2, 2)); p[0, 0] = 1
        q = np.zeros((2, 2)); q[1, 1] = 1
        self.assertAlmostEqual(tvd(p, p), 0.0)
        self.assertAlmostEqual(tvd(p, q), 1.0)

    def test_half_density_covers_only_the_frame_cells_and_sums_to_one(self):
        # a 16:9 frame letterboxed into 4:3: rows 4..31 of the 48 x 36 output cells (partly) cover it
        f = frame("d", {"a": [[100, 100]], "b": [[1500, 800]]}, w=1600, h=900)
        m = half_density(f, ["a", "b"], GRID)
        self.assertEqual(m.shape, (28, 48))
        self.assertAlmostEqual(float(m.sum()), 1.0, places=9)

    def test_viewers_who_all_look_at_one_spot_give_identical_halves(self):
        f = frame("same", {f"v{i}": [[400, 300], [410, 305]] for i in range(8)})
        ys = yardstick([f], GRID, splits=5)
        self.assertAlmostEqual(ys["overall"]["tvd_p90"], 0.0, places=6)
        self.assertAlmostEqual(ys["overall"]["cc_median"], 1.0, places=6)
        self.assertEqual(ys["per_dataset"]["same"]["pairs"], 5)

    def test_viewers_who_look_apart_give_large_differences_and_small_frames_are_skipped(self):
        rng = np.random.default_rng(1)
        far = frame("apart", {f"v{i}": rng.uniform([0, 0], [800, 600], (1, 2)) for i in range(6)}, fid="far")
        too_few = frame("apart", {"a": [[1, 1]], "b": [[2, 2]], "c": [[3, 3]]}, fid="small")
        ys = yardstick([far, too_few], GRID, splits=10)
        s = ys["per_dataset"]["apart"]
        self.assertEqual(s["frames"], 1)
        self.assertEqual(s["pairs"], 10)
        self.assertGreater(s["tvd_median"], 0.5)
        self.assertLessEqual(s["tvd_p10"], s["tvd_median"])
        self.assertLessEqual(s["tvd_median"], s["tvd_p90"])
        for key in ("tvd_median", "tvd_p90", "cc_median", "cc_p10", "cc_p90"):
            self.assertIn(key, ys["overall"])
        with self.assertRaises(ValueError):
            yardstick([too_few], GRID)

    def test_is_deterministic_for_a_seed(self):
        rng = np.random.default_rng(2)
        f = frame("d", {f"v{i}": rng.uniform([0, 0], [800, 600], (3, 2)) for i in range(9)})
        self.assertEqual(yardstick([f], GRID, splits=4, seed=3), yardstick([f], GRID, splits=4, seed=3))


if __name__ == "__main__":
    unittest.main()
