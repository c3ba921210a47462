"""Media the project did not make the usual way: late start times, rotation, odd sizes, 29.97 fps, VFR, stereo 44.1/48 kHz,
short audio, no audio. Written by PyAV in the test run (tests/media_fixtures.py); each outcome is asserted."""
import numpy as np
import pytest

from media_fixtures import pattern_frames, tone, write_media, set_rotation
from vab_nbdev.data import (read_frames, read_audio, read_clip, mux_audio, media_info, NoAudioStreamError, ClipTooShortError)

FPS, SR = 8, 16000


@pytest.fixture(scope='module')
def clip():
    return pattern_frames(32, 64, 64), tone(4, SR)


def _decoded(path) -> np.ndarray:
    "Every frame of the file as PyAV decodes it, in order: the reference for which frame is shown when (not for compression)."
    import av
    with av.open(str(path)) as c: return np.stack([fr.to_ndarray(format='rgb24') for fr in c.decode(video=0)])


def _same_frames(a, b, tol=6.0):
    "Frames equal up to H.264 noise, and each frame closer to its partner than to any other frame."
    a, b = a.astype(np.float32), b.astype(np.float32)
    d = np.abs(a[:, None] - b[None]).mean(axis=(2, 3, 4))  # (Fa, Fb)
    return bool((np.diag(d) < tol).all() and (np.diag(d) <= d.min(1) + 1e-6).all())  # ties: a frame shown twice


@pytest.mark.parametrize('fmt,start', [('mp4', 3.0), ('mpegts', 0.0), ('mpegts', 3.0), ('mpegts', 1.4)])
def test_start_time_is_clip_time_zero(tmp_path, clip, fmt, start):
    "A file whose streams start at `start` (MPEG-TS, -copyts cuts) reads exactly like the same clip starting at 0."
    frames, audio = clip
    ref = write_media(tmp_path / 'ref.mp4', frames, FPS, audio, SR)
    late = write_media(tmp_path / f'late.{fmt}', frames, FPS, audio, SR, fmt=fmt, start=start)
    f0, f1 = read_frames(ref, 4, 4, size=64), read_frames(late, 4, 4, size=64)
    assert _same_frames(f0, f1)
    a0, a1 = read_audio(ref, SR, 4), read_audio(late, SR, 4)
    assert np.corrcoef(a0, a1)[0, 1] > 0.999 and abs(np.sqrt((a1 ** 2).mean()) / np.sqrt((a0 ** 2).mean()) - 1) < 0.01


