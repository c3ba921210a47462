"""End-to-end test of the `vab_generate` console script on a tiny toy cache and a few-step checkpoint (CPU, offline)."""
import json, os, subprocess, sys, wave
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1')


def _cmd() -> list[str]:
    "The installed console script, or the same entry point through this interpreter."
    exe = Path(sys.executable).parent / 'vab_generate'
    return [str(exe)] if exe.exists() else [sys.executable, '-c', 'import sys; from vab_nbdev.decoding import main; sys.exit(main())']


def _run(*args, check=True) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE='1', PYTHONWARNINGS='ignore')
    p = subprocess.run(_cmd() + [str(a) for a in args], capture_output=True, text=True, env=env, timeout=600)
    if check: assert p.returncode == 0, f'exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}'
    return p


def _wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), 'rb') as w: return np.frombuffer(w.readframes(w.getnframes()), '<i2'), w.getframerate()


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    "A toy cache (8 train + 4 test clips), a 3-step checkpoint, and a folder with 2 silent mp4s and a broken one."
    from conftest import tiny_run
    from vab_nbdev.core import get_config
    from vab_nbdev.data import write_mp4
    from vab_nbdev.synth import synth_arrays
    root = tmp_path_factory.mktemp('vab_generate')
    cache, _, ckpt = tiny_run(root, n_train=8, n_test=4, batch_size=4)
    cfg = get_config('tiny')
    d = synth_arrays(2, seed=5, split='test')
    vids = root / 'videos'
    for i in range(2): write_mp4(vids / f'clip{i}.mp4', d['frames'][i], d['video_fps'])  # silent videos
    (vids / 'broken.mp4').write_text('not a video')
    return dict(root=root, cache=cache, ckpt=ckpt, vids=vids, cfg=cfg)


def test_help():
    from conftest import run_main
    rc, out, _ = run_main('decoding', '--help'); assert rc == 0
    for opt in ('--checkpoint', '--tokenizer', '--out', '--steps', '--guidance', '--guidance-end', '--temperature',
                '--fine-temperature', '--fine-guidance', '--top-k', '--seed', '--batch-size', '--no-bf16', '--device'):
        assert opt in out


