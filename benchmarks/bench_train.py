"""Training throughput, peak memory and model FLOPs utilisation of VAB pre-training, per preset.

What is measured: full optimiser steps of `vab_nbdev.pretrain.train_step` (forward, masked loss, backward, clipping,
AdamW, schedule) on random tokens/features of the preset's shapes, after `--warmup` untimed steps.

- tokens/s: sequence positions processed per second, B * (F + T) per step (visual + audio positions).
- peak memory: `torch.cuda.max_memory_allocated` on CUDA; the process's peak RSS on CPU (each configuration runs
  in its own subprocess so the numbers do not mix).
- MFU (CUDA only): achieved model FLOPs / peak. Model FLOPs per step = 6 * N_active * tokens + attention, where
  N_active counts the matmul parameters a token actually uses (every expert layer's token passes ONE of its two FFNs;
  embedding tables are look-ups, not matmuls) and attention = 12 * n_layers * D * L^2 per sequence (QK^T and AV,
  forward + backward, L = F + T). The peak comes from --peak-tflops (default 989: H100 SXM, bf16 dense).

Usage:
  python benchmarks/bench_train.py                           # tiny on CPU; all presets on CUDA
  python benchmarks/bench_train.py --presets tiny small paper --device cuda --compile both
Writes benchmarks/results/train_<device>.{md,json} (or --out).
"""
from __future__ import annotations
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path

import torch

BATCH = dict(cpu=dict(tiny=32, small=4, paper=1), cuda=dict(tiny=64, small=32, paper=16))  # per-device default micro-batch


def device_name(dev: torch.device) -> str:
    if dev.type == 'cuda': return torch.cuda.get_device_name(dev)
    try:
        model = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration):
        model = platform.processor() or 'cpu'
    return f'{model} ({torch.get_num_threads()} threads)'


def model_flops_per_step(model, cfg, B: int) -> float:
    "6 * N_active * tokens + attention FLOPs (forward + backward) for one step of B clips."
    m, L = cfg.model, cfg.model.F + cfg.model.T
    emb = model.tok_emb.weight.numel() + model.pos_emb.numel() + model.type_emb.numel() + model.null_cond.numel()
    one_expert = sum(p.numel() for b in model.blocks[:m.n1] for p in b.ffn_vis.parameters())
    n_active = model.num_params() - emb - one_expert
    return 6 * n_active * B * L + 12 * (m.n1 + m.n2) * m.D * L * L * B


