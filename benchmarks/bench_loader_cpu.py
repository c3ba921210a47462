"""Batch-building processes against none, in CPU pre-training: `pretrain(..., workers=W)` on one cache, interleaved.

On a CPU the training step already uses every core (torch's intra-op threads), so DataLoader workers that build
batches ahead compete with it; building a batch in the loop costs `draw_batch`'s few milliseconds instead. This
times both, each run a fresh `pretrain` of `--steps` steps at the tiny preset (no evaluation or checkpoints in
between), and reports the steady-state seconds per step (from `log.csv`, steps 20 to the end) and the whole call.

    python benchmarks/bench_loader_cpu.py /tmp/g/c1/cache --workers 0 2 --reps 3 --steps 100
"""
import argparse, csv, json, platform, shutil, tempfile, time
from pathlib import Path
import torch
from vab_nbdev.pretrain import config_for_cache, draw_batch, open_split, pretrain

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cache', help='a `prepare` cache (e.g. a vab_demo folder\'s cache)')
    ap.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--json', help='append the rows to this JSON-lines file')
    a = ap.parse_args()
    cfg = config_for_cache('tiny', a.cache)
    cfg.train.max_steps, cfg.train.log_every = a.steps, 10
    cfg.train.eval_every = cfg.train.ckpt_every = 10 * a.steps
    tr = open_split(a.cache, 'train', cfg); t = time.perf_counter()
    for s in range(20): draw_batch(tr, cfg, s)
    print(f'draw_batch: {(time.perf_counter() - t) / 20 * 1e3:.1f} ms a batch ({cfg.train.batch_size} clips)')
    rows = []
    for rep in range(a.reps):
        for w in a.workers:
            d = Path(tempfile.mkdtemp())
            t = time.perf_counter(); pretrain(cfg, a.cache, d, progress=False, workers=w); wall = time.perf_counter() - t
            e = {int(r['step']): float(r['elapsed']) for r in csv.DictReader(open(d / 'log.csv'))}
            row = dict(workers=w, rep=rep, steps=a.steps, wall_s=round(wall, 2), steady_s_per_step=round((e[a.steps] - e[20]) / (a.steps - 20), 4),
                       threads=torch.get_num_threads(), cpu=platform.processor() or platform.machine())
            rows.append(row); print(json.dumps(row), flush=True); shutil.rmtree(d)
    for w in a.workers:
        rs = [r for r in rows if r['workers'] == w]
        print(f"workers {w}: steady {sum(r['steady_s_per_step'] for r in rs) / len(rs):.4f} s/step, whole call {sum(r['wall_s'] for r in rs) / len(rs):.1f} s (mean of {len(rs)})")
    if a.json:
        with open(a.json, 'a') as fh: fh.writelines(json.dumps(r) + '\n' for r in rows)

if __name__ == '__main__': main()
