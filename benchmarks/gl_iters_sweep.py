"""Griffin-Lim iterations sweep on a finished `vab_demo` folder: re-run its generation stage with the tokenizer
decoding at other `gl_iters` (the tokenizer's default is 16, 32 until session 16). Both the reconstructions (the ceiling) and the generated
clips go through the same Griffin-Lim, so the sweep shows what the iterations buy in each and what they cost.
Same checkpoint, probe, seeds and test clips as the demo; nothing in the folder is changed.

    python benchmarks/gl_iters_sweep.py /tmp/g/s0 --iters 32,16,8
"""
import argparse, json, tempfile, time
from pathlib import Path
import vab_nbdev.demo as demo
from vab_nbdev.pretrain import load_model
from vab_nbdev.probe import AudioProbe

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('out', type=Path, help="a finished vab_demo --out folder")
    p.add_argument('--iters', default='32,16', help="comma-separated Griffin-Lim iteration counts")
    a = p.parse_args()
    ckpt = json.loads((a.out / 'stages' / 'pretrain.json').read_text())['checkpoint']
    cfg, probe = load_model(ckpt)[1], AudioProbe.load(a.out / 'probe.pt')
    if (a.out / 'stages' / 'pretrain_fine.json').exists(): raise SystemExit(f"{a.out}: a two-stage demo; this sweep decodes one model")
    load = demo.load_cache_tokenizer
    try:
        for n in (int(x) for x in a.iters.split(',')):
            def _tok(cache, n=n): t = load(cache); t.gl_iters = n; return t
            demo.load_cache_tokenizer = _tok
            t0 = time.perf_counter()
            with tempfile.TemporaryDirectory() as t:
                g = demo._generation(Path(t), a.out / 'media' / 'vggsound.csv', a.out / 'cache', ckpt, probe, cfg.train.seed, 0)
            print(f"{a.out.name} gl_iters={n}: class {g['class_acc']:.3f} (ceiling {g['class_acc_reconstruction']:.3f}, ratio "
                  f"{g['class_acc'] / g['class_acc_reconstruction']:.3f}), mismatched {g['class_acc_mismatched']:.3f}, onset {g['onset_iou']:.3f} "
                  f"(rec {g['onset_iou_reconstruction']:.3f}), FAD {g['fad']:.2f} (rec {g['fad_reconstruction']:.2f}, ratio {g['fad'] / g['fad_reconstruction']:.2f}), "
                  f"KLD {g['kld']:.3f} (rec {g['kld_reconstruction']:.3f}); {g['seconds_per_clip']:.3f} s per generated clip, stage {time.perf_counter() - t0:.1f} s", flush=True)
            print(json.dumps({k: v for k, v in g.items() if isinstance(v, (int, float))}), flush=True)
    finally: demo.load_cache_tokenizer = load

if __name__ == '__main__': main()
