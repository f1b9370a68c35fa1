#!/usr/bin/env bash
# Installs what `npm test` needs from Debian when it is missing: Chromium (browser tests),
# ffmpeg (video fixtures) and Debian's PyTorch/ONNX stack (the training smoke test).
# Playwright's own browser download cannot work on these machines, so we use Debian's Chromium.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
/usr/bin/python3 -c 'import torch, onnx, numpy, scipy, PIL' >/dev/null 2>&1 || \
  need+=(python3-torch python3-onnx python3-numpy python3-scipy python3-pil)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
