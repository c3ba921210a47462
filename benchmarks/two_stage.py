"""Two-stage (coarse, then coarse-to-fine) against one model over all codebooks, on the same tokens (issue 17).

    OMP_NUM_THREADS=1 nice -n 15 python benchmarks/two_stage.py --steps 1200 --n-judge 120

The toy data (480 training clips, 120 test clips, seed 0) is cached with a K = 8 MelRVQ tokenizer. With the
`tiny` preset and the same seed, three runs share one budget of optimiser steps: `single` (all 8 codebooks,
--steps), `coarse` (`model.codebooks=4`, --steps / 2) and `fine` (`mask.visible_codebooks=4`, --steps / 2). The
single model decodes in 16 steps; the pair in 16 coarse + --fine-steps fine steps. Both are judged as in
`benchmarks/ablate.py` (reference probe on 480 real clips; reconstructions of the real test tokens as ceiling).
`--only single|coarse|fine` trains one run and stops (to train runs in separate processes); rerunning resumes;
`--no-train --judge two_stage` judges finished runs only.
"""
import argparse, json, time
from dataclasses import replace
from pathlib import Path
import numpy as np, torch
from ablate import probe, judge
from vab_nbdev.core import get_config
from vab_nbdev.prepare import prepare_toy
from vab_nbdev.pretrain import pretrain, load_model, evaluate, load_split
from vab_nbdev.decoding import generate_two_stage
from vab_nbdev.metrics import ProbeEmbedder

def run_cfg(steps: int, codebooks: int = 0, visible: int = 0, K: int = 8, seed: int = 0):
    "The tiny preset on K-codebook tokens: one model (0, 0), the coarse model (Kc, 0) or the coarse-to-fine one (0, Kc)."
    cfg = get_config('tiny'); cfg.audio.K, cfg.model.codebooks, cfg.mask.visible_codebooks = K, codebooks, visible
    cfg.train.max_steps = cfg.train.ckpt_every = cfg.train.eval_every = steps; cfg.train.seed = seed
    return cfg.derive()

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--root', default='/tmp/vab_two_stage'); p.add_argument('--steps', type=int, default=1200)
    p.add_argument('--K', type=int, default=8); p.add_argument('--Kc', type=int, default=4)
    p.add_argument('--fine-steps', type=int, default=8, help='decoding steps of the fine stage')
    p.add_argument('--n-train', type=int, default=480); p.add_argument('--n-judge', type=int, default=120)
    p.add_argument('--judge-seeds', type=int, default=1); p.add_argument('--only', choices=('single', 'coarse', 'fine'))
    p.add_argument('--no-train', action='store_true', help='judge only (the runs must exist)')
    p.add_argument('--judge', nargs='+', default=['single', 'two_stage'], choices=('single', 'two_stage'), help='variants to judge')
    a = p.parse_args()
    root = Path(a.root); root.mkdir(parents=True, exist_ok=True)
    runs = dict(single=run_cfg(a.steps, K=a.K), coarse=run_cfg(a.steps // 2, a.Kc, K=a.K), fine=run_cfg(a.steps // 2, 0, a.Kc, K=a.K))
    cache = root / f'data{a.n_train}_K{a.K}' / 'cache'
    if not (cache / 'index.json').exists(): prepare_toy(cache.parent, runs['single'], n_train=a.n_train, n_test=120, seed=0)
    for name, cfg in runs.items():
        if a.only not in (None, name) or a.no_train: continue
        t0 = time.time(); pretrain(cfg, cache, root / f'{name}_{a.steps}', resume=True, progress=False)
        model, cfg = load_model(root / f'{name}_{a.steps}' / 'latest', device='cpu')
        print(json.dumps(dict(run=name, steps=cfg.train.max_steps, train_seconds=round(time.time() - t0), **evaluate(model, load_split(cache, 'test', cfg), cfg))))
    if a.only: return
    load = lambda n: load_model(root / f'{n}_{a.steps}' / 'latest', device='cpu')
    single, cfg = load('single') if 'single' in a.judge else (None, runs['single'])
    if 'two_stage' in a.judge:
        (coarse, ccfg), (fine, fcfg) = load('coarse'), load('fine'); fdec = replace(fcfg.decode, steps=a.fine_steps)
        pair = lambda f, s: generate_two_stage(coarse, fine, f, ccfg.decode, fdec, seed=s)
    emb = ProbeEmbedder(probe(root))
    for name in a.judge:
        gen = pair if name == 'two_stage' else None
        res = [judge(single, cfg, cache, cfg.decode, emb, a.n_judge, seed=s, gen=gen) for s in range(a.judge_seeds)]
        out = {k: round(float(np.mean([r[k] for r in res])), 4) for k in res[0]}
        print(json.dumps(dict(variant=name, steps=a.steps, decode_steps=cfg.decode.steps if gen is None else f'{ccfg.decode.steps}+{a.fine_steps}', **out)))

if __name__ == '__main__':
    main()
