"""The scanpath model's pieces: history encoding (coordinates, padding, order) against hand-computed cases, the
samples built from a tiny canonical dataset, the mirror, the observed scanpaths behind the calibration, and
distributed training (two gloo processes under torchrun agree with one process)."""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

from training.gazecast_train.data import Frame
from training.gazecast_train.scanpath_data import (build_samples, encode_history, mirror, normalised_input_xy,
                                                   output_cell)
from training.gazecast_train.scanpath_model import history_maps, history_summary
from training.gazecast_train.scanpath_stage import grid_aois, observed_scanpaths

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(REPO), "shared", "data")
MODEL = os.path.join(REPO, "public", "models", "gazecast-mnv1-s8")


class HistoryEncoding(unittest.TestCase):
    def test_most_recent_first_and_zero_padding(self):
        prev = np.array([[0.1, 0.2], [0.3, 0.4]], np.float32)  # oldest first
        np.testing.assert_allclose(encode_history(prev, 4), [[0.3, 0.4, 1], [0.1, 0.2, 1], [0, 0, 0], [0, 0, 0]])

    def test_only_the_last_k(self):
        prev = np.array([[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]], np.float32)
        np.testing.assert_allclose(encode_history(prev, 2), [[0.3, 0.3, 1], [0.2, 0.2, 1]])

    def test_letterbox_coordinates(self):
        # 800x600 fills 192x144 exactly: the centre stays the centre
        f = Frame("a", "a", "d", "", "image", 800, 600)
        np.testing.assert_allclose(normalised_input_xy(f, np.array([[400, 300]], np.float32), 192, 144), [[0.5, 0.5]])
        # 1000x500 is scaled by 0.192 to 192x96 and centred: 24 rows of padding above
        g = Frame("b", "b", "d", "", "image", 1000, 500)
        np.testing.assert_allclose(normalised_input_xy(g, np.array([[0, 0], [1000, 500]], np.float32), 192, 144),
                                   [[0, 24 / 144], [1, 120 / 144]], atol=1e-6)

    def test_output_cell_and_mirror(self):
        cells = output_cell(np.array([[0.0, 0.0], [0.99, 0.99], [0.5, 0.25]], np.float32), 48, 36)
        np.testing.assert_array_equal(cells, [0, 35 * 48 + 47, 9 * 48 + 24])
        h = np.array([[[0.25, 0.5, 1], [0, 0, 0]]], np.float32)
        mh, mc = mirror(h, np.array([9 * 48 + 24]), 48)
        np.testing.assert_allclose(mh, [[[0.75, 0.5, 1], [0, 0, 0]]])  # padding stays all zero
        self.assertEqual(int(mc[0]), 9 * 48 + 23)

    def test_history_maps(self):
        h = torch.tensor([[[0.5, 0.5, 1.0], [0.0, 0.0, 0.0]]])
        m = history_maps(h, 2, 2, aspect=2.0)  # cell centres at 0.25 and 0.75
        self.assertEqual(tuple(m.shape), (1, 8, 2, 2))
        dx, dy, dist, valid = m[0, 0], m[0, 2], m[0, 4], m[0, 6]
        np.testing.assert_allclose(dx, [[-0.5, 0.5], [-0.5, 0.5]])  # (0.25 - 0.5) * aspect 2
        np.testing.assert_allclose(dy, [[-0.25, -0.25], [0.25, 0.25]])
        np.testing.assert_allclose(dist, np.full((2, 2), np.sqrt(0.5 ** 2 + 0.25 ** 2)), atol=1e-5)
        np.testing.assert_array_equal(valid, np.ones((2, 2)))
        np.testing.assert_array_equal(m[0, [1, 3, 5, 7]], np.zeros((4, 2, 2)))  # the missing fixation: all zero

    def test_history_summary(self):
        h = torch.tensor([[[0.5, 0.5, 1.0], [0.5, 0.2, 1.0], [0.0, 0.0, 0.0]]])
        s = history_summary(h, aspect=1.0)[0]
        np.testing.assert_allclose(s[:3], [1, 1, 0])  # valid flags
        np.testing.assert_allclose(s[3:5], [0.3, 0.0], atol=1e-3)  # amplitudes; the second has no fixation
        np.testing.assert_allclose(s[5:], [0.5, 0.5, 2 / 3], atol=1e-6)


