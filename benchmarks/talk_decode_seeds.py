"""Held-out speech, decoding noise separated from training: re-generate the talking-faces test clips of finished
`heldout_talk.py` runs with other decoding seeds and score them with the same reference probe.

    python benchmarks/heldout_talk.py --root /tmp/vab_talk --name s18      # first: the run (data, training, probe)
    python benchmarks/talk_decode_seeds.py --root /tmp/vab_talk s18 s19 --seeds 1 2 3
    python benchmarks/talk_decode_seeds.py --root /tmp/vab_talk s20 --seeds 0 1 2 3 --set fine_guidance=1.5   # other decoding

Prints, per run, the probe's class accuracy on audio generated from the true test videos with each decoding seed,
and their mean (heldout_talk.py's own score used seed 0). Chance is 0.10; the tokenizer's reconstructions score 0.55.
"""
import argparse
from dataclasses import replace
from pathlib import Path
import numpy as np, torch
from vab_nbdev.prepare import load_cache, load_cache_tokenizer
from vab_nbdev.pretrain import load_model
from vab_nbdev.decoding import generate
from vab_nbdev.probe import AudioProbe

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('names', nargs='+', help='heldout_talk.py --name runs under ROOT')
    ap.add_argument('--root', type=Path, default=Path('/tmp/vab_talk')); ap.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3])
    ap.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help="DecodeConfig fields over the checkpoint's, e.g. fine_guidance=1 guidance=2")
    a = ap.parse_args()
    cache = a.root / 'cache'
    te, tok = load_cache(cache, 'test'), load_cache_tokenizer(cache)
    ref = AudioProbe.load(a.root / 'probe.pt'); names = list(ref.classes)
    truth = np.array([names.index(te['classes'][l]) for l in te['labels']])
    feats = torch.as_tensor(te['feats']).float()
    for name in a.names:
        model, cfg = load_model(a.root / name / 'train')
        dec = replace(cfg.decode, **{k: float(v) for k, v in (kv.split('=') for kv in a.set)})
        acc = []
        for s in a.seeds:
            with torch.inference_mode(): w = tok.decode(generate(model, feats, dec, seed=s)).float().numpy()
            acc.append(float((ref.logits(w).argmax(-1).numpy() == truth).mean()))
        print(name, ' '.join(a.set) or 'checkpoint decoding', 'seeds', a.seeds, 'class acc', acc, 'mean', round(float(np.mean(acc)), 3), flush=True)

if __name__ == '__main__': main()
