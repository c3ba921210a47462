"`core.tune_cpu_allocator`: after it, a CPU training step reuses its memory instead of faulting in fresh pages."
import json, platform, subprocess, sys
import pytest

STEPS = r'''
import json, resource, sys, torch
from vab_nbdev.core import get_config, seed_everything, tune_cpu_allocator
from vab_nbdev.model import VAB
from vab_nbdev.pretrain import make_optimizer, make_scheduler, train_step, draw_batch
tuned = tune_cpu_allocator() if sys.argv[1] == '1' else False
torch.set_num_threads(1); cfg = get_config('tiny'); seed_everything(0)
m = VAB(cfg.model); opt = make_optimizer(m, cfg.train); sched = make_scheduler(opt, cfg.train)
data = dict(codes=torch.randint(0, cfg.model.V, (32, cfg.model.K, cfg.model.T)), feats=torch.randn(32, cfg.model.F, cfg.model.d_vis))
batches = [draw_batch(data, cfg, s) for s in range(6)]
for b in batches[:2]: train_step(m, opt, sched, b, cfg)
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for b in batches[2:]: train_step(m, opt, sched, b, cfg)
print(json.dumps(dict(tuned=tuned, faults=(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 4)))
'''

def _faults(tuned: bool) -> dict:
    out = subprocess.run([sys.executable, '-c', STEPS, '1' if tuned else '0'], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

@pytest.mark.skipif(platform.system() != 'Linux' or platform.libc_ver()[0] != 'glibc', reason='glibc only')
def test_tuned_allocator_reuses_pages():
    default, tuned = _faults(False), _faults(True)
    assert tuned['tuned'] is True
    print(f"minor page faults per tiny training step: glibc default {default['faults']:,.0f}, tuned {tuned['faults']:,.0f}")
    assert tuned['faults'] < 0.2 * default['faults'], (default, tuned)  # measured 15,000-28,000 against 1-1,100 (benchmarks/results/step_cpu_s17.md)

def test_tune_is_false_off_glibc(monkeypatch):
    from vab_nbdev.core import tune_cpu_allocator
    monkeypatch.setattr(platform, 'libc_ver', lambda *a, **k: ('', ''))
    assert tune_cpu_allocator() is False