def test_cache_input(setup):
    s, out = setup, setup['root'] / 'out_cache'
    p = _run(s['cache'], '--checkpoint', s['ckpt'], '--out', out, '--split', 'test', '--steps', 4, '--batch-size', 3,
             '--guidance-end', 1.0, '--fine-temperature', 0.2, '--fine-guidance', 2.0, '--no-bf16', '--device', 'cpu', '--quiet')
    rep = json.loads((out / 'report.json').read_text())
    assert len(rep['written']) == 4 and rep['skipped'] == [], p.stdout + p.stderr
    assert (rep['decode']['steps'], rep['decode']['guidance_end'], rep['decode']['fine_temperature'], rep['decode']['fine_guidance'],
            rep['decode']['bf16']) == (4, 1.0, 0.2, 2.0, False)
    for r in rep['written']:
        x, sr = _wav(r['wav'])
        assert sr == s['cfg'].audio.sample_rate and len(x) == pytest.approx(s['cfg'].clip_seconds * sr, abs=sr // 50)
        assert np.abs(x).max() > 0  # not silence


def test_video_inputs_skip_bad_and_mux(setup):
    from vab_nbdev.data import media_info, read_audio
    s, out = setup, setup['root'] / 'out_videos'
    p = _run(s['vids'], s['root'] / 'missing.mp4', '--checkpoint', s['ckpt'], '--tokenizer', s['cache'], '--out', out,
             '--steps', 3, '--guidance', 2.0, '--top-k', 16, '--temperature', 0.9, '--seed', 1, '--device', 'cpu', '--quiet')
    rep = json.loads((out / 'report.json').read_text())
    assert sorted(r['id'] for r in rep['written']) == ['clip0', 'clip1']
    skipped = ' '.join(f"{r['input']} {r['reason']}" for r in rep['skipped'])
    assert 'broken.mp4' in skipped and 'missing.mp4' in skipped, skipped
    assert 'broken.mp4' in p.stderr  # reported on the console too
    for r in rep['written']:
        info = media_info(r['mp4'])
        assert info['sample_rate'] is not None and info['fps'] is not None  # the video now has a soundtrack
        assert info['duration'] == pytest.approx(s['cfg'].clip_seconds, abs=0.3)
        a = read_audio(r['mp4'], s['cfg'].audio.sample_rate)
        assert np.abs(a).max() > 0.001


def test_same_seed_same_audio(setup):
    s = setup
    outs = [s['root'] / f'seed_{i}' for i in range(3)]
    for o, seed in zip(outs, (7, 7, 8)):
        _run(s['cache'], '--checkpoint', s['ckpt'], '--out', o, '--split', 'test', '--limit', 2, '--steps', 3,
             '--seed', seed, '--device', 'cpu', '--quiet', '--no-mp4')
    a, b, c = (_wav(o / f"{json.loads((o / 'report.json').read_text())['written'][0]['id']}.wav")[0] for o in outs)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_nothing_to_do_fails(setup):
    s = setup
    p = _run(s['root'] / 'nope', '--checkpoint', s['ckpt'], '--tokenizer', s['cache'], '--out', s['root'] / 'out_none',
             '--device', 'cpu', '--quiet', check=False)
    assert p.returncode == 1 and 'nope' in p.stderr


def test_any_length_and_stream_copy(setup):
    "A 2.5 s, a 10 s (two and a half windows) and an 854x478 video: full-length soundtracks, video packets copied untouched."
    import av
    from media_fixtures import pattern_frames, write_media
    from vab_nbdev.data import media_info
    s, vids, out = setup, setup['root'] / 'lengths', setup['root'] / 'out_lengths'
    write_media(vids / 'short.mp4', pattern_frames(10, 64, 64), 4)
    write_media(vids / 'long.mp4', pattern_frames(80, 64, 64), 8)
    write_media(vids / 'odd.mp4', pattern_frames(16, 478, 854), 4)
    p = _run(vids, '--checkpoint', s['ckpt'], '--tokenizer', s['cache'], '--out', out, '--steps', 4, '--device', 'cpu', '--quiet')
    rep = json.loads((out / 'report.json').read_text())
    assert rep['skipped'] == [] and len(rep['written']) == 3, p.stdout + p.stderr
    sr = s['cfg'].audio.sample_rate
    for name, secs in (('short', 2.5), ('long', 10.0), ('odd', 4.0)):
        x, r = _wav(out / f'{name}.wav')
        assert r == sr and len(x) == pytest.approx(secs * sr, abs=sr // 25), (name, len(x) / sr)
        info = media_info(out / f'{name}.mp4')
        assert info['duration'] == pytest.approx(secs, abs=0.3) and info['sample_rate'] == sr, (name, info)
    assert (media_info(out / 'odd.mp4')['width'], media_info(out / 'odd.mp4')['height']) == (854, 478)
    with av.open(str(vids / 'odd.mp4')) as a, av.open(str(out / 'odd.mp4')) as b:
        assert [bytes(q) for q in a.demux(video=0) if q.size] == [bytes(q) for q in b.demux(video=0) if q.size]


def test_two_stage(setup):
    "vab_train --codebooks / --visible-codebooks make a coarse / coarse-to-fine pair; vab_generate --fine runs both stages."
    from conftest import run_main
    from vab_nbdev.pretrain import load_model
    s, r = setup, setup['root']
    args = ['--batch-size', '4', '--max-steps', '2', '--warmup-steps', '1', '--device', 'cpu', '--quiet']
    for name, flag in (('coarse', '--codebooks'), ('fine', '--visible-codebooks')):
        rc, out, err = run_main('pretrain', s['cache'], r / name, *args, flag, 2); assert rc == 0, out + err
    (coarse, ccfg), (_, fcfg) = load_model(r / 'coarse'), load_model(r / 'fine')
    assert (ccfg.model.K, ccfg.model.codebooks, ccfg.audio.K) == (2, 2, 4) and (fcfg.model.K, fcfg.mask.visible_codebooks) == (4, 2)
    out = r / 'out_two_stage'
    _run(s['cache'], '--checkpoint', r / 'coarse', '--fine', r / 'fine', '--fine-steps', 3, '--out', out, '--split', 'test',
         '--steps', 4, '--limit', 2, '--device', 'cpu', '--quiet')
    rep = json.loads((out / 'report.json').read_text())
    assert len(rep['written']) == 2 and rep['decode']['steps'] == 4 and rep['decode_fine']['steps'] == 3 and rep['fine']
    assert np.abs(_wav(rep['written'][0]['wav'])[0]).max() > 0
    p = _run(s['cache'], '--checkpoint', r / 'coarse', '--fine', s['ckpt'], '--out', r / 'bad', '--device', 'cpu', check=False)
    assert p.returncode == 2 and 'not a coarse-to-fine model' in p.stderr
