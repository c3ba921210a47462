"""Would an exponential moving average (EMA) of the weights generate better? Re-runs a finished `vab_demo` folder's
pre-training (same config and seed, so the same trajectory, step for step) while tracking EMAs of the weights, saves
each EMA as a checkpoint, and makes a demo-like folder per EMA that `decode_sweep.py` can judge on the demo's own
validation clips (run decode_sweep.py on the demo folder first, so they exist).

    python benchmarks/ema_check.py /tmp/g/a0 --out /tmp/g/ema
    python benchmarks/decode_sweep.py /tmp/g/ema/demo0.995 ""
"""
import argparse, json, torch, shutil
from pathlib import Path
import vab_nbdev.pretrain as P
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('demo', type=Path, help='a finished vab_demo --out folder'); ap.add_argument('--out', type=Path, required=True)
ap.add_argument('--decays', type=float, nargs='+', default=[0.99, 0.995, 0.998])
a = ap.parse_args()
cfg = P.load_checkpoint_config(json.loads((a.demo / 'stages' / 'pretrain.json').read_text())['checkpoint'])
decays = a.decays
emas, orig = {}, P.train_step
def step(net, opt, sched, batch, cfg_, world=1):
    out = orig(net, opt, sched, batch, cfg_, world)
    raw = P._raw(net)
    with torch.no_grad():
        for d in decays:
            if d not in emas: emas[d] = {k: v.detach().clone() for k, v in raw.state_dict().items()}
            else:
                for k, v in raw.state_dict().items():
                    if v.is_floating_point(): emas[d][k].lerp_(v, 1 - d)
    return out
P.train_step = step
out = a.out; shutil.rmtree(out, ignore_errors=True)
res = P.pretrain(cfg, a.demo / 'cache', out / 'raw', progress=False)
m = P.VAB(cfg.model)
for d, sd in emas.items():
    m.load_state_dict(sd); P.save_checkpoint(out / f'ema{d}', m, cfg, step=cfg.train.max_steps)
    # a demo-like folder for decode_sweep: the demo's cache, probe and validation clips, this EMA's checkpoint
    dd = out / f'demo{d}'; (dd / 'stages').mkdir(parents=True, exist_ok=True)
    for n in ('cache', 'probe.pt', 'validation'): (dd / n).symlink_to((a.demo / n).resolve())
    (dd / 'stages' / 'pretrain.json').write_text(json.dumps(dict(checkpoint=str(out / f'ema{d}'))))
print('raw model, last log row:', res['history'][-1])
