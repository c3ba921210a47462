"""Decoding noise on a finished `vab_demo` folder's own test clips: its generation stage (`demo._generation`: true and
mismatched videos, the probe, the reconstructions' ceiling) re-run with other decoding seeds, optionally with another
checkpoint (e.g. a `recipe_check.py` run on the same cache) or other decoding settings. Nothing in the folder changes.

    python benchmarks/demo_decode_seeds.py /tmp/g/c1 --seeds 11 12 13
    python benchmarks/demo_decode_seeds.py /tmp/g/c1 --ckpt /tmp/r/q04s1/raw/latest --seeds 1
    python benchmarks/demo_decode_seeds.py /tmp/g/c0 --seeds 0 --set fine_guidance=1

The seed is the one `vab_demo --seed` hands the generation stage (it also draws the mismatched pairing); the demo's own
score is the row with its own seed. A default chosen from these rows would be chosen on the test set: use
`decode_sweep.py` (validation clips) for that; this script measures how far the test score moves by chance.
Prints one JSON line per seed.
"""
import argparse, json, tempfile
from dataclasses import replace
from pathlib import Path
from vab_nbdev.demo import _generation
from vab_nbdev.probe import AudioProbe
from vab_nbdev.pretrain import load_model
from decode_sweep import parse_variant

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('demo', type=Path, help='a finished vab_demo --out folder')
    ap.add_argument('--ckpt', help="checkpoint to decode (default: the demo's pre-trained one)")
    ap.add_argument('--seeds', type=int, nargs='+', required=True, help='decoding seeds')
    ap.add_argument('--set', default='', metavar='FIELD=VALUE;...', help="DecodeConfig fields over the checkpoint's, e.g. 'fine_guidance=1;guidance=2'")
    a = ap.parse_args()
    ckpt = a.ckpt or json.loads((a.demo / 'stages' / 'pretrain.json').read_text())['checkpoint']
    dec = replace(load_model(ckpt)[1].decode, **parse_variant(a.set))
    probe = AudioProbe.load(a.demo / 'probe.pt')
    for s in a.seeds:
        with tempfile.TemporaryDirectory() as t:
            g = _generation(Path(t), a.demo / 'media' / 'vggsound.csv', a.demo / 'cache', ckpt, probe, s, 0, decode=dec)
        print(json.dumps(dict(demo=str(a.demo), ckpt=str(ckpt), seed=s, set=a.set, ratio=round(g['class_acc'] / g['class_acc_reconstruction'], 4),
                              **{k: round(g[k], 4) for k in ('class_acc', 'class_acc_reconstruction', 'class_acc_mismatched', 'onset_iou', 'fad', 'fad_reconstruction')})), flush=True)

if __name__ == '__main__': main()
