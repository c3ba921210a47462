"""One process with every core against one single-thread process per core (DDP over gloo), in CPU pre-training.

On a CPU, torch splits each op of a training step over its intra-op threads. The tiny preset's ops are small
(a (32, 250, 128) activation is 1M numbers), so two threads do not make a step twice as fast: part of the step
runs on one core while the other waits. Two processes of one thread each, each with half the batch (the same
global batch of 32, gradients averaged by DDP's all-reduce: `pretrain` under torchrun), keep both cores busy.
This times both ways of running `vab_train` on one cache, interleaved, each a fresh run of `--steps` steps at
the tiny preset (no evaluation or checkpoint in between): the steady seconds per step (rank 0's `log.csv`, steps
20 to the end) and the whole command (start-up included).

    python benchmarks/bench_cpu_ranks.py /tmp/g/c1/cache --reps 3 --steps 100
"""
import argparse, csv, json, os, platform, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path


def _port() -> str:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return str(s.getsockname()[1])


def run(cache: str, procs: int, steps: int, root: Path) -> dict:
    out = root / f'p{procs}'; shutil.rmtree(out, ignore_errors=True)
    script = root / 'train.py'; script.write_text('from vab_nbdev.pretrain import main\nmain()\n')
    args = [str(script), cache, str(out), '--max-steps', str(steps), '--log-every', '10',
            '--eval-every', str(10 * steps), '--ckpt-every', str(10 * steps), '--quiet']
    env = dict(os.environ)
    if procs > 1:
        cmd = [sys.executable, '-m', 'torch.distributed.run', '--nnodes', '1', '--nproc_per_node', str(procs),
               '--master_addr', '127.0.0.1', '--master_port', _port(), *args]
        env['OMP_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // procs))
    else: cmd = [sys.executable, *args]
    t = time.perf_counter(); subprocess.run(cmd, check=True, env=env, capture_output=True); wall = time.perf_counter() - t
    rows = list(csv.DictReader(open(out / 'log.csv')))
    e = {int(r['step']): float(r['elapsed']) for r in rows}
    return dict(procs=procs, steps=steps, steady_s_per_step=round((e[steps] - e[20]) / (steps - 20), 4), wall_s=round(wall, 1),
                final_loss=float(rows[-1]['loss']))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cache', help='a `prepare` cache (e.g. a vab_demo folder\'s cache)')
    ap.add_argument('--procs', type=int, nargs='+', default=[1, 2], help='processes per run (1: one process, all threads)')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--json', help='append the rows to this JSON-lines file')
    a = ap.parse_args()
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for rep in range(a.reps):
            for p in a.procs:
                r = dict(run(a.cache, p, a.steps, Path(d)), rep=rep, cpu=cpu, cores=os.cpu_count())
                rows.append(r); print(json.dumps(r), flush=True)
    for p in a.procs:
        mine = [r for r in rows if r['procs'] == p]
        print(f"{p} process(es): steady {sum(r['steady_s_per_step'] for r in mine) / len(mine):.4f} s/step, "
              f"whole command {sum(r['wall_s'] for r in mine) / len(mine):.1f} s (mean of {len(mine)})")
    if a.json:
        with open(a.json, 'a') as f: f.writelines(json.dumps(r) + '\n' for r in rows)


if __name__ == '__main__': main()
