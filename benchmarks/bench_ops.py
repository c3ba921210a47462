"""Aten ops and FLOPs per VAB forward, per preset: how much work eager mode hands to the dispatcher.

What is measured (only the `VAB` transformer of `get_config(preset).model`; no tokenizer, no visual encoder):

- aten ops per forward: every call a `TorchDispatchMode` sees during one forward pass (the second one: the first
  may fill caches), under `torch.inference_mode()` (as `generate` runs; the mode then sees composite ops such as
  `linear`, `layer_norm`, `scaled_dot_product_attention` whole) and under `torch.no_grad()` (composites broken into
  the aten ops that run, e.g. `linear` -> `t` + `addmm` + views: closer to the kernel launches), the total and the
  casts that copy (`_to_copy`: `aten::to`/`_to_copy` calls that return a new
  tensor; a `.to` to the dtype a tensor already has is an op but not a copy), in four settings:
  - `fp32`: fp32 weights, `torch.inference_mode()` (decoding on CPU);
  - `autocast`: fp32 weights under `torch.inference_mode()` + bf16 autocast (how `generate` decodes on CUDA; autocast
    does not cache weight casts in inference mode, so every weight is cast on every forward). Measured with CPU
    autocast (same dtype rules and caching behaviour, `torch.autocast('cpu', dtype=torch.bfloat16)`);
  - `inference copy`: `model.for_inference(torch.bfloat16)` (weights cast once), no autocast, fed bf16 features
    (`generate` casts the features to the model's dtype once, before its step loop);
  - `inference copy + autocast`: the same copy under autocast (what `generate` does if handed the copy).
  The last two need `VAB.for_inference` and are skipped on code without it.
- FLOPs per forward and per training step (forward + backward of the masked cross-entropy), counted by
  `torch.utils.flop_counter.FlopCounterMode` on the `meta` device (no memory, no time) at the full clip length T,
  and the time they would take on an H100 at 40% of its bf16 dense peak (989 TFLOP/s).

The `paper` preset (about 0.4 B parameters) runs its op counts on CPU at batch 1 with a short clip (--paper-T audio
frames, default 150): the number of ops per forward does not depend on B or T.

Usage:
  python benchmarks/bench_ops.py                         # tiny, small, paper -> stdout (markdown) and --json
  python benchmarks/bench_ops.py --presets tiny --json /tmp/ops.json
Run it against older code with PYTHONPATH pointing at a checkout of that code (see results/ops_cpu.md).
"""
from __future__ import annotations
import argparse, contextlib, json, sys, time
from collections import Counter

import torch
import torch.nn.functional as F_
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

PEAK, MFU = 989e12, 0.40  # H100 SXM bf16 dense peak, and the utilisation we plan for


CASTS = ('to', 'type_as')  # composite casts, seen undecomposed under inference mode


class OpCounter(TorchDispatchMode):
    """Counts every aten op that reaches the dispatcher (by overload packet name), and under the name `_to_copy` the
    casts that really copy. Under inference mode the mode sees composite ops such as `aten::to` before they decompose,
    so a cast appears as `to` and a no-op `.to` (same dtype and device) as well: those are told apart by identity."""
    def __init__(self):
        super().__init__(); self.ops, self.copies = Counter(), 0
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        out = func(*args, **(kwargs or {}))
        self.ops[name] += 1
        self.copies += name == '_to_copy' or (name in CASTS and out is not args[0])  # a real copy, not a no-op `.to`
        return out


