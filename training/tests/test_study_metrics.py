"""The Python study metrics against the hand-computed fixture the TypeScript metrics are also held to
(test/fixtures/study-metrics.json), plus focused cases per metric."""
import json
import math
import unittest
from pathlib import Path

import numpy as np

from training.gazecast_train import study_metrics as S

FIXTURE = json.loads((Path(__file__).resolve().parents[2] / "test" / "fixtures" / "study-metrics.json").read_text())


def assert_close(tc: unittest.TestCase, actual, expected, path: str) -> None:
    """Deep equality with numbers to 1e-9; None stands for the fixture's null."""
    if expected is None:
        tc.assertIsNone(actual, path)
    elif isinstance(expected, bool) or isinstance(expected, str):
        tc.assertEqual(actual, expected, path)
    elif isinstance(expected, (int, float)):
        tc.assertIsNotNone(actual, path)
        tc.assertLess(abs(float(actual) - expected), 1e-9, f"{path}: {actual} vs {expected}")
    elif isinstance(expected, list):
        actual = list(actual)
        tc.assertEqual(len(actual), len(expected), path)
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(tc, a, e, f"{path}[{i}]")
    else:
        tc.assertEqual(sorted(actual.keys()), sorted(expected.keys()), path)
        for k, e in expected.items():
            assert_close(tc, actual[k], e, f"{path}.{k}")


def camel(m: dict) -> dict:
    """The Python per-area report in the fixture's (TypeScript) naming."""
    out = {f"seenWithin{int(w)}": p for w, p in m["seen_within"].items()}
    d = m["dwell"]
    out.update({
        "seen": m["seen"],
        "timeToFirstFixation": m["time_to_first_fixation"],
        "dwell": None if d is None else {"meanMs": d["mean_ms"], "meanAmongSeersMs": d["mean_among_seers_ms"],
                                         "shareOfViewing": d["share_of_viewing"]},
        "fixationCount": m["fixation_count"], "visitCount": m["visit_count"], "revisits": m["revisits"],
        "firstFixation": m["first_fixation"],
    })
    return out


def rect(x, y, w, h):
    return {"kind": "rect", "x": x, "y": y, "width": w, "height": h}


def sp(*rows):
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


class SharedFixtureTest(unittest.TestCase):
    study = FIXTURE["study"]
    aois = FIXTURE["aois"]
    scanpaths = S.scanpaths_from_study(study)
    D = study["durationMs"]

    def test_fixations_inside_each_area(self):
        for a in self.aois:
            got = [f"{i + 1}.{k + 1}" for i, p in enumerate(self.scanpaths)
                   for k, hit in enumerate(S.inside(a, p[:, 0], p[:, 1])) if hit and p[k, 2] < self.D]
            self.assertEqual(got, FIXTURE["inside"]["value"][a["id"]], a["id"])

    def test_per_area_values_computed_by_hand(self):
        windows = FIXTURE["options"]["seenWithinMs"]
        for a in self.aois:
            got = camel(S.aoi_metrics(self.scanpaths, a, self.D, windows))
            expected = FIXTURE["expected"]["aois"][a["id"]]
            self.assertEqual(sorted(got), sorted(expected))
            for key, e in expected.items():
                assert_close(self, got[key], e["value"], f'{a["id"]}.{key}')

    def test_first_fixation_density_and_attention_over_time(self):
        g = FIXTURE["options"]["grid"]
        d = S.first_fixation_density(self.scanpaths, self.study["frame"]["width"], self.study["frame"]["height"],
                                     self.D, g["cols"], g["rows"])
        e = FIXTURE["expected"]["firstFixations"]["value"]
        assert_close(self, {"cols": d["cols"], "rows": d["rows"], "cellWidth": d["cell_width"],
                            "cellHeight": d["cell_height"], "density": d["density"], "counted": d["counted"],
                            "offFrame": d["off_frame"], "noFixation": d["no_fixation"]}, e, "firstFixations")
        t = S.attention_over_time(self.scanpaths, self.aois, self.D, FIXTURE["options"]["binMs"])
        exp = FIXTURE["expected"]["attentionOverTime"]
        assert_close(self, t["bin_starts_ms"], exp["binStartsMs"]["value"], "binStartsMs")
        for a, shares in zip(self.aois, t["shares"]):
            assert_close(self, shares, exp[a["id"]]["value"], f'attention.{a["id"]}')

    def test_calibration_helpers(self):
        cal = FIXTURE["expected"]["calibration"]
        for a in self.aois:
            for n, share in cal["seenWithinFixations"][a["id"]]["value"].items():
                assert_close(self, S.seen_within_fixations(self.scanpaths, a, int(n)), share, f'{a["id"]} n={n}')
            assert_close(self, S.ttff_ms(self.scanpaths, a, self.D), cal["ttffMedianMs"]["value"][a["id"]],
                         f'ttff {a["id"]}')


