"The `vab_prepare` console script: a toy dataset with a corrupt and an audio-less clip, a cache, and a rerun that does nothing."
import json, os, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

from vab_nbdev.data import write_mp4
from vab_nbdev.synth import CLASSES, SynthConfig, make_dataset, synth_arrays

BIN = Path(sys.executable).parent

def run(*args):
    return subprocess.run([str(BIN / 'vab_prepare'), *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, 'HF_HUB_OFFLINE': '1'})

@pytest.fixture(scope='module')
def dataset(tmp_path_factory):
    "6 train + 2 test toy clips, plus a corrupt mp4 and an mp4 without audio, all listed in the manifest."
    root = tmp_path_factory.mktemp('prep') / 'media'
    scfg = SynthConfig(n_train=6, n_test=2)
    csv_path = make_dataset(root, scfg, progress=False)
    good = [f'{r[0]}_{int(r[1]):06d}' for r in (l.split(',') for l in csv_path.read_text().splitlines())]
    (root / 'video' / 'corrupt-clip_000000.mp4').write_bytes(np.random.default_rng(0).bytes(20_000))
    d = synth_arrays(1, seed=5, cfg=scfg)
    write_mp4(root / 'video' / 'mute-clip_000000.mp4', d['frames'][0], scfg.video_fps, audio=None)
    with open(csv_path, 'a') as fh: fh.write(f'corrupt-clip,0,{CLASSES[0]},train\nmute-clip,0,{CLASSES[1]},train\n')
    return csv_path, good

def snapshot(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob('*')) if p.is_file() and p.name != 'report.json'}

def test_vab_prepare(dataset, tmp_path):
    csv_path, good = dataset
    out = tmp_path / 'cache'
    r = run(csv_path, out, '--shard-size', 4, '--device', 'cpu', '--quiet')
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'cached 8 clips, skipped 2' in r.stdout, r.stdout
    report = json.loads((out / 'report.json').read_text())
    bad = {b['id']: b for b in report['bad_items']}
    assert sorted(bad) == ['corrupt-clip_000000', 'mute-clip_000000'], report['bad_items']
    for k, b in bad.items():
        assert b['path'].endswith(f'{k}.mp4') and b['path'] in b['reason'], b   # the reason names the file
    assert 'NoAudioStream' in bad['mute-clip_000000']['reason'] or 'audio' in bad['mute-clip_000000']['reason']
    index = json.loads((out / 'index.json').read_text())
    assert index['complete'] and index['counts']['cached'] == 8 and index['counts']['bad'] == 2
    cached = sorted(i for s in index['shards'] for i in s['ids'])
    assert cached == sorted(good)                                    # every good clip, nothing else
    assert len(index['shards']) == 3 and (out / 'tokenizer.pt').is_file()
    assert all((out / s['file']).is_file() for s in index['shards'])

    before = snapshot(out)
    r2 = run(csv_path, out, '--shard-size', 4, '--device', 'cpu', '--quiet')
    assert r2.returncode == 0, r2.stdout + r2.stderr
    assert 'nothing to do' in r2.stdout, r2.stdout
    assert snapshot(out) == before                                   # no shard, index or tokenizer rewritten

    r3 = run(csv_path, out, '--preset', 'small', '--quiet')         # another config: refused, naming the difference
    assert r3.returncode == 2 and 'clip_seconds' in r3.stderr, r3.stderr

def test_vab_prepare_help():
    from conftest import run_main
    rc, out, _ = run_main('prepare', '--help')
    assert rc == 0
    for s in ['--preset', '--tokenizer', '--device', '--shard-size', '--split', 'index.json', 'tiny', 'paper']: assert s in out, s