def _inputs(m, B: int, T: int, device='cpu', seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    codes = torch.randint(0, m.V + 1, (B, m.K, T), generator=g).to(device)       # MASK = V included
    Fv = min(m.F, max(1, int(T / m.vis_stride + 0.999)))
    feats = torch.randn(B, Fv, m.d_vis, generator=g).to(device)
    return codes, feats


def count_ops(model, codes, feats, autocast: bool, inference: bool = True) -> OpCounter:
    "The op counter of the second forward under inference mode (else no_grad), and bf16 CPU autocast when asked."
    ctx = (lambda: torch.autocast('cpu', dtype=torch.bfloat16)) if autocast else contextlib.nullcontext
    with torch.inference_mode() if inference else torch.no_grad():
        with ctx(): model(codes, feats)                                        # warm-up: caches, lazy init
        with ctx(), OpCounter() as oc: model(codes, feats)
    return oc


def flops(preset: str, B: int = 1) -> tuple[int, int]:
    "(forward, training step = forward + backward) FLOPs of B clips at the preset's full T, counted on meta."
    from vab_nbdev.core import get_config
    from vab_nbdev.model import VAB
    m = get_config(preset).model
    with torch.device('meta'):
        model = VAB(m).train()
        codes = torch.randint(0, m.V + 1, (B, m.K, m.T)); feats = torch.randn(B, m.F, m.d_vis)
        target = torch.randint(0, m.V, (B, m.K, m.T))
    with FlopCounterMode(display=False) as fc:
        with torch.no_grad(): model(codes, feats)
    fwd = fc.get_total_flops()
    with FlopCounterMode(display=False) as fc:
        F_.cross_entropy(model(codes, feats).reshape(-1, m.V), target.reshape(-1)).backward()
    return fwd, fc.get_total_flops()


def run(preset: str, paper_T: int) -> dict:
    from vab_nbdev.core import get_config
    from vab_nbdev.model import VAB
    m = get_config(preset).model
    torch.manual_seed(0)
    model = VAB(m).eval()
    T = paper_T if preset == 'paper' else m.T
    B = 1 if preset == 'paper' else 2
    codes, feats = _inputs(m, B, T)
    res = dict(preset=preset, params=model.num_params(), B=B, T=T, ops={})
    settings = [('fp32', model, False, feats), ('autocast', model, True, feats)]
    if hasattr(model, 'for_inference'):  # features in the copy's dtype, as `generate` casts them once before its loop
        inf = model.for_inference(torch.bfloat16)
        settings += [('inference copy', inf, False, feats.bfloat16()), ('inference copy + autocast', inf, True, feats.bfloat16())]
    for name, mod, ac, f in settings:
        t0 = time.time(); oc, dec = count_ops(mod, codes, f, ac), count_ops(mod, codes, f, ac, inference=False)
        res['ops'][name] = dict(total=sum(oc.ops.values()), to_copy=oc.copies, top=oc.ops.most_common(10),
                                decomposed=sum(dec.ops.values()), decomposed_to_copy=dec.copies, decomposed_top=dec.ops.most_common(10))
        print(f'{preset} {name}: {sum(oc.ops.values())} ops, {oc.copies} _to_copy ({time.time() - t0:.1f}s) {oc.ops.most_common(10)}', file=sys.stderr, flush=True)
    del model, settings
    fwd, step = flops(preset)
    res.update(flops_fwd=fwd, flops_step=step, batch_size=get_config(preset).train.batch_size, T_full=m.T, L_full=m.F + m.T)
    return res


def to_markdown(results: list[dict]) -> str:
    names = ['fp32', 'autocast', 'inference copy', 'inference copy + autocast']
    out = ['| preset | params | setting | aten ops / forward (inference mode) | `_to_copy` | aten ops / forward (no_grad, decomposed) | `_to_copy` |',
           '|---|---|---|---:|---:|---:|---:|']
    for r in results:
        for n in names:
            if n in r['ops']:
                o = r['ops'][n]
                out.append(f"| {r['preset']} | {r['params']/1e6:.1f} M | {n} | {o['total']} | {o['to_copy']} | {o['decomposed']} | {o['decomposed_to_copy']} |")
    out += ['', '| preset | L = F + T | GFLOP / forward (1 clip) | GFLOP / train step (1 clip) | train step at preset batch | H100 @ 40% of 989 TFLOP/s: forward (1 clip) | train step (preset batch) |',
            '|---|---:|---:|---:|---:|---:|---:|']
    for r in results:
        bs = r['batch_size']; step = r['flops_step'] * bs
        out.append(f"| {r['preset']} | {r['L_full']} | {r['flops_fwd']/1e9:.2f} | {r['flops_step']/1e9:.2f} | {step/1e12:.2f} TFLOP (B={bs}) |"
                   f" {r['flops_fwd'] / (MFU * PEAK) * 1e6:.1f} us | {step / (MFU * PEAK) * 1e3:.1f} ms |")
    return '\n'.join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--presets', nargs='+', default=['tiny', 'small', 'paper'])
    p.add_argument('--paper-T', type=int, default=150, help='audio frames of the paper-preset op count (ops do not depend on T)')
    p.add_argument('--json', default=None, help='also write the results as JSON here')
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    results = [run(pr, a.paper_T) for pr in a.presets]
    print(f'torch {torch.__version__}\n\n' + to_markdown(results))
    if a.json:
        with open(a.json, 'w') as f: json.dump(results, f, indent=1)


if __name__ == '__main__': main()
