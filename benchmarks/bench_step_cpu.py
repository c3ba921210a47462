"""What a tiny pre-training step costs on a CPU, by variant: glibc's allocator as it comes or tuned
(`core.tune_cpu_allocator`), and the rotary pairs 'halves' or 'interleaved' (`ModelConfig.rope_pairs`).

Each variant runs in its own subprocess (the allocator setting is per process), in rounds that interleave the
variants, so a machine whose speed drifts affects all of them alike. A step is `pretrain.train_step` on the tiny
preset's shapes (B = 32, L = 250) with random tokens and features, after 3 untimed steps; the subprocess reports
the median step time and the minor page faults per step (memory the kernel had to hand over, zeroed).

Usage: python benchmarks/bench_step_cpu.py [--rounds 3] [--steps 10] [--out benchmarks/results/step_cpu_s17.json]
"""
from __future__ import annotations
import argparse, json, platform, resource, statistics, subprocess, sys, time
from pathlib import Path

VARIANTS = [dict(tuned=t, pairs=p) for t in (False, True) for p in ('halves', 'interleaved')]


def tiny_steps(n: int, pairs: str = 'interleaved'):
    "A fresh tiny model, its optimiser and scheduler, and `n` batches of random tokens and features at the preset's shapes -> (step(batch), batches)."
    import torch
    from vab_nbdev.core import get_config, seed_everything
    from vab_nbdev.model import VAB
    from vab_nbdev.pretrain import make_optimizer, make_scheduler, train_step, draw_batch
    cfg = get_config('tiny'); cfg.model.rope_pairs = pairs; seed_everything(0)
    m = VAB(cfg.model).train(); opt = make_optimizer(m, cfg.train); sched = make_scheduler(opt, cfg.train)
    g = torch.Generator().manual_seed(0)
    data = dict(codes=torch.randint(0, cfg.model.V, (64, cfg.model.K, cfg.model.T), generator=g),
                feats=torch.randn(64, cfg.model.F, cfg.model.d_vis, generator=g))
    return (lambda b: train_step(m, opt, sched, b, cfg)), [draw_batch(data, cfg, s) for s in range(n)]


def one(tuned: bool, pairs: str, steps: int) -> dict:
    from vab_nbdev.core import tune_cpu_allocator
    if tuned: assert tune_cpu_allocator(), 'not glibc: nothing to tune'
    step, batches = tiny_steps(steps + 3, pairs)
    for b in batches[:3]: step(b)
    times, f0 = [], resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for b in batches[3:]:
        t = time.perf_counter(); step(b); times.append(time.perf_counter() - t)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / steps
    return dict(tuned=tuned, pairs=pairs, step_s=statistics.median(times), faults_per_step=faults)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=int, default=3, help='interleaved rounds over the variants')
    ap.add_argument('--steps', type=int, default=10, help='timed steps per run')
    ap.add_argument('--out', default='benchmarks/results/step_cpu_s17.json')
    ap.add_argument('--one', help=argparse.SUPPRESS)  # internal: run one variant, print its JSON
    a = ap.parse_args()
    if a.one: print(json.dumps(one(**json.loads(a.one), steps=a.steps))); return
    rows = []
    for r in range(a.rounds):
        for v in VARIANTS:
            out = subprocess.run([sys.executable, __file__, '--steps', str(a.steps), '--one', json.dumps(v)],
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            rows.append(dict(json.loads(out), round=r)); print(rows[-1], flush=True)
    import torch
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
    summary = [dict(v, step_s=statistics.median(r['step_s'] for r in rows if r['tuned'] == v['tuned'] and r['pairs'] == v['pairs']),
                    faults_per_step=statistics.median(r['faults_per_step'] for r in rows if r['tuned'] == v['tuned'] and r['pairs'] == v['pairs']))
               for v in VARIANTS]
    res = dict(machine=f'{cpu}, {torch.get_num_threads()} threads', torch=torch.__version__, libc=platform.libc_ver(),
               command=' '.join(['python'] + sys.argv), rows=rows, summary=summary)
    Path(a.out).write_text(json.dumps(res, indent=1))
    print('| allocator | rotary pairs | step (s), median | minor page faults / step |\n|---|---|---|---|')
    for s in summary: print(f"| {'tuned' if s['tuned'] else 'glibc default'} | {s['pairs']} | {s['step_s']:.3f} | {s['faults_per_step']:,.0f} |")


if __name__ == '__main__': main()
