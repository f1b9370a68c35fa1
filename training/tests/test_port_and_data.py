import os
import unittest

import numpy as np
import torch

from training.gazecast_train import data as D
from training.gazecast_train.mobilenet import BN_EPS, pretrained_trunk, read_tfjs_weights

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
WEIGHTS = os.path.join(SHARED, "weights", "mobilenet_v1_1.0_224")


def keras_conv_same(x, k, stride):
    """Reference: TF 'same' conv on NHWC numpy, kernel [kh, kw, in, out]."""
    n, h, w, c = x.shape
    kh, kw = k.shape[:2]
    oh, ow = -(-h // stride), -(-w // stride)
    ph = max((oh - 1) * stride + kh - h, 0)
    pw = max((ow - 1) * stride + kw - w, 0)
    xp = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    out = np.zeros((n, oh, ow, k.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out


@unittest.skipUnless(os.path.isdir(WEIGHTS), "shared weights not present")
class WeightPortTest(unittest.TestCase):
    def test_first_conv_matches_keras_semantics_with_folded_batch_norm(self):
        w = read_tfjs_weights(WEIGHTS)
        self.assertNotIn("conv_pw_13/kernel", w)  # the missing shard
        self.assertEqual(w["conv_dw_13/depthwise_kernel"].shape, (3, 3, 1024, 1))
        trunk = pretrained_trunk(WEIGHTS)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((1, 10, 12, 3)).astype(np.float32)
        ref = keras_conv_same(x.astype(np.float64), w["conv1/kernel"].astype(np.float64), 2)
        g, b, m, v = (w[f"conv1_bn/{p}"] for p in ("gamma", "beta", "moving_mean", "moving_variance"))
        ref = np.clip((ref - m) / np.sqrt(v + BN_EPS) * g + b, 0, 6)
        got = torch.clamp(trunk.layers["conv1"](torch.from_numpy(x.transpose(0, 3, 1, 2))), 0, 6)
        np.testing.assert_allclose(got.detach().numpy().transpose(0, 2, 3, 1), ref, atol=1e-4)

    def test_taps_have_expected_strides_and_channels(self):
        trunk = pretrained_trunk(WEIGHTS)
        trunk.with_s4 = True
        with torch.no_grad():
            s4, s8, s16, s32 = trunk(torch.zeros(1, 3, 64, 96))
        self.assertEqual(tuple(s4.shape), (1, 128, 16, 24))
        self.assertEqual(tuple(s8.shape), (1, 256, 8, 12))
        self.assertEqual(tuple(s16.shape), (1, 512, 4, 6))
        self.assertEqual(tuple(s32.shape), (1, 1024, 2, 3))

    def test_a_trunk_without_the_stride_32_tap_stops_at_conv_pw_11(self):
        trunk = pretrained_trunk(WEIGHTS)
        trunk.with_s32 = False
        with torch.no_grad():
            s4, s8, s16, s32 = trunk(torch.zeros(1, 3, 64, 96))
        self.assertIsNone(s4)
        self.assertIsNone(s32)
        self.assertEqual(tuple(s16.shape), (1, 512, 4, 6))


class LetterboxTest(unittest.TestCase):
    def test_geometry_fits_and_centres(self):
        s, ox, oy = D.letterbox_geometry(1000, 1000, 256, 192)
        self.assertAlmostEqual(s, 0.192)
        self.assertAlmostEqual(ox, 32.0)
        self.assertAlmostEqual(oy, 0.0)
        s, ox, oy = D.letterbox_geometry(1920, 1080, 256, 192)
        self.assertAlmostEqual(ox, 0.0)
        self.assertAlmostEqual(oy, (192 - 1080 * 256 / 1920) / 2)

    def test_padding_is_mean_colour_and_cells_cover_frame(self):
        from PIL import Image
        img = Image.new("RGB", (100, 100), (255, 0, 0))
        px = D.letterbox_image(img, 256, 192)
        self.assertEqual(px.shape, (192, 256, 3))
        self.assertEqual(tuple(px[0, 0]), (128, 128, 128))
        self.assertEqual(tuple(px[96, 128]), (255, 0, 0))
        fr = D.Frame("x", "x", "t", "", "image", 100, 100)
        m = D.frame_cell_mask(fr, 256, 192, 32, 24)
        self.assertEqual(m.sum(), 24 * 24)  # a square frame covers 24 of 32 columns
        cells = D.fixation_cells(fr, np.array([[0.0, 0.0], [99.9, 99.9]], np.float32), 256, 192, 32, 24)
        self.assertEqual(list(cells), [0 * 32 + 4, 23 * 32 + 27])
        flipped = D.fixation_cells(fr, np.array([[10.0, 0.0]], np.float32), 256, 192, 32, 24, flip=True)
        self.assertEqual(int(flipped[0]) % 32, int((32 + 90 * 1.92) / 8))


class CanonicalDataTest(unittest.TestCase):
    def write(self, folder, name, text):
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)

    def make(self, tmp, fixations):
        from PIL import Image
        os.makedirs(os.path.join(tmp, "stimuli"))
        Image.new("RGB", (40, 30)).save(os.path.join(tmp, "stimuli", "a.png"))
        self.write(tmp, "stimuli.csv", "stimulus_id,file,kind,width,height,fps,duration_ms\nt-a,stimuli/a.png,image,40,30,,\n")
        self.write(tmp, "observers.csv", "observer_id,age,gender,group,task\nt-s1,31,female,,free-viewing\nt-s2,,,,\n")
        self.write(tmp, "fixations.csv", "stimulus_id,observer_id,trial,index,x,y,start_ms,duration_ms\n" + fixations)

    def test_reads_frames_and_drops_first_fixation(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            self.make(tmp, "t-a,t-s1,0,0,20,15,,100\nt-a,t-s1,0,1,5,5,,100\nt-a,t-s2,0,0,1,1,,\nt-a,t-s2,0,1,30,20,,\n")
            frames, obs = D.load_frames([tmp])
            self.assertEqual(len(frames), 1)
            self.assertEqual(obs["t-s1"].age, 31)
            np.testing.assert_allclose(frames[0].fixations["t-s1"], [[5, 5]])
            self.assertEqual(sorted(frames[0].fixations), ["t-s1", "t-s2"])

    def test_malformed_rows_name_file_and_line(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            self.make(tmp, "t-a,t-s1,0,0,20,15,,100\nt-a,t-s9,0,1,5,5,,100\n")
            with self.assertRaisesRegex(D.DataError, r"fixations.csv:3: observer 't-s9'"):
                D.load_dataset(tmp)
        with tempfile.TemporaryDirectory() as tmp:
            self.make(tmp, "t-a,t-s1,0,zero,20,15,,100\n")
            with self.assertRaisesRegex(D.DataError, r"fixations.csv:2: malformed"):
                D.load_dataset(tmp)

    @unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "data", "causality")), "shared data not present")
    def test_video_frames_hold_fixations_of_their_window(self):
        ds = D.load_dataset(os.path.join(SHARED, "data", "causality"))
        frames = D.video_frames(ds)
        self.assertEqual(len({f.stimulus_id for f in frames}), 14)
        f = frames[0]
        self.assertEqual(f.t_ms, D.VIDEO_STEP_MS)
        for oid, pts in f.fixations.items():
            rows = [r for r in ds.fix_rows if r[0] == f.stimulus_id and r[1] == oid and r[3] > 0
                    and r[6] <= f.t_ms + D.VIDEO_WINDOW_MS and r[6] + (r[7] or 0) >= f.t_ms - D.VIDEO_WINDOW_MS]
            self.assertEqual(len(rows), len(pts))
        px = D.frame_pixels(f, 64, 48)
        self.assertEqual(px.shape, (48, 64, 3))
        self.assertGreater(px.std(), 1.0)  # a real decoded frame, not a blank


if __name__ == "__main__":
    unittest.main()