class FocusedTest(unittest.TestCase):
    box = rect(40, 40, 20, 20)

    def test_rect_is_half_open_and_polygon_even_odd(self):
        np.testing.assert_array_equal(S.inside(self.box, [40, 60, 59.9, 50], [50, 50, 59.9, 60]),
                                      [True, False, True, False])
        ell = {"kind": "polygon", "points": [[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4]]}
        np.testing.assert_array_equal(S.inside(ell, [0.5, 2, 2, 0.5], [3, 0.5, 2, 0.5]), [True, True, False, True])

    def test_wilson_interval_published_values(self):
        # Newcombe (1998), Table I
        low, high = S.wilson_interval(81, 263)
        self.assertAlmostEqual(low, 0.2553, places=4)
        self.assertAlmostEqual(high, 0.3662, places=4)
        low, high = S.wilson_interval(0, 20)
        self.assertEqual(low, 0.0)
        self.assertAlmostEqual(high, 0.1611, places=4)
        self.assertEqual(S.wilson_interval(20, 20)[1], 1.0)
        self.assertIsNone(S.proportion(0, 0))
        with self.assertRaises(ValueError):
            S.wilson_interval(3, 2)

    def test_seen_within_window_is_strict_and_null_past_the_viewing(self):
        paths = [sp([50, 50, 999, 100]), sp([50, 50, 1000, 100]), sp([5, 5, 100, 100])]
        m = S.aoi_metrics(paths, self.box, 3000, (1000,))
        self.assertEqual(m["seen_within"][1000]["count"], 1)
        self.assertEqual(m["seen"]["count"], 2)
        self.assertIsNone(S.aoi_metrics(paths, self.box, 2000)["seen_within"][3000.0])

    def test_ttff_null_not_zero_and_late_fixations_ignored(self):
        m = S.aoi_metrics([sp([5, 5, 100, 100], [50, 50, 3000, 100])], self.box, 3000)
        self.assertIsNone(m["time_to_first_fixation"])
        self.assertIsNone(m["visit_count"])
        self.assertEqual(m["dwell"], {"mean_ms": 0.0, "mean_among_seers_ms": None, "share_of_viewing": 0.0})
        self.assertIsNone(S.ttff_ms([sp([5, 5, 100, 100])], self.box))
        paths = [sp([5, 5, 100, 100], [50, 50, 300, 100]), sp([50, 50, 200, 100]), sp([50, 50, 600, 100]),
                 sp([50, 50, 700, 100])]
        self.assertEqual(S.aoi_metrics(paths, self.box, 3000)["time_to_first_fixation"],
                         {"median": 450.0, "q1": 275.0, "q3": 625.0, "n": 4})

    def test_visits_dwell_clipping(self):
        rows = [[50, 50, t, 50] if inside_ else [5, 5, t, 50]
                for t, inside_ in zip(range(0, 700, 100), [1, 1, 0, 1, 0, 0, 1])]
        r = S.viewer_aoi_record(sp(*rows), self.box, 3000)
        self.assertEqual((r["visit_count"], r["fixation_count"], r["total_fixation_duration_ms"], r["ttff_ms"]),
                         (3, 4, 200.0, 0.0))
        self.assertEqual(S.viewer_aoi_record(sp([50, 50, 2800, 500]), self.box, 3000)["total_fixation_duration_ms"],
                         200.0)

    def test_seen_within_fixations_counts_by_index(self):
        paths = [sp([5, 5, 0, 10], [50, 50, 20, 10]), sp([50, 50, 0, 10]), sp(), sp([5, 5, 0, 10])]
        self.assertEqual(S.seen_within_fixations(paths, self.box, 1), 0.25)
        self.assertEqual(S.seen_within_fixations(paths, self.box, 2), 0.5)
        self.assertIsNone(S.seen_within_fixations([], self.box, 3))
        with self.assertRaises(ValueError):
            S.seen_within_fixations(paths, self.box, 0)

    def test_first_fixations_off_frame_and_missing(self):
        paths = [sp([99.999, 0, 0, 10]), sp([150, 50, 0, 10]), sp(), sp([10, 10, 3000, 10]), sp([0, 99, 5, 10])]
        d = S.first_fixation_density(paths, 100, 100, 3000, 2, 2)
        self.assertEqual(d["density"], [0, 0.5, 0.5, 0])
        self.assertEqual((d["counted"], d["off_frame"], d["no_fixation"]), (2, 1, 2))

    def test_zero_viewers_and_invalid_input(self):
        m = S.aoi_metrics([], self.box, 3000)
        self.assertTrue(all(m[k] is None for k in ("seen", "time_to_first_fixation", "dwell", "fixation_count",
                                                    "visit_count", "revisits", "first_fixation")))
        self.assertIsNone(S.attention_over_time([], [self.box], 3000)["shares"])
        with self.assertRaises(S.AoiInvalid):
            S.aoi_metrics([], rect(0, 0, 0, 10), 3000)
        with self.assertRaises(S.AoiInvalid):
            S.validate_aoi({"kind": "polygon", "points": [[0, 0], [1, 1]]})
        with self.assertRaises(ValueError):
            S.aoi_metrics([sp([5, 5, 100, 200], [5, 5, 200, 10])], self.box, 3000)
        with self.assertRaises(ValueError):
            S.aoi_metrics([sp([math.nan, 5, 0, 10])], self.box, 3000)


if __name__ == "__main__":
    unittest.main()
