"""Smoke test of the whole pipeline: trains a few steps on a tiny subset, exports every variant and checks
onnxruntime-node against PyTorch (the pipeline refuses to write a model whose variants disagree)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(REPO), "shared", "data")


@unittest.skipUnless(os.path.isdir(os.path.join(DATA, "osie")), "shared data not present")
class SmokeTest(unittest.TestCase):
    def test_smoke_config_writes_a_contract_model(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "models", "gazecast-smoke")
            r = subprocess.run([sys.executable, os.path.join(REPO, "training", "train.py"), "--config", "smoke",
                                "--data", os.path.join(DATA, "osie"), os.path.join(DATA, "causality"),
                                "--out", out, "--work", os.path.join(tmp, "work")],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            with open(os.path.join(out, "manifest.json")) as fh:
                # strict JSON, as browsers parse it: NaN or Infinity would make the app refuse the model
                m = json.load(fh, parse_constant=lambda c: self.fail(f"manifest.json holds {c}"))
            self.assertEqual(m["schema"], "gazecast-model/1")
            self.assertEqual(m["id"], "gazecast-smoke")
            self.assertEqual([s["key"] for s in m["profile"]["tokens"]["slots"]], ["age", "gender", "vision"])
            for f in m["files"] + [m["encoder"]]:
                self.assertEqual(os.path.getsize(os.path.join(out, f["path"])), f["bytes"])
            checks = m["metrics"]["onnxChecks"]
            for name in ("model.fp32.onnx", "model.w16.onnx", "model.w8.onnx", "encoder.onnx"):
                self.assertGreaterEqual(checks[name]["min_correlation"], 0.99, name)
            self.assertLess(checks["model.w16.onnx"]["max_abs_logsumexp"], 1e-3)
            # the scanpath graph: in the manifest as the contract says, its variants checked against PyTorch
            sp = m["scanpath"]
            self.assertEqual(m["output"]["features"], "features")
            self.assertEqual(sp["inputs"], {"features": "features", "tokens": "profile_tokens",
                                            "embedding": "user_embedding", "history": "history"})
            self.assertEqual(sp["outputs"], {"density": "next_log_density", "duration": "next_log_duration"})
            self.assertEqual(os.path.getsize(os.path.join(out, sp["path"])), sp["bytes"])
            for name in ("scanpath.onnx", "scanpath.w16.onnx"):
                self.assertGreaterEqual(checks[name]["min_correlation"], 0.99, name)
                self.assertLess(checks[name]["max_abs_logsumexp"], 1e-3, name)
            self.assertIn("1-10", m["metrics"]["scanpath"]["igOverStaticBits"])
            self.assertIn("seenWithin3Fixations", m["metrics"]["scanpath"]["calibration"]["grid"])
            self.assertTrue(os.path.exists(os.path.join(out, "MODEL_CARD.md")))
            with open(os.path.join(out, "panel.json")) as fh:
                panel = json.load(fh)
            self.assertTrue(all(len(p["embedding"]) == m["profile"]["embedding"]["dim"] for p in panel.values()))


if __name__ == "__main__":
    unittest.main()
