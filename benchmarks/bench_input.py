"""Memory per rank of the pre-training input (issue 15): the old in-memory load (every process held the whole
training split as `long` codes and `float32` features) against the memory-mapped cache that `pretrain` reads now
(`open_split` + `batch_loader` with DataLoader workers), on synthetic caches at the paper preset's shapes
(K = 4 codebooks, T = 750 frames, F = 10 frames of 1024-d features, 1 clip in 13 held out, about VGGSound's share),
measured at two sizes and extrapolated linearly to 20k and 200k clips. `--preset` builds the caches at another
preset's shapes (tiny: K = 4, T = 200, F = 50 frames of 192-d features, batches of its 32 clips), and one `--clips`
size is measured as it is, with no line fitted (e.g. the 20k-clip tiny cache really built and read).

    python benchmarks/bench_input.py [--preset paper] [--clips 1300 5200] [--batches 40] [--workers 2] [--world 8] [--out /tmp/vab_bench_input] [--clean]
    python benchmarks/bench_input.py --preset tiny --clips 20000 --clean      # measured at 20k clips, cache deleted after

Every measurement runs in a fresh process and reads /proc: the anonymous memory of the rank (RssAnon above the
baseline after imports: at the end, at its peak sampled every 2 ms, and "live" after glibc's `malloc_trim` returns
freed heap), the private memory of its DataLoader workers (smaps Private_*), and the resident pages of the cache's
files mapped into the rank and into its workers (page cache: one copy per machine, shared by every process that
maps it, clean and evicted under memory pressure; RSS counts it in each process that touched it).
"""
import argparse, json, os, platform, shutil, subprocess, sys, threading, time
from pathlib import Path

import torch

def anon_mib(pid='self') -> float:
    "RssAnon of a process (MiB): its anonymous memory, counting pages it shares copy-on-write with its parent."
    return next(int(l.split()[1]) for l in open(f'/proc/{pid}/status') if l.startswith('RssAnon:')) / 1024

def private_mib(pid='self') -> float:
    "Private_Clean + Private_Dirty of a process (MiB): the memory only it holds (a forked worker's own cost)."
    return sum(int(l.split()[1]) for l in open(f'/proc/{pid}/smaps_rollup') if l.startswith(('Private_Clean:', 'Private_Dirty:'))) / 1024

def mapped_mib(root, pid='self', fields=('Rss:',)) -> float:
    """Resident pages of the files under `root` mapped by a process (MiB): page cache, shared by every process that maps
    them. With fields=('Private_Clean:', 'Private_Dirty:'): those of them no other process maps (smaps counts such clean
    file pages as "private", so `private_mib` of a worker includes them)."""
    tot, cur = 0, ''
    for line in open(f'/proc/{pid}/smaps'):
        head = line.split()
        if head and '-' in head[0] and not head[0].endswith(':'): cur = head[5] if len(head) > 5 else ''
        elif head and head[0] in fields and cur.startswith(str(root)): tot += int(head[1])
    return tot / 1024

def trim():
    "Give the C heap's free memory back to the system (glibc `malloc_trim`), so RssAnon counts live data only."
    import ctypes; ctypes.CDLL('libc.so.6').malloc_trim(0)

class PeakAnon:
    "Samples this process's RssAnon every 2 ms in a thread: the peak of the anonymous memory, transients included."
    def __init__(self): self.peak, self.on = anon_mib(), True; threading.Thread(target=self._run, daemon=True).start()
    def _run(self):
        while self.on: self.peak = max(self.peak, anon_mib()); time.sleep(0.002)

def write_cache(out: Path, n: int, shard_size: int = 256, preset: str = 'paper') -> Path:
    "A complete synthetic cache of `n` clips at the preset's shapes (default paper), in the format `prepare` writes."
    from vab_nbdev.core import get_config
    from vab_nbdev.prepare import FORMAT, VERSION, _write_shard
    if (out / 'index.json').is_file(): return out
    cfg, g = get_config(preset), torch.Generator().manual_seed(0)
    K, T, F, D, V = cfg.model.K, cfg.T, cfg.F, cfg.visual.dim, cfg.audio.V
    (out / 'shards').mkdir(parents=True, exist_ok=True); shards = []
    for i, lo in enumerate(range(0, n, shard_size)):
        m = min(shard_size, n - lo)
        ids = [f'clip{lo + j:07d}_000000' for j in range(m)]
        splits = ['test' if (lo + j) % 13 == 0 else 'train' for j in range(m)]
        labels = torch.randint(0, 300, (m,), generator=g)
        f = f'shards/shard_{i:05d}.safetensors'
        _write_shard(out / f, torch.randint(0, V, (m, K, T), generator=g).short(), torch.randn(m, F, D, generator=g).half(),
                     labels, dict(ids=ids, splits=splits, bad=[], padded=[]), torch.full((m,), T, dtype=torch.int16))
        shards.append(dict(file=f, planned=ids, ids=ids, labels=labels.tolist(), splits=splits, n=m))
    index = dict(format=FORMAT, version=VERSION, complete=True, config=cfg.to_dict(), source='synthetic', split=None,
                 classes=[f'class{i}' for i in range(300)], tokenizer=dict(file='tokenizer.pt', kind=cfg.audio.kind, fingerprint='synthetic'),
                 visual_encoder=dict(type='synthetic', dim=D), shard_size=shard_size, shards=shards)
    (out / 'index.json').write_text(json.dumps(index))
    return out

