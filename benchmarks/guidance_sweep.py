"""Guidance sweep on a finished `vab_demo` folder: re-run its generation stage at other guidance values w.

Same checkpoint, probe, test clips, generation and mismatch seeds as the demo drew them (the seed is the
checkpoint's `train.seed`, which `vab_demo --seed` sets), so the demo's own w reproduces its `metrics.json` to the
digit. Nothing in the folder is changed.

    python benchmarks/guidance_sweep.py /tmp/d/s0 --w 2,1,1.5
"""
import argparse, json, tempfile
from dataclasses import replace
from pathlib import Path
from vab_nbdev.demo import _generation
from vab_nbdev.pretrain import load_model
from vab_nbdev.probe import AudioProbe

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('out', type=Path, help="a finished vab_demo --out folder")
    p.add_argument('--w', default='1,2,3', help="comma-separated guidance values")
    p.add_argument('--temperature', type=float, help="sampling temperature for every w (default: the checkpoint's)")
    a = p.parse_args()
    ckpt = json.loads((a.out / 'stages' / 'pretrain.json').read_text())['checkpoint']
    cfg, probe = load_model(ckpt)[1], AudioProbe.load(a.out / 'probe.pt')
    temp = cfg.decode.temperature if a.temperature is None else a.temperature
    for w in (float(x) for x in a.w.split(',')):
        with tempfile.TemporaryDirectory() as t:
            g = _generation(Path(t), a.out / 'media' / 'vggsound.csv', a.out / 'cache', ckpt, probe, cfg.train.seed, 0,
                            decode=replace(cfg.decode, guidance=w, temperature=temp))
        print(f"{a.out.name} w={w} temperature={temp}: class {g['class_acc']:.3f} (ceiling {g['class_acc_reconstruction']:.3f}, ratio "
              f"{g['class_acc'] / g['class_acc_reconstruction']:.3f}), mismatched {g['class_acc_mismatched']:.3f}, onset {g['onset_iou']:.3f}, "
              f"FAD {g['fad']:.2f} (rec {g['fad_reconstruction']:.2f}, mis {g['fad_mismatched']:.2f}), KLD {g['kld']:.3f}", flush=True)
        print(json.dumps({k: v for k, v in g.items() if isinstance(v, (int, float))}), flush=True)  # every number of the stage

if __name__ == '__main__': main()
