"vab_demo end to end at a small size: a report folder, and the same seed gives the same metrics.json (timings aside)."
import json, os, subprocess, sys
from pathlib import Path

BIN = Path(sys.executable).parent
ARGS = ['--n-train', '32', '--n-test', '12', '--pretrain-steps', '20', '--finetune-steps', '10', '--timing-clips', '1', '--quiet']

def _run(out):
    r = subprocess.run([str(BIN / 'vab_demo'), '--out', str(out), *ARGS], capture_output=True, text=True,
                       env={**os.environ, 'HF_HUB_OFFLINE': '1'}, timeout=1200)
    assert r.returncode == 0, r.stderr[-3000:]
    return r, json.loads((out / 'metrics.json').read_text())

def _untimed(d):
    if isinstance(d, dict): return {k: _untimed(v) for k, v in d.items() if 'seconds' not in k}
    return d

def test_help():
    from conftest import run_main
    rc, out, _ = run_main('demo', '--help')
    assert rc == 0 and '--pretrain-steps' in out and 'resum' in out

def test_same_seed_same_metrics_and_resume(tmp_path):
    r1, m1 = _run(tmp_path / 'a')
    _, m2 = _run(tmp_path / 'b')
    assert _untimed(m1) == _untimed(m2)
    for k in ('pretrain', 'generation', 'retrieval', 'classification', 'seconds_total'): assert k in m1
    assert (tmp_path / 'a' / 'index.html').exists()
    r3, m3 = _run(tmp_path / 'a')                      # everything finished: all stages skipped, same metrics
    assert r3.stdout.count('done earlier, skipped') == 7 and _untimed(m3) == _untimed(m1)

def test_two_stage_variant(tmp_path):
    "`--codebooks 8 --coarse 4`: a coarse model and a coarse-to-fine one, judged on 8-codebook audio; the folder refuses another variant."
    args = ['--n-train', '24', '--n-test', '6', '--pretrain-steps', '8', '--finetune-steps', '4', '--timing-clips', '0', '--quiet']
    run = lambda *extra: subprocess.run([str(BIN / 'vab_demo'), '--out', str(tmp_path / 'd'), *args, *extra], capture_output=True, text=True,
                                         env={**os.environ, 'HF_HUB_OFFLINE': '1'}, timeout=1200)
    r = run('--codebooks', '8', '--coarse', '4', '--fine-decode-steps', '3')
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path / 'd' / 'metrics.json').read_text())
    assert m['variant'] == dict(codebooks=8, coarse=4, fine_decode_steps=3)
    assert 0 <= m['pretrain_fine']['masked_acc'] <= 1 and m['generation']['fine_steps'] == 3
    assert 'pretrain_fine' in m['stage_seconds'] and 'coarse-to-fine model' in r.stdout
    from vab_nbdev.pretrain import load_model
    c, f = load_model(tmp_path / 'd' / 'pretrain' / 'latest')[1], load_model(tmp_path / 'd' / 'pretrain_fine' / 'latest')[1]
    assert (c.model.K, c.model.codebooks, f.model.K, f.mask.visible_codebooks) == (4, 4, 8, 4)
    assert c.train.max_steps == f.train.max_steps == 4     # one model's budget, shared
    r2 = run()                                             # the same folder as a one-model demo: refused, nothing overwritten
    assert r2.returncode == 2 and "coarse': 4" in r2.stderr and 'another --out' in r2.stderr