def old_load_split(cache: Path, split: str) -> dict:
    "What `pretrain` read before issue 15 (`load_cache` + `load_split` at 805ef43): every shard read, concatenated, long/float32."
    from safetensors.torch import load_file
    index = json.loads((cache / 'index.json').read_text())
    parts = [load_file(str(cache / s['file'])) for s in index['shards']]
    keep = torch.tensor([x == split for s in index['shards'] for x in s['splits']])
    return dict(codes=torch.cat([p['codes'] for p in parts]).long()[keep], feats=torch.cat([p['feats'] for p in parts]).float()[keep])

def measure(mode: str, cache: Path, batches: int, workers: int, world: int, preset: str = 'paper') -> dict:
    "Run one mode in this (fresh) process: memory above the baseline (MiB) and time per batch."
    from vab_nbdev.pretrain import config_for_cache, open_split, heldout_masks, batch_loader
    cfg = config_for_cache(preset, cache)
    trim(); base, peak = anon_mib(), PeakAnon(); t0 = time.perf_counter(); res = dict(mode=mode, workers_private=0.0, workers_mapped=0.0, workers_private_cache=0.0)
    if mode == 'before':  # the whole training split in memory; every rank drew the global batch itself
        train, test = old_load_split(cache, 'train'), old_load_split(cache, 'test')
        res['load_s'], t0 = time.perf_counter() - t0, time.perf_counter()
        g = torch.Generator().manual_seed(0)
        for _ in range(batches):
            idx = torch.randperm(len(train['codes']), generator=g)[:cfg.train.batch_size]
            b = (train['codes'][idx], train['feats'][idx])
    else:  # memory-mapped; rank 0 of `world` builds its slices in `workers` processes
        train, test = open_split(cache, 'train', cfg), open_split(cache, 'test', cfg)
        mask = heldout_masks(test, cfg)
        res['load_s'], t0 = time.perf_counter() - t0, time.perf_counter()
        it = iter(batch_loader(train, cfg, 0, batches, rank=0, world=world, workers=workers))
        for _ in range(batches - 1): b = next(it)
        import psutil
        kids = [c.pid for c in psutil.Process().children()]  # read while they are alive
        res['workers_private'], res['workers_mapped'] = sum(map(private_mib, kids)), sum(mapped_mib(cache, k) for k in kids)
        res['workers_private_cache'] = sum(mapped_mib(cache, k, ('Private_Clean:', 'Private_Dirty:')) for k in kids)  # of workers_private: cache file pages
        b = next(it)
    peak.on = False
    res.update(anon=anon_mib() - base, peak_anon=peak.peak - base, mapped=mapped_mib(cache))
    trim(); res['live_anon'] = anon_mib() - base
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--preset', default='paper', help="the preset whose shapes the synthetic caches take (default paper)")
    p.add_argument('--clips', type=int, nargs='+', default=[1300, 5200],
                   help='cache sizes: two are measured and a line fitted to 20k and 200k; one is measured as it is')
    p.add_argument('--batches', type=int, default=40)
    p.add_argument('--workers', type=int, default=2); p.add_argument('--world', type=int, default=8)
    p.add_argument('--out', default='/tmp/vab_bench_input'); p.add_argument('--measure', nargs=2, metavar=('MODE', 'CACHE'))
    p.add_argument('--clean', action='store_true', help='delete each synthetic cache once it has been measured')
    a = p.parse_args()
    if a.measure:
        print(json.dumps(measure(a.measure[0], Path(a.measure[1]), a.batches, a.workers, a.world, a.preset))); return
    if len(a.clips) not in (1, 2): p.error('--clips takes one size (measured) or two (measured and fitted)')
    rows, t0, meta = {}, time.perf_counter(), {}
    for n in a.clips:
        t = time.perf_counter()
        cache = write_cache(Path(a.out) / (f'cache_{n}' if a.preset == 'paper' else f'cache_{a.preset}_{n}'), n, preset=a.preset)
        meta[n] = dict(write_s=round(time.perf_counter() - t, 1), cache_mib=round(sum(f.stat().st_size for f in cache.rglob('*') if f.is_file()) / 2**20, 1))
        for mode in ('before', 'after'):
            cmd = [sys.executable, __file__, '--measure', mode, str(cache), '--batches', str(a.batches), '--workers', str(a.workers),
                   '--world', str(a.world), '--preset', a.preset]
            r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
            if r.returncode: sys.exit(r.stdout + r.stderr)
            rows[(mode, n)] = json.loads(r.stdout.strip().splitlines()[-1])
        if a.clean: shutil.rmtree(cache)
    info = dict(preset=a.preset, clips=a.clips, caches=meta, batches=a.batches, workers=a.workers, world=a.world,
                machine=f'{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}',
                torch=torch.__version__, python=platform.python_version(), date=time.strftime('%Y-%m-%d'),
                wall_s=round(time.perf_counter() - t0, 1))
    if len(a.clips) == 1:  # measured only
        n = a.clips[0]
        print(json.dumps(dict(results=[rows[(m, n)] for m in ('before', 'after')], **info), indent=1)); return
    (n1, n2), out = a.clips, []
    for mode in ('before', 'after'):
        r1, r2 = rows[(mode, n1)], rows[(mode, n2)]
        row = dict(mode=mode, load_s=round(r2['load_s'], 2))
        for k in ('anon', 'live_anon', 'peak_anon', 'workers_private', 'workers_private_cache', 'mapped', 'workers_mapped'):
            slope = (r2[k] - r1[k]) / (n2 - n1)  # MiB per clip, fitted on the two sizes
            row[k] = {**{str(n): round(r[k], 1) for n, r in ((n1, r1), (n2, r2))},
                      **{f'{m // 1000}k': round(r2[k] + slope * (m - n2)) for m in (20_000, 200_000)}, 'kib_per_clip': round(slope * 1024, 3)}
        out.append(row)
    print(json.dumps(dict(results=out, **info), indent=1))

if __name__ == '__main__': main()