@pytest.mark.parametrize('degrees', [90, 180, 270])
def test_rotation_metadata_is_applied(tmp_path, degrees):
    "Phones store portrait video sideways with a display matrix: frames come back as a player shows them."
    f = pattern_frames(8, 32, 64)
    p = set_rotation(write_media(tmp_path / 'r.mp4', f, FPS), degrees)
    got = read_frames(p, FPS, 1)
    want = np.rot90(f, -degrees // 90, axes=(1, 2))                      # clockwise quarter turns
    assert got.shape == want.shape and _same_frames(got, want, tol=14)
    sq = read_frames(p, FPS, 1, size=32)                                   # the model's square crop of the shown picture
    assert sq.shape == (8, 32, 32, 3)


def test_odd_size_and_stream_copy(tmp_path):
    "An 854x478 video (not a multiple of 16) is read, cropped, and gets a new soundtrack without its packets changing."
    import av
    f = pattern_frames(16, 478, 854)
    src = write_media(tmp_path / 'odd.mp4', f, FPS, tone(2, 44100, 2), 44100)
    assert read_frames(src, 4, 2, size=64).shape == (8, 64, 64, 3)
    wav = tone(2, SR)[0]
    out = mux_audio(src, wav, SR, tmp_path / 'with_sound.mp4')
    info = media_info(out)
    assert (info['width'], info['height'], info['sample_rate']) == (854, 478, SR)
    with av.open(str(src)) as a, av.open(str(out)) as b:
        pa = [bytes(p) for p in a.demux(video=0) if p.size]; pb = [bytes(p) for p in b.demux(video=0) if p.size]
    assert pa == pb                                                        # the video is copied, not re-encoded
    assert np.corrcoef(read_audio(out, SR, 2), wav)[0, 1] > 0.99


def test_stereo_48k_and_29_97_fps(tmp_path):
    "Stereo 48 kHz audio is downmixed and resampled; a 29.97 fps video is sampled at the model's rate on the clip clock."
    f = pattern_frames(120, 64, 64)                                        # 4.004 s at 30000/1001 fps
    st = tone(4, 48000, 2)
    p = write_media(tmp_path / 'ntsc.mp4', f, 30000 / 1001, st, 48000)
    c = read_clip(p, fps=4, sample_rate=SR, seconds=4, size=64)
    assert c.frames.shape == (16, 64, 64, 3) and c.audio.shape == (4 * SR,)
    want = tone(4, SR)[0]
    assert np.corrcoef(c.audio, want)[0, 1] > 0.99
    idx = np.floor(np.arange(16) / 4 * 30000 / 1001 + 1e-6).astype(int)    # the frame on screen at each t = i / 4
    assert _same_frames(c.frames, _decoded(p)[idx], tol=3.0)


def test_variable_frame_rate(tmp_path):
    "VFR: frames held for uneven times; each sample time gets the frame that was on screen."
    f = pattern_frames(12, 64, 64)
    times = np.cumsum([0] + [0.1, 0.4, 0.2, 0.3, 0.05, 0.45, 0.25, 0.25, 0.5, 0.1, 0.4])  # 12 frames over 3 s
    p = write_media(tmp_path / 'vfr.mp4', f, 10, None, fmt='mp4', times=times)
    got = read_frames(p, 4, 3, size=64)
    assert _same_frames(got, _decoded(p)[[int(np.searchsorted(times, t + 1e-6, 'right') - 1) for t in np.arange(12) / 4]], tol=3.0)


def test_no_audio_and_short_audio(tmp_path):
    "No audio stream: a clear error naming the file. Audio shorter than the video: padded down to min_seconds, else an error."
    f = pattern_frames(32, 64, 64)
    silent = write_media(tmp_path / 'video_only.mp4', f, FPS)
    with pytest.raises(NoAudioStreamError, match='video_only.mp4.*no audio stream'): read_audio(silent, SR, 4)
    short = write_media(tmp_path / 'short_audio.mp4', f, FPS, tone(2.5, SR), SR)
    with pytest.raises(ClipTooShortError, match=r'short_audio.mp4: audio ends at 2.5\d s, expected at least 4.00 s'): read_audio(short, SR, 4)
    a = read_audio(short, SR, 4, min_seconds=2)
    assert a.shape == (4 * SR,) and np.abs(a[int(2.6 * SR):]).max() == 0 and np.abs(a[:2 * SR]).max() > 0.05
    with pytest.raises(ClipTooShortError, match='expected at least 3.00 s'): read_audio(short, SR, 4, min_seconds=3)


@pytest.mark.parametrize('seconds', [9.6, 30.0])
def test_long_and_fractional_lengths(tmp_path, seconds):
    "A 9.6 s and a 30 s file are read whole (frames and audio on one clock) and sampled at exact sizes."
    n = int(round(seconds * 4))
    p = write_media(tmp_path / f'len{seconds}.mp4', pattern_frames(n, 32, 32), 4, tone(seconds, SR), SR)
    assert read_frames(p, 4).shape[0] == n and abs(len(read_audio(p, SR)) - seconds * SR) <= 0.01 * SR


def test_codec_mp4_cannot_take_is_reencoded(tmp_path):
    "A VP8 .webm cannot be stream-copied into mp4: vab_generate's writer falls back to re-encoding and says so."
    import av
    from vab_nbdev.core import get_config
    from vab_nbdev.decoding import _write_outputs
    if 'libvpx' not in av.codecs_available: pytest.skip('this FFmpeg build has no libvpx encoder')
    p = tmp_path / 'clip.webm'
    with av.open(str(p), 'w') as out:
        vs = out.add_stream('libvpx', rate=8); vs.width, vs.height, vs.pix_fmt = 64, 64, 'yuv420p'
        for i, img in enumerate(pattern_frames(16, 64, 64)):
            f = av.VideoFrame.from_ndarray(img, format='rgb24'); f.pts = i; out.mux(vs.encode(f))
        out.mux(vs.encode())
    wav = tone(2, SR)[0]
    row = _write_outputs(dict(id='clip', video=p, feats_from_video=True), wav, SR, get_config('tiny'), tmp_path / 'out', True)
    assert row['mp4'] and 're-encoded' in row['mp4_note'], row
    assert media_info(row['mp4'])['sample_rate'] == SR and abs(media_info(row['mp4'])['duration'] - 2.0) < 0.2
