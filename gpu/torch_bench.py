#!/usr/bin/env python3
"""PyTorch (cuDNN) side of gpu/check.sh.

Builds each network exported by org.deeproots.gpu.GpuBench (--export DIR: one node per line) as the very same
graph in PyTorch, times its inference forward pass on CUDA in float32 (TF32 off, cudnn.benchmark on, the clock
stopped after torch.cuda.synchronize(), median of the timed runs, input resident on the GPU), and joins the times
with GpuBench's CSV into: model,variant,batch,deeproots_ms,pytorch_ms,ratio (ratio = deeproots_ms / pytorch_ms).

  python3 torch_bench.py --specs DIR --deeproots deeproots.csv [--warmup 3] [--iters 10]
  python3 torch_bench.py --specs DIR --parse-only      # checks the spec files, needs no torch
"""
import argparse
import csv
import glob
import os
import statistics
import sys
import time


def parse_spec(path):
    """Returns (header, nodes): header = dict(model, variant, input=(C,H,W), classes); nodes = [(name, kind, args, inputs)]."""
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    h = lines[0].split()
    if h[0] != "#" or len(h) != 7:
        raise ValueError(f"{path}: bad header {lines[0]!r}")
    header = dict(model=h[1], variant=h[2], input=(int(h[3]), int(h[4]), int(h[5])), classes=int(h[6]))
    nodes = []
    for l in lines[1:]:
        name, kind, args, inputs = l.split("\t")
        a = [] if args == "-" else [int(v) for v in args.split(",")]
        nodes.append((name, kind, a, inputs.split(",")))
    return header, nodes


def build(nodes):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Graph(nn.Module):
        def __init__(self):
            super().__init__()
            self.mods = nn.ModuleDict()
            for name, kind, a, _ in nodes:
                key = name.replace(".", "_")
                if kind == "conv":
                    self.mods[key] = nn.Conv2d(a[0], a[1], a[2], stride=a[3], padding=a[4], groups=a[5],
                                               bias=bool(a[6]))
                elif kind == "bn":
                    self.mods[key] = nn.BatchNorm2d(a[0], eps=1e-5, momentum=0.1)
                elif kind == "maxpool":
                    self.mods[key] = nn.MaxPool2d(a[0], a[1], a[2], ceil_mode=bool(a[3]))
                elif kind == "avgpool":
                    self.mods[key] = nn.AvgPool2d(a[0], a[1], a[2], ceil_mode=bool(a[3]), count_include_pad=True)
                elif kind == "linear":
                    self.mods[key] = nn.Linear(a[0], a[1])
                elif kind == "dropout":
                    self.mods[key] = nn.Dropout(a[0] / 1000.0)
                elif kind not in ("relu", "gap", "concat", "add"):
                    raise ValueError(f"unknown op kind {kind} in node {name}")

        def forward(self, x):
            vals = {"input": x}
            y = x
            for name, kind, _, ins in nodes:
                xs = [vals[i] for i in ins]
                if kind == "relu":
                    y = F.relu(xs[0])
                elif kind == "gap":
                    y = torch.flatten(F.adaptive_avg_pool2d(xs[0], 1), 1)
                elif kind == "concat":
                    y = torch.cat(xs, 1)
                elif kind == "add":
                    y = xs[0] + xs[1]
                elif kind == "linear":
                    y = self.mods[name.replace(".", "_")](torch.flatten(xs[0], 1))
                else:
                    y = self.mods[name.replace(".", "_")](xs[0])
                vals[name] = y
            return y

    return Graph()


def time_forward(model, shape, batch, warmup, iters):
    import torch
    x = torch.rand((batch,) + shape, device="cuda")
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        torch.cuda.synchronize()
        ms = []
        for _ in range(iters):
            t0 = time.perf_counter()
            model(x)
            torch.cuda.synchronize()
            ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--specs", required=True, help="directory of .spec files written by GpuBench --export")
    p.add_argument("--deeproots", help="GpuBench CSV: model,variant,batch,deeproots_ms,...")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--parse-only", action="store_true")
    args = p.parse_args()

    specs = {}
    for path in sorted(glob.glob(os.path.join(args.specs, "*.spec"))):
        header, nodes = parse_spec(path)
        specs[(header["model"], header["variant"])] = (header, nodes)
    if not specs:
        sys.exit(f"torch_bench: no .spec files in {args.specs}")
    if args.parse_only:
        for (m, v), (h, nodes) in specs.items():
            print(f"{m},{v},{len(nodes)} nodes,input {h['input']},classes {h['classes']}")
        return
    if not args.deeproots:
        sys.exit("torch_bench: --deeproots CSV is required to time and join")

    import torch
    if not torch.cuda.is_available():
        sys.exit("torch_bench: torch.cuda.is_available() is False")
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False  # float32 like deeproots
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"torch_bench: torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, "
          f"{torch.cuda.get_device_name(0)}", file=sys.stderr)

    with open(args.deeproots) as f:
        rows = list(csv.DictReader(f))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["model", "variant", "batch", "deeproots_ms", "pytorch_ms", "ratio"])
    models = {}
    for r in rows:
        key = (r["model"], r["variant"])
        if key not in specs:
            sys.exit(f"torch_bench: no spec file for {key} in {args.specs}")
        if key not in models:
            models.clear()
            torch.cuda.empty_cache()
            models[key] = build(specs[key][1]).cuda().eval()
        batch = int(r["batch"])
        ms = time_forward(models[key], specs[key][0]["input"], batch, args.warmup, args.iters)
        dr = float(r["deeproots_ms"])
        out.writerow([r["model"], r["variant"], batch, f"{dr:.3f}", f"{ms:.3f}", f"{dr / ms:.2f}"])
        sys.stdout.flush()


if __name__ == "__main__":
    main()
