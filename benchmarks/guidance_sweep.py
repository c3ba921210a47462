"""Guidance sweep on a finished `vab_demo` folder: re-run its generation stage at other guidance values w.

Same checkpoint, probe, test clips, generation and mismatch seeds as the demo drew them, so the demo's own w
reproduces its `metrics.json` to the digit. Nothing in the folder is changed.

    python benchmarks/guidance_sweep.py /tmp/d/s0 --seed 0 --w 2,1,1.5
"""
import argparse, json, tempfile
from pathlib import Path
import vab_nbdev.demo as D
from vab_nbdev.probe import AudioProbe

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('out', type=Path, help="a finished vab_demo --out folder")
    p.add_argument('--seed', type=int, default=0, help="the seed the demo ran with (vab_demo --seed)")
    p.add_argument('--w', default='1,2,3', help="comma-separated guidance values")
    a = p.parse_args()
    ckpt = json.loads((a.out / 'stages' / 'pretrain.json').read_text())['checkpoint']
    probe, load = AudioProbe.load(a.out / 'probe.pt'), D.load_model
    for w in (float(x) for x in a.w.split(',')):
        def with_w(path, _w=w):
            m, c = load(path); c.decode.guidance = _w; return m, c
        D.load_model = with_w
        with tempfile.TemporaryDirectory() as t:
            g = D._generation(Path(t), a.out / 'media' / 'vggsound.csv', a.out / 'cache', ckpt, probe, a.seed, 0)
        D.load_model = load
        print(f"{a.out.name} w={w}: class {g['class_acc']:.3f} (ceiling {g['class_acc_reconstruction']:.3f}, ratio "
              f"{g['class_acc'] / g['class_acc_reconstruction']:.3f}), mismatched {g['class_acc_mismatched']:.3f}, onset {g['onset_iou']:.3f}, "
              f"FAD {g['fad']:.2f} (rec {g['fad_reconstruction']:.2f}, mis {g['fad_mismatched']:.2f}), KLD {g['kld']:.3f}", flush=True)

if __name__ == '__main__': main()