def write_dataset(folder, rows, width=800, height=600):
    os.makedirs(os.path.join(folder, "stimuli"))
    with open(os.path.join(folder, "stimuli.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stimulus_id", "file", "kind", "width", "height", "fps", "duration_ms"])
        w.writerow(["toy-1", "stimuli/1.png", "image", width, height, "", ""])
    with open(os.path.join(folder, "observers.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["observer_id", "age", "gender", "group", "task"])
        w.writerow(["toy-s1", "", "", "", "free-viewing"])
    with open(os.path.join(folder, "fixations.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stimulus_id", "observer_id", "trial", "index", "x", "y", "start_ms", "duration_ms"])
        w.writerows(rows)


class Samples(unittest.TestCase):
    def test_start_fixation_is_history_never_a_target(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.join(tmp, "toy")
            write_dataset(folder, [["toy-1", "toy-s1", 0, 2, 200, 150, "", 300],  # out of order on purpose
                                   ["toy-1", "toy-s1", 0, 0, 400, 300, "", 250],
                                   ["toy-1", "toy-s1", 0, 1, 600, 450, "", ""]])
            fr = Frame("toy-1", "toy-1", "toy", os.path.join(folder, "stimuli/1.png"), "image", 800, 600)
            s = build_samples([folder], [fr], 2, 192, 144, 48, 36)
        self.assertEqual(len(s), 2)
        np.testing.assert_array_equal(s.number, [1, 2])
        np.testing.assert_allclose(s.history[0], [[0.5, 0.5, 1], [0, 0, 0]])
        np.testing.assert_allclose(s.history[1], [[0.75, 0.75, 1], [0.5, 0.5, 1]])
        np.testing.assert_array_equal(s.cell, [27 * 48 + 36, 9 * 48 + 12])
        self.assertTrue(np.isnan(s.log_duration[0]))  # unknown duration: no duration target
        self.assertAlmostEqual(float(s.log_duration[1]), np.log(300), places=5)
        np.testing.assert_allclose(s.start_duration, [250, 250])

    def test_observed_scanpaths_rebuild_onsets_from_durations(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.join(tmp, "toy")
            write_dataset(folder, [["toy-1", "toy-s1", 0, 0, 400, 300, "", 250],
                                   ["toy-1", "toy-s1", 0, 1, 600, 450, "", 200],
                                   ["toy-1", "toy-s1", 0, 2, 200, 150, "", 300]])
            fr = Frame("toy-1", "toy-1", "toy", "", "image", 800, 600)
            s = build_samples([folder], [fr], 2, 192, 144, 48, 36)
        (sp,) = observed_scanpaths(s, 0, {"startMs": 300, "saccadeMs": 40})
        # no recorded onsets: the virtual viewers' rule (start 300 ms + a 40 ms saccade; then fixation 1's 200 ms
        # and another saccade), not the start fixation's recorded 250 ms (when it began is unknown)
        np.testing.assert_allclose(sp, [[600, 450, 340, 200], [200, 150, 580, 300]])

    def test_sampling_floor(self):
        from training.gazecast_train.scanpath_stage import sampling_floor
        # one viewer, true share 0.5: the observed share is 0 or 1, always 50 points off
        self.assertAlmostEqual(sampling_floor(np.array([0.5]), np.array([1])), 50.0)
        # two viewers, p = 0.5: |0 - .5| 1/4 + |.5 - .5| 1/2 + |1 - .5| 1/4 = 0.25
        self.assertAlmostEqual(sampling_floor(np.array([0.5]), np.array([2])), 25.0)
        self.assertAlmostEqual(sampling_floor(np.array([0.0, 1.0]), np.array([15, 15])), 0.0)

    def test_grid_aois_tile_the_frame(self):
        fr = Frame("a", "a", "d", "", "image", 900, 600)
        cells = grid_aois(fr)
        self.assertEqual(len(cells), 9)
        self.assertAlmostEqual(sum(c["shape"]["width"] * c["shape"]["height"] for c in cells), 900 * 600)


@unittest.skipUnless(os.path.isdir(os.path.join(DATA, "osie")) and os.path.exists(os.path.join(MODEL, "panel.json")),
                     "shared data or the bundled model not present")
class Distributed(unittest.TestCase):
    def test_two_gloo_processes_agree_with_one(self):
        script = os.path.join(REPO, "training", "train_scanpath.py")
        with tempfile.TemporaryDirectory() as tmp:
            common = ["--data", os.path.join(DATA, "osie"), "--static-from", MODEL, "--work", tmp,
                      "--frames-per-dataset", "6", "--batch", "16", "--steps", "4", "--no-tune"]

            def run(cmd):
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)
                self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-3000:])

            run([sys.executable, script, *common, "--prepare"])
            run([sys.executable, script, *common, "--out", os.path.join(tmp, "one.pt")])
            # Debian's torch 1.13 under Python 3.11 cannot parse torchrun's default --redirects/--tee "0" (its enum
            # lookup misses the zero flag); a map naming a rank that does not exist means "none" for every rank.
            run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--redirects", "9:1",
                 "--tee", "9:1", script, *common, "--backend", "gloo", "--out", os.path.join(tmp, "two.pt")])
            one, two = torch.load(os.path.join(tmp, "one.pt")), torch.load(os.path.join(tmp, "two.pt"))
        from training.gazecast_train.scanpath_train import ScanpathConfig, make_scanpath_head
        from training.gazecast_train.train import TrainConfig
        heads = []
        for st in (one, two):
            h = make_scanpath_head(TrainConfig(), ScanpathConfig())
            h.load_state_dict(st)
            heads.append(h.eval())
        self.assertFalse(all(torch.equal(one[k], make_scanpath_head(TrainConfig(), ScanpathConfig()).state_dict()[k])
                             for k in one), "no training happened")
        # Predictions, not raw weights: Adam's first steps move a weight by ~lr whatever the size of its gradient,
        # so a weight whose gradient is zero in exact arithmetic (the output bias: log-softmax ignores a constant)
        # drifts with rounding noise, without changing any prediction.
        g = torch.Generator().manual_seed(0)
        feats = torch.randn(1, 33, 36, 48, generator=g)
        hist = torch.rand(32, 4, 3, generator=g)
        hist[:, :, 2] = (torch.arange(4)[None] <= torch.arange(32)[:, None] % 4).float()
        tok = torch.zeros(32, 2, dtype=torch.long)
        emb = torch.randn(32, 16, generator=g) * 0.3
        with torch.no_grad():
            (lp1, d1), (lp2, d2) = (h(feats, tok, emb, hist) for h in heads)
        self.assertLess(float((lp1 - lp2).abs().max()), 1e-3)
        self.assertLess(float((d1 - d2).abs().max()), 1e-3)



class ContractCopy(unittest.TestCase):
    @unittest.skipUnless(os.path.exists(os.path.join(os.path.dirname(REPO), "shared", "MODEL_CONTRACT.md")),
                         "shared/ not present")
    def test_docs_copy_is_identical(self):
        with open(os.path.join(os.path.dirname(REPO), "shared", "MODEL_CONTRACT.md"), "rb") as a, \
                open(os.path.join(REPO, "docs", "model-contract.md"), "rb") as b:
            self.assertEqual(a.read(), b.read(), "docs/model-contract.md differs from ../shared/MODEL_CONTRACT.md: "
                             "copy it again (cp ../shared/MODEL_CONTRACT.md docs/model-contract.md)")


if __name__ == "__main__":
    unittest.main()
