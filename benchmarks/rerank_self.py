"""Can the model pick the better of N decoded candidates by itself? On a finished `vab_demo` folder's validation clips
(`decode_sweep.validation_set`: written and prepared on first use, as decode_sweep.py does), decode each clip N times (seeds seed + i + 1000 j) and rank the
candidates by the model's own scores of their codebook-0 tokens, given the video with every audio token masked:
their log-likelihood, and their pointwise mutual information with the video (log p(x | video) - log p(x | null
video), one forward pair (video, null video) per batch, shared by all candidates). The probe's class accuracy of the single
candidates, of the best by each score, and of an oracle that keeps any right one.

    python benchmarks/rerank_self.py /tmp/g/c1 --n 4

Session 7 re-ranked by the contrastive model (no gain); this is the generator's own judgement [ours, in the spirit of
CLAP re-ranking in text-to-audio]. Session 21: no gain either (`ablations_cpu.md`).
"""
import argparse, json
from pathlib import Path
import numpy as np, torch
from vab_nbdev.pretrain import load_model
from vab_nbdev.prepare import load_cache, load_cache_tokenizer
from vab_nbdev.decoding import generate
from vab_nbdev.metrics import ProbeEmbedder
from vab_nbdev.probe import AudioProbe
from decode_sweep import validation_set

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('demo', type=Path, help='a finished vab_demo --out folder')
    ap.add_argument('--n', type=int, default=4, help='candidates per clip')
    a = ap.parse_args()
    model, cfg = load_model(json.loads((a.demo / 'stages' / 'pretrain.json').read_text())['checkpoint']); model.eval()
    cache = validation_set(a.demo, a.demo / 'validation', 240, 1000 + cfg.train.seed, cfg)[1]  # decode_sweep.py's clips
    tok, te = load_cache_tokenizer(cache), load_cache(cache, split='test')
    feats, labels = torch.as_tensor(te['feats']).float(), np.asarray(te['labels'])
    emb, (K, V, T), N = ProbeEmbedder(AudioProbe.load(a.demo / 'probe.pt')), (cfg.model.K, cfg.model.V, cfg.model.T), a.n
    right, pmi, ll = (np.zeros((N, len(labels))) for _ in range(3))
    for i in range(0, len(labels), 32):
        f = feats[i:i + 32]; B = len(f)
        with torch.inference_mode():
            m = torch.full((B, K, T), V, dtype=torch.long)
            lc, lu = (model(m, f, torch.full((B,), d)).float().log_softmax(-1) for d in (False, True))
        for j in range(N):
            codes = generate(model, f, cfg.decode, seed=cfg.train.seed + i + 1000 * j)
            right[j, i:i + B] = emb.logits(tok.decode(codes).float().numpy()).argmax(-1).numpy() == labels[i:i + B]
            c, u = lc.gather(-1, codes[..., None])[..., 0][:, 0], lu.gather(-1, codes[..., None])[..., 0][:, 0]  # codebook 0: (B, T)
            pmi[j, i:i + B], ll[j, i:i + B] = (c - u).sum(-1).numpy(), c.sum(-1).numpy()
    idx = np.arange(len(labels))
    for n in sorted({2, N}):
        print(json.dumps(dict(demo=str(a.demo), n=n, single=right[:n].mean(1).round(3).tolist(), oracle=round(right[:n].max(0).mean(), 3),
                              by_pmi=round(right[pmi[:n].argmax(0), idx].mean(), 3), by_loglik=round(right[ll[:n].argmax(0), idx].mean(), 3))))

if __name__ == '__main__': main()
