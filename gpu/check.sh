#!/usr/bin/env bash
# gpu/check.sh: the GPU check for an NVIDIA machine with the driver, CUDA 13 and PyTorch, but no Java and no
# network. It needs the bundle made by `roots jlink` (deeproots-runtime.tar.gz: a jlink'd Java 25, the jars and
# this script). Whole run: a few minutes.
#   1. runs the GPU test suite on CUDA (org.deeproots.gpu.SelfTest: every op vs the scalar reference, two tiny
#      networks forward and training vs the CPU reference);
#   2. times ResNet-50 orig and root-2..64 inference forward at batch 10 and 64 on CUDA (GpuBench), and the very
#      same graphs in PyTorch/cuDNN (torch_bench.py) in the same run;
#   3. prints CSV model,variant,batch,deeproots_ms,pytorch_ms,ratio (also saved as check-results.csv).
#   A failure in step 1 does not stop steps 2-3; the script then exits with step 1's code. An unavailable backend
#   stops it after step 1 with exit code 3.
# Usage:
#   gpu/check.sh path/to/deeproots-runtime.tar.gz     (from a checkout: unpacks the bundle into a temp dir)
#   deeproots/gpu/check.sh                            (inside an unpacked bundle)
# Environment: CHECK_DEVICE (cuda; opencl or cpu for a dry run), CHECK_MODEL (resnet50), CHECK_VARIANTS (default orig,root-2,root-4,root-8,root-16,root-32,root-64), CHECK_BATCHES (10,64),
#   CHECK_WARMUP (2), CHECK_ITERS (5), CHECK_OUT (directory for check-results.csv, default .), PYTHON (python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -ge 1 ]; then
  work="$(mktemp -d)"
  tar -xzf "$1" -C "$work"
  root="$work/deeproots"
else
  root="$(cd "$here/.." && pwd)"
fi
java="$root/java/bin/java"
[ -x "$java" ] || { echo "check: no Java runtime at $java (pass the bundle made by 'roots jlink')" >&2; exit 2; }
py="${PYTHON:-python3}"
device="${CHECK_DEVICE:-cuda}"
model="${CHECK_MODEL:-resnet50}"
variants="${CHECK_VARIANTS:-orig,root-2,root-4,root-8,root-16,root-32,root-64}"
batches="${CHECK_BATCHES:-10,64}"
warmup="${CHECK_WARMUP:-2}"
iters="${CHECK_ITERS:-5}"
out="${CHECK_OUT:-$PWD}"
jvm=("$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx8g -cp "$root/lib/*")

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader || true
"$java" -version 2>&1 | head -n 1

echo "== 1. GPU test suite on $device (SelfTest)"
# a failing suite does not stop the timings (one run on a lent GPU should tell as much as it can); the script
# still exits with the suite's code at the end
selftest=0
"${jvm[@]}" org.deeproots.gpu.SelfTest "$device" || selftest=$?
if [ "$selftest" -eq 3 ]; then
  echo "check: the $device backend is unavailable (reason above); nothing to time" >&2
  exit 3
fi

echo "== 2. $model forward on $device (deeproots), then PyTorch/cuDNN"
specs="$(mktemp -d)"
"${jvm[@]}" org.deeproots.gpu.GpuBench --device "$device" --model "$model" --variants "$variants" \
  --batches "$batches" --warmup "$warmup" --iters "$iters" --export "$specs" > "$specs/deeproots.csv"
cat "$specs/deeproots.csv" >&2
echo "== 3. results"
"$py" "$root/gpu/torch_bench.py" --specs "$specs" --deeproots "$specs/deeproots.csv" --warmup "$warmup" \
  --iters "$iters" | tee "$out/check-results.csv"
if [ "$selftest" -ne 0 ]; then
  echo "check: the GPU test suite (step 1) failed with exit code $selftest; the timings above still ran" >&2
  exit "$selftest"
fi
