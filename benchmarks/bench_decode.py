#!/usr/bin/env python
"""Decoding speed of VAB: MaskGIT-style iterative decoding against two autoregressive baselines.

Seconds per clip and clips per second against the number of steps S and the batch size, with the transformer and the
codec decode timed separately. Weights are random (a transformer's cost does not depend on its weights). The model
runs as `generate` runs it: a `decoding_copy` whose weights are cast once to `decode_dtype` (bf16 on CUDA and on CPUs
with native bf16, else fp32); the causal baseline runs bf16 on CUDA and fp32 on a CPU, its faster dtype there. (Before
session 25 the iterative CPU rows ran fp32 weights: `bench_decode_cpu*.md` and `.json` were measured that way, and
the script failed at its FLOP count: `attn_dtype` asked the `meta` device about autocast.)

- CPU (default there): the `tiny` and `small` presets (small: T = 750, V = 1024, the EnCodec grid of a 10 s clip).
- CUDA (default when available): the `paper` preset with a 10 s clip, bf16 autocast, eager and
  `torch.compile(mode='reduce-overhead')` (CUDA graphs); EnCodec with random weights for the codec time.
  Goal on one H100: < 0.1 s per 10 s clip at batch 1 including the codec decode, and >= 20x faster than AR.

Two autoregressive baselines, labelled for what they are:
- `autoregressive (same model)`: VAB itself, decoded one frame at a time (`decoding.generate_ar`): T full
  bidirectional forward passes, no cache. It shows what iterative decoding saves *this* model, but no one would
  build an AR generator this way. It is timed over its first `--ar-frames` frames and extrapolated to T (rows say
  `measured` or `extrapolated`); `--ar-full` times it all.
- `autoregressive (causal, KV cache)`: what FoleyGen-style systems run [follow-up]: a causal transformer of the
  same width and depth, video prefix first, then one step per audio frame predicting its K tokens, keys and values
  cached, guidance on a doubled batch like VAB's. Random weights: only its speed is compared. Timed in full.
Beside each measured time, a predicted H100 time of the transformer part: its FLOPs (counted by
`torch.utils.flop_counter.FlopCounterMode` on the `meta` device, as `bench_ops.py` does) at 40 % of the H100's dense
bf16 peak (989 TFLOP/s). It is a FLOP-bound lower bound: it ignores the launch overhead of each sequential step (which
dominates AR decoding at batch 1), memory bandwidth and the codec.
Results (markdown + JSON, with the device, torch version and command) go to `benchmarks/results/`.

Examples:
    python benchmarks/bench_decode.py --threads 1              # CPU: tiny + small presets (about 5 min on 2 cores)
    python benchmarks/bench_decode.py --device cuda            # GPU: paper preset, eager and compiled
    python benchmarks/bench_decode.py --presets tiny --steps 16 --batch 1,8 --quick
"""
from __future__ import annotations
import argparse, json, os, platform, statistics, sys, time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from torch.utils.flop_counter import FlopCounterMode

from vab_nbdev.core import get_config, get_device, autocast
from vab_nbdev.model import VAB
from vab_nbdev.decoding import generate, generate_ar, decoding_copy

RESULTS = Path(__file__).resolve().parent / 'results'
PEAK, MFU = 989e12, 0.40  # H100 SXM dense bf16 peak, and the utilisation assumed for the predicted H100 column (as bench_ops.py)


def _ints(s: str) -> list[int]: return [int(x) for x in s.split(',') if x]


def _sync(dev: torch.device):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)
    elif dev.type == 'mps': torch.mps.synchronize()  # kernels run asynchronously there too


def _time(fn, dev, reps: int = 1, warmup: int = 1) -> float:
    "Median wall seconds of `fn()` over `reps` runs after `warmup` runs."
    for _ in range(warmup): fn()
    ts = []
    for _ in range(reps):
        _sync(dev); t = time.perf_counter(); fn(); _sync(dev); ts.append(time.perf_counter() - t)
    return statistics.median(ts)


