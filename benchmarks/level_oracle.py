"""Where does generated audio lose its class: in codebook 0 or in the finer codebooks? For a finished `vab_demo`
folder (with its validation clips from `decode_sweep.py`), generate audio for the validation videos at the checkpoint's
decoding settings while the real tokens of the first n codebooks are given as a prompt (in-painting the rest), and
judge every variant with the demo's probe:

    python benchmarks/level_oracle.py /tmp/g/a0

Rows: nothing given (what the demo does), real codebook 0 given, real codebooks 0-1 given; and, as a check of how
the levels fit together, generated codebook 0 with the real finer codebooks. The ceiling is the tokenizer's
reconstruction of the real tokens.
"""
import argparse, json
from pathlib import Path
import numpy as np, torch
from vab_nbdev.decoding import generate
from vab_nbdev.metrics import ProbeEmbedder
from vab_nbdev.pretrain import load_model
from vab_nbdev.prepare import load_cache, load_cache_tokenizer
from vab_nbdev.probe import AudioProbe

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('demo', type=Path, help='a finished vab_demo --out folder whose validation/ decode_sweep.py wrote')
    a = ap.parse_args()
    ckpt = json.loads((a.demo / 'stages' / 'pretrain.json').read_text())['checkpoint']
    model, cfg = load_model(ckpt); emb = ProbeEmbedder(AudioProbe.load(a.demo / 'probe.pt'))
    cache = next((a.demo / 'validation').glob('**/index.json')).parent
    tok, te = load_cache_tokenizer(cache), load_cache(cache, split='test')
    feats, labels, codes = torch.as_tensor(te['feats']).float(), np.asarray(te['labels']), torch.as_tensor(te['codes']).long()
    V, seed = cfg.model.V, cfg.train.seed

    def judge(wavs): return float((emb.logits(wavs).argmax(-1).numpy() == labels).mean())
    def run(n_given=0, swap_fine=False):
        out = []
        for i in range(0, len(feats), 32):
            c = codes[i:i + 32]; p = None
            if n_given: p = torch.full_like(c, V); p[:, :n_given] = c[:, :n_given]
            g = generate(model, feats[i:i + 32], cfg.decode, seed=seed + i, prompt=p)
            if swap_fine: g = g.clone(); g[:, 1:] = c[:, 1:]
            out.append(tok.decode(g).float().numpy())
        return judge(np.concatenate(out))

    with torch.inference_mode(): ceiling = judge(tok.decode(codes).float().numpy())
    rows = dict(ceiling=ceiling, generated=run(), real_cb0_given=run(1), real_cb01_given=run(2), generated_cb0_real_finer=run(0, True))
    print(json.dumps(dict(demo=str(a.demo), n=len(labels), **{k: round(v, 4) for k, v in rows.items()},
                          **{f'{k}_ratio': round(v / ceiling, 4) for k, v in rows.items() if k != 'ceiling'})))

if __name__ == '__main__': main()
