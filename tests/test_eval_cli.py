"`vab_eval` end to end through its console script, on small synthetic folders (a few seconds on CPU)."
import json, os, shutil, subprocess, sys, wave
from pathlib import Path

import numpy as np
import pytest

BIN = Path(sys.executable).parent


def _write_wav(path, wav, sr):
    with wave.open(str(path), 'wb') as f:
        f.setnchannels(1); f.setsampwidth(2); f.setframerate(sr)
        f.writeframes((np.clip(wav, -1, 1) * 32767).astype('<i2').tobytes())


def _vab_eval(*args):
    exe = BIN / 'vab_eval' if (BIN / 'vab_eval').exists() else shutil.which('vab_eval')
    cmd = [str(exe)] if exe else [sys.executable, '-c', 'import sys; from vab_nbdev.metrics import main; sys.exit(main())']
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'PYTHONWARNINGS': 'ignore'}
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope='module')
def folders(tmp_path_factory):
    "real/: 12 synth test clips (VGGSound-style names); gen/: real train clips of the same class under the same ids, plus"
    "one unpaired file, one silent file and one file at 24 kHz; a probe trained on synth train clips."
    from vab_nbdev.synth import SynthConfig, synth_arrays
    from vab_nbdev.probe import train_probe
    tmp = tmp_path_factory.mktemp('eval')
    cfg = SynthConfig(); sr = cfg.sample_rate
    train, test = synth_arrays(60, seed=0, cfg=cfg), synth_arrays(12, seed=0, split='test', cfg=cfg)
    probe = train_probe(train['audio'], train['labels'], sr, n_classes=cfg.n_classes)
    probe.save(tmp / 'probe.pt')
    (tmp / 'real').mkdir(); (tmp / 'gen').mkdir()
    for i in range(12):
        _write_wav(tmp / 'real' / f'vid{i:02d}_000010.wav', test['audio'][i], sr)
        j = int(np.flatnonzero(train['labels'] == test['labels'][i])[i // cfg.n_classes])
        gen = train['audio'][j]
        if i == 3: gen = np.zeros_like(gen)                                  # silent: an error naming the file
        if i == 5:                                                           # stored at 24 kHz: resampled, not an error
            gen = np.interp(np.arange(int(len(gen) * 1.5)) / 1.5, np.arange(len(gen)), gen)
            _write_wav(tmp / 'gen' / f'vid{i:02d}_10.wav', gen, 24_000); continue
        _write_wav(tmp / 'gen' / f'vid{i:02d}_10.wav', gen, sr)
    _write_wav(tmp / 'gen' / 'orphan_000099.wav', train['audio'][0], sr)   # no real partner
    return tmp


def test_report(folders):
    out = folders / 'report.json'
    r = _vab_eval(folders / 'gen', folders / 'real', '--probe', folders / 'probe.pt', '--out', out, '--fad-inf-min', '5', '--preset', 'tiny')
    assert r.returncode == 0, r.stderr[-3000:]
    rep = json.loads(out.read_text())
    for k in ('embedder', 'classifier', 'n_pairs', 'fad', 'fad_inf', 'kld', 'label_agreement', 'unpaired', 'errors',
              'pairing_rule', 'stored_sample_rates', 'seconds', 'sample_rate'):
        assert k in rep, k
    assert rep['embedder'] == 'probe-penultimate' and rep['classifier'] == 'probe-logits'
    assert rep['n_pairs'] == 11                                             # 12 real, one pair lost to the silent file
    assert rep['fad']['n_real'] == rep['fad']['n_gen'] == 11 and rep['kld']['n'] == 11
    assert np.isfinite(rep['fad']['fad']) and rep['fad']['fad'] >= 0 and rep['kld']['kld'] >= 0
    assert [Path(p).name for p in rep['unpaired']['gen_only']] == ['orphan_000099.wav']
    assert rep['unpaired']['real_only'] == []
    assert any('vid03_10.wav' in e['file'] and 'silent' in e['error'] for e in rep['errors'])
    assert 'vid03_000010.wav' not in ' '.join(rep['pairs']) and 'vid03_10' not in rep['pairs']
    assert rep['stored_sample_rates']['gen'] == [16_000, 24_000]
    assert np.isfinite(rep['fad_inf']['fad_inf']) and rep['fad_inf']['ns'][-1] == 11   # computed: 11 >= --fad-inf-min 5
    assert 'orphan_000099.wav' in r.stdout and 'silent' in r.stdout    # printed, not only in the JSON


def test_strict_rate_and_cache(folders):
    "--sample-rate makes the 24 kHz file an error; a real cache reproduces the folder's numbers."
    out, cache = folders / 'strict.json', folders / 'real.npz'
    r = _vab_eval(folders / 'gen', folders / 'real', '--probe', folders / 'probe.pt', '--out', out,
                  '--sample-rate', '16000', '--save-real-cache', cache, '--seconds', '4')
    assert r.returncode == 0, r.stderr[-3000:]
    rep = json.loads(out.read_text())
    assert rep['n_pairs'] == 10 and any('24000 Hz, expected 16000' in e['error'] for e in rep['errors'])
    assert 'skipped' in rep['fad_inf']                                         # 10 pairs < the default minimum
    r2 = _vab_eval(folders / 'gen', cache, '--probe', folders / 'probe.pt', '--out', folders / 'cached.json', '--sample-rate', '16000', '--seconds', '4')
    assert r2.returncode == 0, r2.stderr[-3000:]
    rep2 = json.loads((folders / 'cached.json').read_text())
    assert rep2["n_pairs"] == 10 and abs(rep2["fad"]["fad"] - rep["fad"]["fad"]) <= 1e-5 * max(1, rep["fad"]["fad"])
    assert abs(rep2["kld"]["kld"] - rep["kld"]["kld"]) <= 1e-5


def test_help_and_errors(folders):
    "Help and argument errors, in-process (tests/test_entry_points.py starts the real script once)."
    from conftest import run_main
    rc, out, _ = run_main('metrics', '--help')
    assert rc == 0 and '--train-probe-on' in out and '--embedder' in out
    rc, _, err = run_main('metrics', folders / 'gen', folders / 'real', '--out', folders / 'x.json', '--seconds', '4')   # no probe for the probe embedder
    assert rc != 0 and '--probe' in err
    rc, _, err = run_main('metrics', folders / 'gen', folders / 'real', '--embedder', 'vggish', '--vggish-path', '/nowhere/vggish.pth', '--seconds', '4')
    assert rc != 0 and '/nowhere/vggish.pth' in err
    rc, _, err = run_main('metrics', folders / 'gen', folders / 'real', '--probe', folders / 'probe.pt')   # no clip length anywhere: refused, not guessed
    assert rc == 2 and 'no clip length' in err and '--seconds' in err