class CausalAR(torch.nn.Module):
    "A causal transformer of VAB's width and depth with a KV cache: the fair AR baseline (random weights; speed only) [ours]."
    def __init__(self, m):  # m: a ModelConfig (D, n_heads, d_ff, n1 + n2 layers, K, V, T, F, d_vis)
        super().__init__()
        nn, D = torch.nn, m.D
        self.m, self.dh = m, D // m.n_heads
        self.vis, self.emb, self.pos = nn.Linear(m.d_vis, D), nn.Embedding(m.K * m.V, D), nn.Embedding(m.F + m.T, D)
        self.layers = nn.ModuleList(nn.ModuleDict(dict(ln1=nn.LayerNorm(D), qkv=nn.Linear(D, 3 * D), proj=nn.Linear(D, D),
                                                       ln2=nn.LayerNorm(D), fc1=nn.Linear(D, m.d_ff), fc2=nn.Linear(m.d_ff, D)))
                                    for _ in range(m.n1 + m.n2))
        self.ln_f, self.head = nn.LayerNorm(D), nn.Linear(D, m.K * m.V)
        self.register_buffer('offsets', torch.arange(m.K) * m.V)

    def step(self, x, cache, pos: int):
        "Run n new positions x (B, n, D) starting at `pos` through the layers, filling the cache; logits of the last (B, K*V)."
        B, n, D = x.shape; H = self.m.n_heads
        for l, (kc, vc) in zip(self.layers, cache):
            q, k, v = l['qkv'](l['ln1'](x)).view(B, n, 3, H, self.dh).permute(2, 0, 3, 1, 4)  # 3 x (B,H,n,dh)
            kc[:, :, pos:pos + n], vc[:, :, pos:pos + n] = k, v
            y = torch.nn.functional.scaled_dot_product_attention(q, kc[:, :, :pos + n], vc[:, :, :pos + n], is_causal=n > 1)
            x = x + l['proj'](y.transpose(1, 2).reshape(B, n, D))
            x = x + l['fc2'](torch.nn.functional.gelu(l['fc1'](l['ln2'](x))))
        return self.head(self.ln_f(x[:, -1]))

    def new_cache(self, B: int, dev, dtype):
        shape = (B, self.m.n_heads, self.m.F + self.m.T, self.dh)
        return [(torch.empty(shape, device=dev, dtype=dtype), torch.empty(shape, device=dev, dtype=dtype)) for _ in self.layers]

    @torch.inference_mode()
    def check_cache(self, n: int = 12) -> float:
        "Max |difference| between the cached one-at-a-time logits and one causal pass over the same n positions."
        x = torch.randn(2, n, self.m.D, generator=torch.Generator().manual_seed(0))
        full = [self.step(x[:, :i + 1], self.new_cache(2, 'cpu', x.dtype), 0) for i in range(n)]  # no reuse
        c = self.new_cache(2, 'cpu', x.dtype)
        inc = [self.step(x[:, i:i + 1], c, i) for i in range(n)]
        return max((a - b).abs().max().item() for a, b in zip(full, inc))

    @torch.inference_mode()
    def generate(self, feats, w: float = 3.0, temperature: float = 0.5, top_k: int = 32):
        "(B, K, T) tokens for video features (B, F, d_vis), one frame per step; guidance on a doubled batch (null = zeros)."
        m, B, dev = self.m, feats.shape[0], feats.device
        f2 = torch.cat([feats, torch.zeros_like(feats)])                  # conditional, then null condition
        cache = self.new_cache(2 * B, dev, feats.dtype)
        logits, out = self.step(self.vis(f2) + self.pos.weight[:m.F], cache, 0), []
        for t in range(m.T):
            l = logits.float().view(2 * B, m.K, m.V)
            l = l[B:] + w * (l[:B] - l[B:])                                  # classifier-free guidance
            top = l.topk(min(top_k, m.V), -1)
            pick = torch.multinomial(torch.softmax(top.values / temperature, -1).view(-1, top.values.shape[-1]), 1)
            tok = top.indices.view(-1, top.indices.shape[-1]).gather(1, pick).view(B, m.K)
            out.append(tok)
            if t == m.T - 1: break
            e = self.emb(torch.cat([tok, tok]) + self.offsets).sum(1, keepdim=True) + self.pos.weight[m.F + t]
            logits = self.step(e.to(feats.dtype), cache, m.F + t)
        return torch.stack(out, -1)

    @staticmethod
    def decode_flops(m, every_step: bool = False) -> int:
        """FLOPs of one guided clip (a batch of 2: conditional and null): the video prefix, then T-1 cached one-frame
        steps (meta device). A step's FLOPs grow linearly with the cached length, so two steps are counted and the rest
        summed exactly (`every_step`: count them all, slow for deep models)."""
        def count(n, pos):
            with FlopCounterMode(display=False) as fc, torch.no_grad(): ar.step(torch.empty(2, n, m.D), cache, pos)
            return fc.get_total_flops()
        with torch.device('meta'):
            ar = CausalAR(m); cache = ar.new_cache(2, 'meta', torch.float32)
            prefix, n = count(m.F, 0), m.T - 1
            if every_step: return prefix + sum(count(1, m.F + t) for t in range(n))
            f0, f1 = count(1, m.F), count(1, m.F + 1)
        return prefix + n * f0 + (f1 - f0) * n * (n - 1) // 2


