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
