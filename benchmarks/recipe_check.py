"""Would another pre-training recipe generate better? Re-runs a finished `vab_demo` folder's pre-training on its own
cache with config overrides (and optionally SoundStorm-style level-only scoring), then makes a demo-like folder that
`decode_sweep.py` judges on the demo's validation clips (run decode_sweep.py on the demo folder first, so they exist).

    python benchmarks/recipe_check.py /tmp/g/a0 --out /tmp/r/lr1e3 --set train.lr=0.001
    python benchmarks/recipe_check.py /tmp/g/a0 --out /tmp/r/b16 --set train.batch_size=16 train.max_steps=2400 train.warmup_steps=60
    python benchmarks/recipe_check.py /tmp/g/a0 --out /tmp/r/lvq --level-only
    python benchmarks/recipe_check.py /tmp/g/a0 --out /tmp/r/w1700 --set train.window=100 train.max_steps=1700
    python benchmarks/recipe_check.py /tmp/g/c1 --out /tmp/r/q04s1 --level0 0.4
    python benchmarks/recipe_check.py /tmp/g/c1 --out /tmp/r/w2s1 --set mask.coarse_weight=2
    python benchmarks/decode_sweep.py /tmp/r/lr1e3/demo ""

`--level-only`: in clips masked level by level (`MaskConfig.levels`), score only the masked tokens of the drawn level
q, not the finer levels that are masked with it (as we read SoundStorm's training loss). Coarse-to-fine decoding never
keeps a finer level's prediction made while level q is still open, so those terms train predictions it does not use.
`--level0 P`: a level-by-level clip's level q is the first predicted codebook with probability P, else uniform over
the finer ones (`pretrain.draw_levels` draws q uniformly: P = 1/K). Codebook 0 carries the class, so more clips
training its generation might generate the class better (session 21: it did not, on the two demo models).
`--set mask.coarse_weight=W`: the masked cross-entropy counts codebook 0's terms W times (the same masks): more of the
gradient for the codebook that carries the class, without taking clips away from the finer levels as `--level0` does
(session 22 ran it as `--cb0-weight 2`, a wrapper of the loss that this option replaced, with the same arithmetic;
2 is the default since, and a checkpoint saved before the option reads as 1).
Windows: `--set train.window=100 [train.window_until=0.5]` (the package's `pretrain.take_window`). Session 19's rows
marked `--crop` came from this script at commit c81da62, which cut the windows from the batches after masking.
Prints one JSON line: the overrides, the training seconds and the last log row (with the held-out `eval_acc`).
"""
import argparse, ast, json, shutil, time
from pathlib import Path
import torch
import vab_nbdev.pretrain as P

def level_only(mask_tokens):
    "Wrap `pretrain.mask_tokens` so level-by-level clips score only their level q (the inputs stay as they were)."
    def wrapped(codes, ratio, mask_id, generator=None, n_valid=None, visible=0, level=None):
        inputs, mask = mask_tokens(codes, ratio, mask_id, generator, n_valid, visible, level)
        if level is not None:
            k, q = torch.arange(codes.shape[1]).view(1, -1, 1), level.view(-1, 1, 1)
            mask = mask & ~((q >= 0) & (k > q))
        return inputs, mask
    return wrapped

def level0_draw(p0: float):
    "A `pretrain.draw_levels` whose level q is the first predicted codebook with probability p0, else uniform over the finer ones."
    def draw_levels(B, cfg, g):
        if not cfg.mask.levels: return None
        v, K = cfg.mask.visible_codebooks, cfg.model.K
        q = torch.where(P._rand(B, g) < p0, torch.full((B,), v), v + 1 + torch.randint(K - v - 1, (B,), generator=g))
        return torch.where(P._rand(B, g) < cfg.mask.levels, q, -1)
    return draw_levels

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('demo', type=Path, help='a finished vab_demo --out folder'); ap.add_argument('--out', type=Path, required=True)
    ap.add_argument('--set', nargs='*', default=[], help='config overrides, section.key=value (e.g. train.lr=0.001)')
    ap.add_argument('--level-only', action='store_true', help='level-by-level clips score only their level q')
    ap.add_argument('--level0', type=float, help='probability that a level-by-level clip masks at the first predicted codebook (default: uniform)')
    a = ap.parse_args()
    if a.level0 is not None: P.draw_levels = level0_draw(a.level0)  # draw_batch looks it up at call time
    if a.level_only: P.mask_tokens = level_only(P.mask_tokens)  # draw_batch looks it up at call time
    cfg = P.load_checkpoint_config(json.loads((a.demo / 'stages' / 'pretrain.json').read_text())['checkpoint'])
    for s in a.set:
        k, v = s.split('='); sec, key = k.split('.')
        try: v = ast.literal_eval(v)
        except (ValueError, SyntaxError): pass
        setattr(getattr(cfg, sec), key, v)
    cfg.train.eval_every = cfg.train.ckpt_every = cfg.train.max_steps
    cfg.derive()
    shutil.rmtree(a.out, ignore_errors=True)
    t0 = time.time(); res = P.pretrain(cfg, a.demo / 'cache', a.out / 'raw', progress=False); sec = time.time() - t0
    dd = a.out / 'demo'; (dd / 'stages').mkdir(parents=True, exist_ok=True)  # demo-like: the demo's cache, probe and validation clips
    for n in ('cache', 'probe.pt', 'validation'): (dd / n).symlink_to((a.demo / n).resolve())
    (dd / 'stages' / 'pretrain.json').write_text(json.dumps(dict(checkpoint=str(a.out / 'raw' / 'latest'))))
    print(json.dumps(dict(set=a.set, level_only=a.level_only, level0=a.level0, seconds=round(sec, 1), last=res['history'][-1])))

if __name__ == '__main__': main()