def vab_forward_flops(m) -> int:
    "FLOPs of one VAB forward pass on one clip at the full T (meta device; as bench_ops.py)."
    with torch.device('meta'):
        model = VAB(m).eval()
        codes, feats = torch.zeros(1, m.K, m.T, dtype=torch.long), torch.empty(1, m.F, m.d_vis)
        with FlopCounterMode(display=False) as fc, torch.no_grad(): model(codes, feats)
    return fc.get_total_flops()


class _Stop(Exception): pass


class _StopAfter:
    "Wraps a model; raises `_Stop` on call n+1 so an AR decode can be timed over its first n frames."
    def __init__(self, model, n: int): self.model, self.n, self.cfg, self.calls = model, n, model.cfg, 0
    def __call__(self, *a, **kw):
        if self.calls >= self.n: raise _Stop
        self.calls += 1
        return self.model(*a, **kw)


def _time_ar(model, feats, dc, T: int, dev, frames: int | None) -> tuple[float, str]:
    "Seconds for a whole AR decode of T frames: measured, or extrapolated from its first `frames` frames."
    if frames is None or frames >= T: return _time(lambda: generate_ar(model, feats, dc, seed=0), dev, warmup=0), 'measured'
    def run():
        try: generate_ar(_StopAfter(model, frames), feats, dc, seed=0)
        except _Stop: pass
    return _time(run, dev, warmup=0) * T / frames, f'extrapolated from {frames}/{T} frames'  # warm: same shapes as the iterative runs


def _tokenizer(cfg, dev):
    "A tokenizer for timing the codec decode: EnCodec with random weights, or MelRVQ fitted on noise (speed does not depend on them)."
    from vab_nbdev.audio_tokenizers import MelRVQTokenizer, build_audio_tokenizer
    if cfg.audio.kind == 'encodec': return build_audio_tokenizer(cfg.audio, pretrained=False, device=dev)
    wav = 0.1 * torch.randn(8, int(cfg.clip_seconds * cfg.audio.sample_rate), generator=torch.Generator().manual_seed(0))
    return MelRVQTokenizer(cfg.audio).fit(wav)


def _codec_seconds(cfg, dev, B: int, reps: int) -> float | None:
    "Seconds to decode B clips of tokens to waveforms with the preset's codec (None when it cannot be built)."
    try: tok = _tokenizer(cfg, dev)
    except Exception as e:
        print(f'  [codec] skipped: {type(e).__name__}: {e}', file=sys.stderr); return None
    codes = torch.randint(0, cfg.audio.V, (B, cfg.audio.K, cfg.T), device=dev)
    with torch.inference_mode(): return _time(lambda: tok.decode(codes), dev, reps=reps)


