"""Decoding settings judged on a validation split: a finished `vab_demo` folder's model, probe and tokenizer, on
toy clips that neither its training nor its test split contains.

`guidance_sweep.py` re-runs the demo's own 120 test clips, so a setting chosen with it is chosen on the test set.
This script writes a separate validation set first (`SynthConfig(seed=1000 + the demo's seed, n_train=0,
n_test=N)`: the same generator, another seed, so other clips), prepares it with the demo cache's tokenizer
through the real pipeline (mp4 -> `prepare`), and scores each decoding variant on it with the demo's generation
stage's pieces (`demo._generator`, the probe, `onset_iou`): class accuracy of audio generated from the true video
against the tokenizer's reconstructions of the same clips (the ceiling, computed once), onset IoU, and with
`--full` the whole generation stage (`demo._generation`: mismatched videos, FAD, KLD as well).

    python benchmarks/decode_sweep.py /tmp/d/s0 "guidance=2" "guidance=1.5" "temperature=0.3;top_k=8"

    python benchmarks/decode_sweep.py /tmp/g/c1 "" --level-steps 13,1,1,1     # SoundStorm-like steps per level

Each variant is `;`-separated `DecodeConfig` fields on top of the checkpoint's own. Results are printed and
appended to OUT/decode_sweep.jsonl. Nothing in the demo folder is changed.

`--level-steps S0,S1,...` (one count per codebook, coarse-to-fine order): codebook k is decoded in its own S_k steps,
on a cosine schedule over its own tokens (SoundStorm gives the first level many steps and each finer level one
[follow-up]), instead of one cosine schedule over all K*T tokens, which gives codebook 0 about the first 7 of 16
steps. It replaces `decoding.mask_counts` for this run (a prototype, not a package option: session 21 measured it
no better) and sets `steps` to the sum.
"""
import argparse, json, tempfile, time
from dataclasses import replace, fields, asdict
from pathlib import Path
import numpy as np, torch
from vab_nbdev.core import DecodeConfig
from vab_nbdev.demo import _generation, _generator, _decode_batches, _real_audio
from vab_nbdev.decoding import onset_iou
from vab_nbdev.metrics import ProbeEmbedder
from vab_nbdev.pretrain import load_model, toy_cache
from vab_nbdev.prepare import load_cache, load_cache_tokenizer
from vab_nbdev.probe import AudioProbe
from vab_nbdev.synth import CLASSES

_TYPES = {f.name: f.type for f in fields(DecodeConfig)}

def parse_variant(s: str) -> dict:
    "'guidance=1.5;temperature=0.3' -> {'guidance': 1.5, 'temperature': 0.3} (typed as DecodeConfig's fields)."
    out = {}
    for kv in filter(None, s.split(';')):
        k, v = kv.split('=')
        if k not in _TYPES: raise SystemExit(f"unknown DecodeConfig field {k!r}: one of {sorted(_TYPES)}")
        out[k] = v if _TYPES[k] == 'str' else (int(v) if _TYPES[k] == 'int' else float(v))
    return out

def validation_set(demo: Path, root: Path, n: int, seed: int, cfg) -> tuple[Path, Path]:
    "Write (once) and prepare N validation clips with the demo cache's tokenizer (`pretrain.toy_cache`); returns (csv, cache)."
    cache = toy_cache(load_cache_tokenizer(demo / 'cache'), cfg, root, n_train=0, n_test=n, seed=seed)
    return root / 'media' / 'vggsound.csv', cache

