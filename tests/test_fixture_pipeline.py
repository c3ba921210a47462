"""Every media fixture through the commands a user chains, in the guide's order: `vab_prepare` on the folder,
`vab_train` on its cache (a few steps), `vab_generate` on the videos, `vab_eval` of the generated folder against
the fixtures. Each fixture's outcome is asserted at each command (issue 14)."""
import json
import numpy as np
from media_fixtures import pattern_frames, tone, write_media, set_rotation
from conftest import run_main
from vab_nbdev.data import media_info
from vab_nbdev.decoding import read_wav
from vab_nbdev.core import get_config

SR = 16000

def _fixtures(d):
    "name -> (path, what vab_prepare does with it, video seconds)."
    f = lambda n, fps, h=48, w=64, seed=0: pattern_frames(n, h, w, seed)
    vfr_times = np.cumsum(np.r_[0, np.random.default_rng(0).uniform(0.05, 0.2, 39)])  # 40 frames, 0.05-0.2 s apart
    vfr_times = vfr_times * (4.2 / vfr_times[-1])
    return {
        'stereo44k': (write_media(d / 'stereo44k.mp4', f(34, 8), 8.0, tone(4.2, 44100, 2, 300), 44100), 'cached', 4.25),
        'stereo48k_2997': (write_media(d / 'stereo48k.mp4', f(126, 30, seed=1), 30000 / 1001, tone(4.2, 48000, 2, 500), 48000), 'cached', 4.2),
        'vfr': (write_media(d / 'vfr.mp4', f(40, 10, seed=2), 10.0, tone(4.3, SR, 1, 700), SR, times=vfr_times), 'cached', 4.3),
        'late_start': (write_media(d / 'late.mp4', f(34, 8, seed=3), 8.0, tone(4.2, SR, 1, 900), SR, start=3.0), 'cached', 4.25),
        'odd_size': (write_media(d / 'odd.mp4', pattern_frames(34, 478, 854, 4), 8.0, tone(4.2, SR, 1, 1100), SR), 'cached', 4.25),
        'rotated': (set_rotation(write_media(d / 'rotated.mp4', f(34, 8, seed=5), 8.0, tone(4.2, SR, 1, 1300), SR), 90), 'cached', 4.25),
        'clip9_6': (write_media(d / 'clip9_6.mp4', f(77, 8, seed=6), 8.0, tone(9.6, SR, 1, 1500), SR), 'cached', 9.6),
        'long30': (write_media(d / 'long30.mp4', f(240, 8, seed=7), 8.0, tone(30, SR, 1, 1700), SR), 'cached', 30.0),
        'short_audio': (write_media(d / 'short_audio.mp4', f(34, 8, seed=8), 8.0, tone(2.5, SR, 1, 1900), SR), 'padded', 4.25),
        'no_audio': (write_media(d / 'no_audio.mp4', f(34, 8, seed=9), 8.0), 'skipped', 4.25),
    }

def test_every_fixture_through_prepare_train_generate_eval(tmp_path):
    src, cache, run, gen = tmp_path / 'videos', tmp_path / 'cache', tmp_path / 'run', tmp_path / 'gen'
    fx = _fixtures(src)
    cfg = get_config('tiny')

    rc, out, err = run_main('prepare', src, cache, '--quiet', '--workers', 1)
    assert rc == 0, err
    rep = json.loads((cache / 'report.json').read_text())
    key = lambda name: f'{fx[name][0].stem}_000000'                      # clip ids are <stem>_<start>
    assert {b['id'] for b in rep['bad_items']} == {key(k) for k, v in fx.items() if v[1] == 'skipped'} == {key('no_audio')}
    assert 'NoAudioStreamError' in rep['bad_items'][0]['reason'] and 'no_audio.mp4' in rep['bad_items'][0]['reason']
    assert [(p['id'], round(p['audio_seconds'], 1)) for p in rep['padded_items']] == [(key('short_audio'), 2.5)]
    assert 'padded: ' in out and 'short_audio.mp4' in out
    assert rep['cached'] == len(fx) - 1
    from vab_nbdev.prepare import load_cache
    c = load_cache(cache, split='train')                                  # a folder's clips are training clips
    nv = dict(zip(c['ids'], c['n_valid'].tolist()))
    assert nv.pop(key('short_audio')) in (125, 126) and set(nv.values()) == {cfg.T}

    rc, out, err = run_main('pretrain', cache, run, '--max-steps', 2, '--batch-size', 4, '--log-every', 1,
                            '--eval-every', 2, '--ckpt-every', 2, '--quiet', '--device', 'cpu')
    assert rc == 0, err
    assert (run / 'latest').exists()

    rc, out, err = run_main('decoding', src, '--checkpoint', run, '--tokenizer', cache, '--out', gen, '--steps', 2,
                            '--quiet', '--device', 'cpu')
    assert rc == 0, err
    grep = json.loads((gen / 'report.json').read_text())
    assert not grep.get('skipped'), grep.get('skipped')
    for name, (path, _, seconds) in fx.items():                          # every video, with or without sound, gets a soundtrack of its length
        w, sr = read_wav(gen / f'{path.stem}.wav')
        assert abs(len(w) / sr - seconds) < 0.15, (name, len(w) / sr, seconds)
        info = media_info(gen / f'{path.stem}.mp4')                        # the video with its new sound
        assert info['sample_rate'] == cfg.audio.sample_rate and abs(info['duration'] - seconds) < 0.3, (name, info)

    import torch
    from vab_nbdev.probe import AudioProbe
    torch.manual_seed(0); AudioProbe(n_classes=3).save(tmp_path / 'probe.pt')  # untrained: this checks pairing and lengths, not quality
    rc, out, err = run_main('metrics', gen, src, '--probe', tmp_path / 'probe.pt', '--out', tmp_path / 'eval.json', '--device', 'cpu')
    assert rc == 0, err + out
    ev = json.loads((tmp_path / 'eval.json').read_text())
    assert ev['n_pairs'] == len(fx) - 1                                   # every fixture with a soundtrack is scored
    assert ev['seconds'] == cfg.clip_seconds and ev['seconds_from'].startswith(str(gen / 'report.json'))  # the checkpoint vab_generate used
    real_err, gen_err = ev['errors']                                      # the silent video has no real audio to compare with:
    assert real_err['file'].endswith('no_audio.mp4') and 'has no audio stream' in real_err['error']   # reported, named,
    assert gen_err['file'].endswith('no_audio.wav') and 'partner failed' in gen_err['error']          # and skipped