def bench_preset(preset: str, dev: torch.device, steps: list[int], batches: list[int], compiled: list[bool],
                 ar_frames: int | None, reps: int, seconds: float | None = None, codec: bool = True) -> list[dict]:
    "All rows for one preset: iterative (each S, batch, compile) and AR (each batch, compile), codec time per batch."
    cfg = get_config(preset, **({'clip_seconds': seconds} if seconds else {}))
    torch.manual_seed(0)
    eager = decoding_copy(VAB(cfg.model).to(dev), cfg.decode)  # as `generate` decodes: weights cast once (bf16 on CUDA and on CPUs with native bf16, `decode_dtype`), fp32 heads (03, 05)
    rows, T = [], cfg.T
    print(f'[{preset}] T={T} K={cfg.model.K} V={cfg.model.V} D={cfg.model.D} layers={cfg.model.n1 + cfg.model.n2} '
          f'params={eager.num_params() / 1e6:.1f}M on {dev}', flush=True)
    codec_s = {B: (_codec_seconds(cfg, dev, B, reps) if codec else None) for B in batches}
    g = 1 if cfg.decode.guidance in (0, 1) else 2                      # guidance: one forward on a doubled batch
    fwd, kv = vab_forward_flops(cfg.model), CausalAR.decode_flops(cfg.model)
    flops = lambda method, S: kv if 'KV' in method else S * g * fwd  # per clip: iterative S forwards, same-model AR T
    for comp in compiled:
        model = torch.compile(eager, mode='reduce-overhead') if comp else eager
        for B in batches:
            feats = torch.randn(B, cfg.F, cfg.model.d_vis, device=dev)
            base = dict(preset=preset, device=dev.type, compiled=comp, batch=B, T=T, K=cfg.model.K, V=cfg.model.V,
                        codec_s_per_clip=None if codec_s[B] is None else codec_s[B] / B)
            for S in steps:
                dc = replace(cfg.decode, steps=S)
                t = _time(lambda: generate(model, feats, dc, seed=0), dev, reps=reps, warmup=2 if comp else 1)
                rows.append(dict(base, method='iterative', S=S, transformer_s_per_clip=t / B, how='measured'))
                _report(rows[-1], flops)
            t, how = _time_ar(model, feats, cfg.decode, T, dev, ar_frames)
            rows.append(dict(base, method='autoregressive (same model)', S=T, transformer_s_per_clip=t / B, how=how))
            _report(rows[-1], flops)
            if not comp:  # the causal baseline runs eager only
                torch.manual_seed(0); ar = CausalAR(cfg.model).eval()
                err = ar.check_cache(); assert err < 1e-4, f'KV cache disagrees with a full causal pass: {err}'
                ar = ar.to(dev)
                # bf16 on CUDA; fp32 on a CPU, its faster dtype there: one-frame steps are too small for bf16 to pay
                # (2-core Xeon, session 25: 0.22 s a clip in fp32 against 0.32 in bf16 at batch 1, level at batch 8)
                dt = torch.bfloat16 if dev.type == 'cuda' else torch.float32; ar = ar.to(dt); f = feats.to(dt)
                t = _time(lambda: ar.generate(f, cfg.decode.guidance, cfg.decode.temperature, cfg.decode.top_k), dev, reps=reps)
                rows.append(dict(base, method='autoregressive (causal, KV cache)', S=T, transformer_s_per_clip=t / B, how='measured'))
                _report(rows[-1], flops)
    return rows


def _report(r: dict, flops=None):
    if flops: r['gflop_per_clip'] = flops(r['method'], r['S']) / 1e9; r['h100_s_per_clip'] = r['gflop_per_clip'] * 1e9 / (MFU * PEAK)
    c = r['codec_s_per_clip'] or 0.0
    r['total_s_per_clip'] = r['transformer_s_per_clip'] + c
    r['clips_per_s'] = 1.0 / r['total_s_per_clip']
    print(f"  {r['method']:>14} {'compiled' if r['compiled'] else 'eager':>8} B={r['batch']:<3} S={r['S']:<4} "
          f"transformer {r['transformer_s_per_clip']:.4f} s/clip + codec {c:.4f} = {r['total_s_per_clip']:.4f} s/clip "
          f"({r['clips_per_s']:.2f} clips/s) [{r['how']}]"
          + (f" predicted H100 {r['h100_s_per_clip'] * 1e3:.3f} ms/clip ({r['gflop_per_clip']:.1f} GFLOP)" if 'h100_s_per_clip' in r else ''), flush=True)


