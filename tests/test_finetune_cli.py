"`vab_finetune` through its console script: help, a short contrastive run on a tiny cache + pre-training checkpoint, exact resume, classify."
import json, os, shutil, subprocess, sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

ENV = dict(os.environ, HF_HUB_OFFLINE='1', PYTHONWARNINGS='ignore', OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS', '1'))
FT = ['--steps', '4', '--batch-size', '8', '--warmup-steps', '1', '--eval-every', '2', '--quiet']


def _cmd() -> list[str]:
    "The installed console script (next to this Python), else the same entry point through `python -c`."
    exe = shutil.which('vab_finetune', path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, '-c', 'import sys; from vab_nbdev.finetune import main; sys.exit(main())']


def run(*args, check=True) -> subprocess.CompletedProcess:
    p = subprocess.run(_cmd() + [str(a) for a in args], capture_output=True, text=True, env=ENV, timeout=600)
    if check: assert p.returncode == 0, f"vab_finetune {' '.join(map(str, args))} failed:\n{p.stdout}\n{p.stderr}"
    return p


def last_json(p) -> dict: return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    "A tiny toy cache and a 3-step pre-training checkpoint (made in-process: the subject here is vab_finetune)."
    from conftest import tiny_run
    root = tmp_path_factory.mktemp('ft')
    cache, run, _ = tiny_run(root, n_train=24, n_test=8, batch_size=8)
    return dict(root=root, cache=cache, ckpt=run)


def test_help():
    from conftest import run_main
    rc, out, _ = run_main('finetune', '--help')
    assert rc == 0 and 'contrastive' in out and 'classify' in out
    out = run_main('finetune', 'contrastive', '--help')[1]
    for opt in ('--steps', '--batch-size', '--lr', '--resume', '--stop-at', '--device', '--quiet'): assert opt in out
    assert '--mode' in run_main('finetune', 'classify', '--help')[1]
    rc, _, err = run_main('finetune')
    assert rc != 0 and 'contrastive' in err   # a subcommand is required


def test_contrastive_run(setup):
    out = setup['root'] / 'full'
    res = last_json(run('contrastive', setup['ckpt'], setup['cache'], out, *FT))
    assert res['step'] == 4 and res['loss'] > 0
    r = json.loads((out / 'retrieval.json').read_text())
    assert r['n'] == 8 and 0 <= r['v2a']['r1'] <= 1 and 0 <= r['a2v']['r10'] <= 1
    assert (out / 'latest').is_file() and (out / (out / 'latest').read_text().strip() / 'model.safetensors').is_file()
    assert [h['step'] for h in json.loads((out / 'log.json').read_text())] == [1, 2, 3, 4]


def test_resume_is_exact(setup):
    full, split = setup['root'] / 'full', setup['root'] / 'split'
    if not (full / 'latest').is_file(): run('contrastive', setup['ckpt'], setup['cache'], full, *FT)
    first = last_json(run('contrastive', setup['ckpt'], setup['cache'], split, *FT, '--stop-at', '2'))
    assert first['step'] == 2
    p = run('contrastive', setup['ckpt'], setup['cache'], split, '--resume', '--quiet')   # settings come from the run
    assert 'resumed from' in p.stdout and last_json(p)['step'] == 4
    log = lambda d: json.loads((d / 'log.json').read_text())
    assert log(split) == log(full)                                   # same losses, lr, scale and R@1, step by step
    w = lambda d: load_file(d / (d / 'latest').read_text().strip() / 'model.safetensors')
    a, b = w(split), w(full)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    # asking a resumed run for other settings is refused
    p = run('contrastive', setup['ckpt'], setup['cache'], split, '--resume', '--steps', '9', '--quiet', check=False)
    assert p.returncode != 0 and 'steps: 4 vs 9' in p.stderr


def test_classify(setup):
    full = setup['root'] / 'full'
    if not (full / 'latest').is_file(): run('contrastive', setup['ckpt'], setup['cache'], full, *FT)
    for ckpt in (setup['ckpt'], full):                                # a pre-training or a contrastive checkpoint
        out = setup['root'] / f'cls_{ckpt.name}'
        m = last_json(run('classify', ckpt, setup['cache'], out, '--mode', 'v', '--probe-steps', '20'))
        assert m['mode'] == 'v' and 0 <= m['test_acc'] <= 1
        assert json.loads((out / 'metrics_v.json').read_text()) == m and (out / 'classifier_v.pt').is_file()


def test_bad_checkpoint(setup):
    p = run('contrastive', setup['root'] / 'nowhere', setup['cache'], setup['root'] / 'x', *FT, check=False)
    assert p.returncode != 0 and 'nowhere' in p.stderr
