"""Decoding with the trained fp32 model under bf16 autocast against a bf16 copy (`decoding.decoding_copy`).

Under autocast every fp32 weight is cast to bf16 again at every forward (autocast caches casts only while
gradients are recorded); a copy whose weights are cast once skips that. Interleaved, on one 32-clip batch of a
demo's test clips, the demo's decoding settings; also how many tokens the two agree on.

    python benchmarks/bench_decode_copy_cpu.py /tmp/g/c1 --reps 5
"""
import argparse, json, statistics, time
from pathlib import Path
import torch
from vab_nbdev.decoding import decoding_copy, generate
from vab_nbdev.prepare import load_cache
from vab_nbdev.pretrain import load_model

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('demo', type=Path, help='a finished vab_demo folder')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--batch', type=int, default=32)
    a = ap.parse_args()
    ckpt = json.loads((a.demo / 'stages' / 'pretrain.json').read_text())['checkpoint']
    model, cfg = load_model(ckpt, 'cpu'); te = load_cache(a.demo / 'cache', split='test')
    feats = torch.as_tensor(te['feats'][:a.batch]).float()
    copy = decoding_copy(model, cfg.decode)
    res, codes = {}, {}
    for rep in range(a.reps):
        for name, m in (('fp32 model, autocast', model), (f'{copy.vis_proj.weight.dtype} copy', copy)):
            t = time.perf_counter(); codes[name] = generate(m, feats, cfg.decode, seed=rep); res.setdefault(name, []).append(time.perf_counter() - t)
    a_, b_ = codes.values()
    for k, v in res.items(): print(json.dumps(dict(what=k, batch=a.batch, median_s=round(statistics.median(v), 3), runs=[round(x, 3) for x in v])))
    print(json.dumps(dict(same_tokens_last_rep=round((a_ == b_).float().mean().item(), 4))))

if __name__ == '__main__': main()
