"The `vab_synth` console script: a tiny dataset, its manifest and mp4s, and a second run that does nothing."
import csv, os, subprocess, sys
from pathlib import Path

BIN = Path(sys.executable).parent

def run(*args):
    return subprocess.run([str(BIN / 'vab_synth'), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, 'HF_HUB_OFFLINE': '1'})

def test_vab_synth(tmp_path):
    out = tmp_path / 'synth'
    r = run('--out', str(out), '--n-train', '6', '--n-test', '2', '--quiet')
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(open(out / 'vggsound.csv', newline='')))
    assert len(rows) == 8 and all(len(x) == 4 for x in rows)
    assert [x[3] for x in rows].count('train') == 6 and [x[3] for x in rows].count('test') == 2
    mp4s = sorted((out / 'video').glob('*.mp4'))
    assert len(mp4s) == 8
    assert {f'{x[0]}_{int(x[1]):06d}.mp4' for x in rows} == {f.name for f in mp4s}  # VGGSound naming
    assert all(f.stat().st_size > 1000 for f in mp4s)
    before = {f.name: f.stat().st_mtime_ns for f in mp4s}
    csv_bytes = (out / 'vggsound.csv').read_bytes()
    r2 = run('--out', str(out), '--n-train', '6', '--n-test', '2', '--quiet')
    assert r2.returncode == 0, r2.stderr
    assert 'already there' in r2.stdout
    assert {f.name: f.stat().st_mtime_ns for f in (out / 'video').glob('*.mp4')} == before  # nothing rewritten
    assert (out / 'vggsound.csv').read_bytes() == csv_bytes

def test_vab_synth_help():
    from conftest import run_main
    rc, out, _ = run_main('synth', '--help')
    assert rc == 0 and '--n-train' in out and '--seed' in out and 'vggsound.csv' in out