def level_counts(level_steps: list[int]):
    "A `decoding.mask_counts` that decodes codebook k in its own level_steps[k] steps (cosine over its T tokens), when the grid is K = len(level_steps) codebooks."
    import vab_nbdev.decoding as D
    orig = D.mask_counts
    def mask_counts(n, steps, schedule=D.cosine_schedule):
        K = len(level_steps)
        if sum(level_steps) != steps or n % K: return orig(n, steps, schedule)
        T = n // K
        return [T * (K - 1 - k) + c for k, s in enumerate(level_steps) for c in orig(T, s, schedule)]
    D.mask_counts = mask_counts  # generate looks it up at call time

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('out', type=Path, help="a finished vab_demo --out folder")
    p.add_argument('variants', nargs='+', help="decoding variants, e.g. 'guidance=1.5;temperature=0.3' ('' = the checkpoint's own)")
    p.add_argument('--n', type=int, default=240, help='validation clips (default 240)')
    p.add_argument('--val-root', type=Path, help='where the validation set lives (default OUT/validation)')
    p.add_argument('--full', action='store_true', help="the demo's whole generation stage per variant (the mismatched-video control, FAD, KLD, reconstructions)")
    p.add_argument('--ckpt', help="checkpoint to decode (default: the demo's pre-trained one), e.g. an earlier step of its run")
    p.add_argument('--level-steps', help='decoding steps per codebook, e.g. 13,1,1,1 (sets steps to their sum; coarse-to-fine order)')
    a = p.parse_args()
    if a.level_steps: level_counts(ls := [int(x) for x in a.level_steps.split(',')])
    ckpt = a.ckpt or json.loads((a.out / 'stages' / 'pretrain.json').read_text())['checkpoint']
    cfg, probe = load_model(ckpt)[1], AudioProbe.load(a.out / 'probe.pt')
    val_seed = 1000 + cfg.train.seed
    csv_path, cache = validation_set(a.out, a.val_root or a.out / 'validation', a.n, val_seed, cfg)
    tok, te = load_cache_tokenizer(cache), load_cache(cache, split='test')
    feats, labels = torch.as_tensor(te['feats']).float(), np.asarray(te['labels'])
    real, emb, sr = _real_audio(csv_path, 'test', cfg)[0], ProbeEmbedder(probe), cfg.audio.sample_rate
    with torch.inference_mode(): rec = tok.decode(torch.as_tensor(te['codes']).long()).float().numpy()
    ceiling = float((emb.logits(rec).argmax(-1).numpy() == labels).mean())
    for v in a.variants:
        kw, t0 = parse_variant(v), time.perf_counter()
        dec = replace(cfg.decode, **kw, **(dict(steps=sum(ls)) if a.level_steps else {}))
        if a.full:
            with tempfile.TemporaryDirectory() as t: g = _generation(Path(t), csv_path, cache, ckpt, probe, cfg.train.seed, 0, decode=dec)
        else:
            gen, _ = _decode_batches(_generator(ckpt, decode=dec)[0], tok, feats, cfg.train.seed)
            pred = emb.logits(gen).argmax(-1).numpy()
            g = dict(n=len(labels), class_acc=float((pred == labels).mean()), class_acc_reconstruction=ceiling,
                     onset_iou=float(onset_iou(gen, real, sr).mean()),
                     confusion=np.bincount(labels * len(CLASSES) + pred, minlength=len(CLASSES) ** 2).reshape(len(CLASSES), -1).tolist())
        row = dict(demo=str(a.out), **(dict(ckpt=a.ckpt) if a.ckpt else {}), val_seed=val_seed, variant=(v or 'checkpoint') + (f' level_steps={a.level_steps}' if a.level_steps else ''), decode=asdict(dec),
                   ratio=g['class_acc'] / g['class_acc_reconstruction'], seconds=round(time.perf_counter() - t0, 1),
                   **{k: g[k] for k in ('n', 'class_acc', 'class_acc_reconstruction', 'onset_iou', 'confusion', 'class_acc_mismatched',
                                        'fad', 'fad_reconstruction', 'kld') if k in g})
        with open(a.out / 'decode_sweep.jsonl', 'a') as fh: fh.write(json.dumps(row) + '\n')
        extra = (f", mismatched {g['class_acc_mismatched']:.3f}, FAD {g['fad']:.2f} (rec {g['fad_reconstruction']:.2f}), KLD {g['kld']:.3f}"
                 if a.full else '')
        print(f"{a.out.name} [{row['variant']}] n={row['n']}: class {row['class_acc']:.3f} / ceiling {row['class_acc_reconstruction']:.3f} "
              f"= {row['ratio']:.3f}, onset {row['onset_iou']:.3f}{extra}  [{row['seconds']} s]", flush=True)

if __name__ == '__main__': main()