def run_one(preset: str, device: str, batch: int, bf16: bool, compile_: bool, steps: int, warmup: int) -> dict:
    "Measure one configuration in this process."
    from vab_nbdev.core import get_config, cpu_has_bf16
    from vab_nbdev.model import VAB
    from vab_nbdev.pretrain import make_optimizer, make_scheduler, train_step, draw_batch
    dev = torch.device(device)
    cfg = get_config(preset); cfg.train.batch_size, cfg.train.grad_accum, cfg.train.bf16 = batch, 1, bf16
    m = cfg.model
    g = torch.Generator().manual_seed(0)
    data = dict(codes=torch.randint(0, m.V, (max(batch, 8), m.K, m.T), generator=g),
                feats=torch.randn(max(batch, 8), m.F, m.d_vis, generator=g))
    torch.manual_seed(0)
    model = VAB(m).to(dev).train()
    opt, net = make_optimizer(model, cfg.train), (torch.compile(model) if compile_ else model)
    sched = make_scheduler(opt, cfg.train)
    if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats(dev)
    t_compile = time.perf_counter()
    for s in range(warmup): train_step(net, opt, sched, draw_batch(data, cfg, s), cfg)
    if dev.type == 'cuda': torch.cuda.synchronize(dev)
    t_warm, times = time.perf_counter() - t_compile, []
    for s in range(warmup, warmup + steps):
        batch_ = draw_batch(data, cfg, s)
        t0 = time.perf_counter(); train_step(net, opt, sched, batch_, cfg)
        if dev.type == 'cuda': torch.cuda.synchronize(dev)
        times.append(time.perf_counter() - t0)
    step_s = sorted(times)[len(times) // 2]  # median: robust to a shared machine's hiccups
    tokens = batch * (m.F + m.T)
    out = dict(preset=preset, device=device_name(dev), batch=batch, seq_len=m.F + m.T, params=model.num_params(),
               dtype='bf16 autocast' if (bf16 and (dev.type == 'cuda' or cpu_has_bf16())) else 'fp32', compile=compile_,
               step_s=step_s, tokens_per_s=tokens / step_s, clips_per_s=batch / step_s, warmup_s=t_warm)
    if dev.type == 'cuda':
        out['peak_mem_GiB'] = torch.cuda.max_memory_allocated(dev) / 2**30
        out['model_tflops'] = model_flops_per_step(model, cfg, batch) / step_s / 1e12
    else:
        out['peak_mem_GiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # ru_maxrss is KiB on Linux
        out['model_tflops'] = model_flops_per_step(model, cfg, batch) / step_s / 1e12
    return out


def _child(args) -> dict | None:
    "Run one configuration in a fresh interpreter (separate peak memory); None if it fails (e.g. out of memory)."
    cmd = [sys.executable, __file__, '--_one', json.dumps(args)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE='1'))
    if r.returncode != 0:
        print(f'  {args} failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}')
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def _markdown(rows, cmd, peak) -> str:
    head = ('| preset | params | batch | L | dtype | compile | step (s) | tokens/s | clips/s | peak mem (GiB) | model TFLOP/s | MFU |\n'
            '|---|---|---|---|---|---|---|---|---|---|---|---|\n')
    body = ''.join(f"| {r['preset']} | {r['params']/1e6:.1f} M | {r['batch']} | {r['seq_len']} | {r['dtype']} | {r['compile']} | "
                   f"{r['step_s']:.3f} | {r['tokens_per_s']:,.0f} | {r['clips_per_s']:.1f} | {r['peak_mem_GiB']:.2f} | "
                   f"{r['model_tflops']:.2f} | {(r['mfu'] * 100):.1f}% |\n" if 'mfu' in r else
                   f"| {r['preset']} | {r['params']/1e6:.1f} M | {r['batch']} | {r['seq_len']} | {r['dtype']} | {r['compile']} | "
                   f"{r['step_s']:.3f} | {r['tokens_per_s']:,.0f} | {r['clips_per_s']:.1f} | {r['peak_mem_GiB']:.2f} (RSS) | "
                   f"{r['model_tflops']:.3f} | - |\n" for r in rows)
    dev = rows[0]['device'] if rows else '?'
    load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
    return (f'# VAB pre-training throughput\n\nDevice: {dev}; torch {torch.__version__}; load average at the end {load} '
            f'(a shared machine inflates step times).\nCommand: `{cmd}`\n\n' + head + body +
            f'\ntokens = B * (F + T) sequence positions per step; MFU against {peak} TFLOP/s peak (CUDA only). '
            'Step time is the median over the timed steps.\n')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--presets', nargs='+', default=None, help='presets to run (default: tiny on CPU; tiny, small and paper on CUDA)')
    p.add_argument('--device', default=None, help='cpu or cuda (default: cuda if available)')
    p.add_argument('--batch-size', type=int, default=None, help='clips per step (default: per preset and device, see BATCH)')
    p.add_argument('--steps', type=int, default=10, help='timed steps'); p.add_argument('--warmup', type=int, default=3, help='untimed steps (compile happens here)')
    p.add_argument('--compile', choices=['no', 'yes', 'both'], default=None, help='torch.compile (default: both on CUDA, no on CPU)')
    p.add_argument('--peak-tflops', type=float, default=989.0, help='device peak for MFU (989 = H100 SXM bf16 dense)')
    p.add_argument('--precision', choices=['bf16', 'fp32', 'both'], default=None,
                   help='bf16 autocast (CUDA; CPUs with native bf16) and/or fp32 (default: bf16 on CUDA, both on CPU)')
    p.add_argument('--out', default=str(Path(__file__).parent / 'results'), help='folder for the markdown/json results')
    p.add_argument('--_one', help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a._one: print(json.dumps(run_one(**json.loads(a._one)))); return
    dev = torch.device(a.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    presets = a.presets or (['tiny', 'small', 'paper'] if dev.type == 'cuda' else ['tiny'])  # small: ~1 min per step on 2 CPU cores
    compiles = {'no': [False], 'yes': [True], 'both': [False, True]}[a.compile or ('both' if dev.type == 'cuda' else 'no')]
    precisions = {'bf16': [True], 'fp32': [False], 'both': [False, True]}[a.precision or ('bf16' if dev.type == 'cuda' else 'both')]
    rows = []
    for preset in presets:
        for c, bf16 in [(c, b) for c in compiles for b in precisions]:
            args = dict(preset=preset, device=str(dev), batch=a.batch_size or BATCH[dev.type][preset], bf16=bf16,
                        compile_=c, steps=a.steps, warmup=a.warmup)
            print(f'{preset} compile={c} bf16={bf16} batch={args["batch"]} ...', flush=True)
            r = _child(args)
            if r is None: continue
            if dev.type == 'cuda': r['mfu'] = r['model_tflops'] / a.peak_tflops
            rows.append(r); print(f"  {r['tokens_per_s']:,.0f} tokens/s, {r['step_s']:.3f} s/step, peak {r['peak_mem_GiB']:.2f} GiB", flush=True)
    cmd = 'python benchmarks/bench_train.py ' + ' '.join(argv if argv is not None else sys.argv[1:])
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    stem = out / f'train_{dev.type}'
    stem.with_suffix('.json').write_text(json.dumps(dict(command=cmd, torch=torch.__version__, loadavg=os.getloadavg(), rows=rows), indent=1))
    stem.with_suffix('.md').write_text(_markdown(rows, cmd, a.peak_tflops))
    print(stem.with_suffix('.md').read_text())


if __name__ == '__main__':
    main()