def ar_ratios(rows: list[dict], S: int = 16) -> list[dict]:
    "Speed-up of iterative decoding with S steps over each AR baseline, per preset/compile/batch (transformer time, and with codec)."
    out = []
    for ar in (r for r in rows if r['method'].startswith('autoregressive')):
        key = lambda r: (r['preset'], r['compiled'], r['batch'])
        it = [r for r in rows if r['method'] == 'iterative' and key(r) == key(ar) and r['S'] == S]
        if it: out.append(dict(preset=ar['preset'], baseline=ar['method'], compiled=ar['compiled'], batch=ar['batch'], S=S,
                               transformer_speedup=ar['transformer_s_per_clip'] / it[0]['transformer_s_per_clip'],
                               total_speedup=ar['total_s_per_clip'] / it[0]['total_s_per_clip'],
                               h100_speedup=ar['h100_s_per_clip'] / it[0]['h100_s_per_clip'], sequential_steps=(ar['S'], S)))
    return out


def device_name(dev: torch.device) -> str:
    if dev.type == 'cuda': return torch.cuda.get_device_name(dev)
    return f'{platform.processor() or platform.machine()} ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)'


def write_results(rows: list[dict], meta: dict, out_dir: Path, tag: str) -> Path:
    "Write `bench_decode_<tag>.json` and `.md` into `out_dir`; return the markdown path."
    out_dir.mkdir(parents=True, exist_ok=True)
    ratios = ar_ratios(rows)
    (out_dir / f'bench_decode_{tag}.json').write_text(json.dumps(dict(meta=meta, rows=rows, ar_ratios=ratios), indent=1))
    L = [f"# Decoding speed ({meta['device_name']})", '',
         f"torch {meta['torch']}, {meta['date']}, command: `{meta['command']}`", '',
         '| preset | method | compiled | batch | S | T | transformer s/clip | codec s/clip | total s/clip | clips/s | how '
         '| GFLOP/clip (transformer) | predicted H100 s/clip (transformer; FLOPs at 40 % of 989 TFLOP/s bf16, lower bound) |',
         '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        c = '-' if r['codec_s_per_clip'] is None else f"{r['codec_s_per_clip']:.4f}"
        L.append(f"| {r['preset']} | {r['method']} | {r['compiled']} | {r['batch']} | {r['S']} | {r['T']} | "
                 f"{r['transformer_s_per_clip']:.4f} | {c} | {r['total_s_per_clip']:.4f} | {r['clips_per_s']:.2f} | {r['how']} | "
                 f"{r['gflop_per_clip']:.1f} | {r['h100_s_per_clip']:.2e} |")
    L += ['', 'Predicted H100: the transformer\'s counted FLOPs per clip (FlopCounterMode on the meta device; iterative: S guided '
          'forwards, same-model AR: T, causal AR: the video prefix and T - 1 cached one-frame steps) at 40 % of the H100\'s dense '
          'bf16 peak of 989 TFLOP/s. A FLOP-bound lower bound, not a measurement: it ignores the launch overhead of each '
          'sequential step (S steps for iterative, T for AR: at batch 1 that overhead, not the arithmetic, sets AR\'s time), '
          'memory bandwidth (each step reads all weights) and the codec; the same for any batch size, per clip.']
    L += ['', '## Iterative (S = 16) against each autoregressive baseline (> 1x: iterative is faster)', '',
          '| preset | baseline | compiled | batch | speed-up (transformer) | speed-up (with codec) | predicted H100 speed-up (FLOPs only) '
          '| sequential steps (AR / iterative) |', '|---|---|---|---|---|---|---|---|']
    L += [f"| {r['preset']} | {r['baseline']} | {r['compiled']} | {r['batch']} | {r['transformer_speedup']:.1f}x | {r['total_speedup']:.1f}x "
          f"| {r['h100_speedup']:.2f}x | {r['sequential_steps'][0]} / {r['sequential_steps'][1]} |" for r in ratios]
    goal = [r for r in rows if r['method'] == 'iterative' and r['preset'] == 'paper' and r['batch'] == 1 and r['S'] == 16]
    if goal:
        L += ['', '## Goal: < 0.1 s per 10 s clip at batch 1 (S = 16, with codec), >= 20x faster than AR', '']
        for r in goal:
            sp = [x['total_speedup'] for x in ratios if x['preset'] == 'paper' and x['batch'] == 1 and x['compiled'] == r['compiled'] and 'same' in x['baseline']]
            L.append(f"- {'compiled' if r['compiled'] else 'eager'}: {r['total_s_per_clip']:.4f} s/clip "
                     f"({'met' if r['total_s_per_clip'] < 0.1 else 'NOT met'}); vs AR "
                     + (f"{sp[0]:.1f}x ({'met' if sp[0] >= 20 else 'NOT met'})" if sp else 'n/a'))
    p = out_dir / f'bench_decode_{tag}.md'
    p.write_text('\n'.join(L) + '\n')
    return p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n\n', 1)[1])
    ap.add_argument('--device', default=None, help="'cpu' or 'cuda' (default: cuda when available)")
    ap.add_argument('--presets', default=None, help="comma-separated presets (default: tiny,small on CPU, paper on CUDA)")
    ap.add_argument('--steps', default=None, help='comma-separated numbers of decoding steps S (default 4,8,16,32; on CPU 4,16 for presets above tiny)')
    ap.add_argument('--batch', default=None, help='comma-separated batch sizes (default: 1,8,32; small on CPU: 1)')
    ap.add_argument('--seconds', type=float, default=None, help='clip length in seconds (default: the preset\'s; paper/small: 10 s)')
    ap.add_argument('--compile', default=None, choices=['no', 'yes', 'both'],
                    help="torch.compile(mode='reduce-overhead'): default 'both' on CUDA, 'no' on CPU")
    ap.add_argument('--ar-frames', type=int, default=16, help='time AR over this many frames and extrapolate to T')
    ap.add_argument('--ar-full', action='store_true', help='time the whole AR decode (T forward passes)')
    ap.add_argument('--reps', type=int, default=1, help='timed repetitions per setting (median)')
    ap.add_argument('--no-codec', action='store_true', help='skip timing the codec decode')
    ap.add_argument('--quick', action='store_true', help='one batch size (1) and S = 16 only, for a smoke test')
    ap.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch\'s; on a shared machine 1 is often faster)')
    ap.add_argument('--out', default=str(RESULTS), help='folder for the markdown and JSON results')
    ap.add_argument('--tag', default=None, help='file name tag (default: the device type)')
    a = ap.parse_args(argv)
    dev = get_device(a.device)
    if a.threads: torch.set_num_threads(a.threads)
    presets = (a.presets or ('paper' if dev.type == 'cuda' else 'tiny,small')).split(',')
    comp = {'no': [False], 'yes': [True], 'both': [False, True]}[a.compile or ('both' if dev.type == 'cuda' else 'no')]
    t0, rows = time.time(), []
    for p in presets:
        big_on_cpu = p != 'tiny' and dev.type == 'cpu'  # about 4 s per forward pass at `small` on 2 CPU cores
        batches = [1] if a.quick else _ints(a.batch or ('1' if big_on_cpu else '1,8,32'))
        steps = [16] if a.quick else _ints(a.steps or ('4,16' if big_on_cpu else '4,8,16,32'))
        rows += bench_preset(p, dev, steps, batches, comp, None if a.ar_full else a.ar_frames, a.reps,
                             seconds=a.seconds, codec=not a.no_codec)
    meta = dict(device=dev.type, device_name=device_name(dev), torch=torch.__version__, python=platform.python_version(),
                command=' '.join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])),
                date=time.strftime('%Y-%m-%d %H:%M:%S'), wall_s=round(time.time() - t0, 1))
    p = write_results(rows, meta, Path(a.out), a.tag or dev.type)
    print(p.read_text())


if __name__ == '__main__':
    main()
