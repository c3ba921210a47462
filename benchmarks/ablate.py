"""Ablations of the tiny recipe on the toy data (issue 13): train one variant, then score it the way 04 and 05 do.

    python benchmarks/ablate.py --name alibi --n-train 1440 --set model.alibi=True
    python benchmarks/ablate.py --name alibi --n-train 1440 --decode-only --decode order=joint temperature=1.0

Writes runs under --root (default /tmp/vab_ablate): the toy data/cache per training-set size, the run folder per
name, the reference probe. Prints train vs held-out masked accuracy (training ratios), the ratio curve at
0.1/0.5/0.9/1.0 against the copy-neighbour and null-video baselines (all and active positions), then for each
decoding setting: probe class accuracy of audio generated from the true / a mismatched video, onset IoU and FAD
against the real clips, with the tokenizer's reconstructions (the ceiling) and the real audio as references.
"""
import argparse, json, time
from dataclasses import replace
from pathlib import Path
import numpy as np, torch
from vab_nbdev.core import get_config
from vab_nbdev.prepare import prepare_toy, load_cache, load_cache_tokenizer
from vab_nbdev.pretrain import pretrain, load_model, evaluate, load_split, ratio_curve
from vab_nbdev.decoding import generate, mismatch, onset_iou
from vab_nbdev.synth import synth_arrays, CLASSES
from vab_nbdev.probe import train_probe, AudioProbe
from vab_nbdev.metrics import ProbeEmbedder, fad

def _value(s: str):
    for cast in (int, float):
        try: return cast(s)
        except ValueError: pass
    return {'True': True, 'False': False}.get(s, s)

def toy_cache(root: Path, n_train: int, n_test: int = 120) -> Path:
    c = root / f'data{n_train}'
    if not (c / 'cache' / 'index.json').exists(): prepare_toy(c, n_train=n_train, n_test=n_test, seed=0)
    return c / 'cache'

def probe(root: Path, n: int = 480) -> AudioProbe:
    p = root / f'probe{n}.pt'
    if not p.exists():
        tr = synth_arrays(n, 0, split='train'); train_probe(tr['audio'], tr['labels'], 16000, len(CLASSES), seed=0).save(p)
    return AudioProbe.load(p)

def judge(model, cfg, cache: Path, dec, emb, n: int, seed: int = 0, gen=None) -> dict:
    "Generation scores on the first n test clips (true and mismatched video) with reconstructions and real audio as references."
    gen = gen or (lambda f, s: generate(model, f, dec, seed=s))  # (feats, seed) -> codes; two_stage.py passes its pair
    te, tok = load_cache(cache, split='test'), load_cache_tokenizer(cache)
    real = synth_arrays(len(te['labels']), 0, split='test')['audio'][:n]
    feats, labels = torch.as_tensor(te['feats']).float()[:n], np.asarray(te['labels'])[:n]
    t0 = time.time(); g = tok.decode(gen(feats, seed)).float().numpy(); sec = (time.time() - t0) / n
    gm = tok.decode(gen(feats[mismatch(labels, seed)], seed)).float().numpy()
    rec = tok.decode(torch.as_tensor(te['codes'][:n]).long()).float().numpy()
    er, out = emb.embed(real), dict(sec_per_clip=sec)
    for k, w in (('gen', g), ('mismatched', gm), ('reconstruction', rec), ('real', real)):
        out[f'class_acc_{k}'] = float((emb.logits(w).argmax(-1).numpy() == labels).mean())
        if k != 'real': out[f'onset_iou_{k}'], out[f'fad_{k}'] = float(onset_iou(w, real, 16000).mean()), fad(er, emb.embed(w))['fad']
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--name', required=True); p.add_argument('--root', default='/tmp/vab_ablate')
    p.add_argument('--n-train', type=int, default=480); p.add_argument('--steps', type=int, default=600)
    p.add_argument('--set', nargs='*', default=[], help='config overrides, section.key=value (e.g. model.alibi=True mask.schedule=mix)')
    p.add_argument('--decode', nargs='*', default=[], help='decoding overrides for the generation scores, key=value')
    p.add_argument('--decode-only', action='store_true', help='skip training and the ratio curve (the run must exist)')
    p.add_argument('--n-judge', type=int, default=120)
    p.add_argument('--judge-seeds', type=int, default=1, help='average the generation scores over this many sampling seeds (0, 1, ...)')
    a = p.parse_args()
    root = Path(a.root); root.mkdir(parents=True, exist_ok=True); cache = toy_cache(root, a.n_train)
    cfg = get_config('tiny'); cfg.train.max_steps = cfg.train.ckpt_every = cfg.train.eval_every = a.steps
    for s in a.set:
        k, v = s.split('='); sec, key = k.split('.'); setattr(getattr(cfg, sec), key, _value(v))
    cfg.derive()
    if not a.decode_only:
        t0 = time.time(); pretrain(cfg, cache, root / a.name, resume=True, progress=False)
        print(json.dumps(dict(name=a.name, train_seconds=round(time.time() - t0))))
    model, cfg = load_model(root / a.name / 'latest', device='cpu')
    tr, te = load_split(cache, 'train', cfg), load_split(cache, 'test', cfg)
    if not a.decode_only:
        sub = {k: v[:len(te['codes'])] for k, v in tr.items()}
        print(json.dumps(dict(train_acc=evaluate(model, sub, cfg)['eval_acc'], test_acc=evaluate(model, te, cfg)['eval_acc'])))
        for r in ratio_curve(model, te, tr['codes'], cfg, ratios=(0.1, 0.5, 0.9, 1.0)): print(json.dumps({k: round(v, 4) for k, v in r.items()}))
    dec = replace(cfg.decode, **{k: _value(v) for k, v in (s.split('=') for s in a.decode)})
    emb = ProbeEmbedder(probe(root)); runs = [judge(model, cfg, cache, dec, emb, a.n_judge, seed=s) for s in range(a.judge_seeds)]
    res = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    if a.judge_seeds > 1: res['class_acc_gen_per_seed'] = [round(r['class_acc_gen'], 4) for r in runs]
    print(json.dumps(dict(decode=str(dec), **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()})))

if __name__ == '__main__':
    main()
