"Media files with the odd properties real videos have, written by PyAV in the test run (no ffmpeg CLI needed)."
import struct
from fractions import Fraction
from pathlib import Path
import av, numpy as np

def pattern_frames(n: int, h: int, w: int, seed: int = 0) -> np.ndarray:
    "n frames (n, h, w, 3) uint8: frame i shows i in binary (8 bright or dark blocks along the bottom), a blue top-left corner."
    rng = np.random.default_rng(seed)
    f = np.broadcast_to(rng.integers(20, 60, (1, 1, w, 3), dtype=np.uint8), (n, h, w, 3)).copy()  # stripes, the same in every frame
    bw = w // 8
    for i in range(n):
        for b in range(8): f[i, h - h // 3:, b * bw:(b + 1) * bw] = 250 if (i >> b) & 1 else 0
        f[i, : h // 4, : w // 4] = (40, 40, 250)
    return f

def tone(seconds: float, sr: int, channels: int = 1, f0: float = 440.0) -> np.ndarray:
    "A (channels, S) float32 test signal: a tone whose level steps up each second (so an offset shows)."
    t = np.arange(int(round(seconds * sr))) / sr
    y = 0.05 * (1 + np.floor(t)) / (1 + np.floor(seconds)) * np.sin(2 * np.pi * f0 * t) * 4
    return np.repeat(y[None].astype(np.float32), channels, 0)

def write_media(path, frames=None, fps=8.0, audio=None, sample_rate=16000, fmt='mp4', start=0.0, times=None) -> Path:
    """Write frames (n, h, w, 3) and/or audio (channels, S) with streams starting at `start` seconds.
    `times`: per-frame presentation times in seconds (variable frame rate); `fmt`: 'mp4' or 'mpegts'."""
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), 'w', format=fmt) as out:
        vs = as_ = None
        if frames is not None:
            rate = Fraction(fps).limit_denominator(1001)
            vs = out.add_stream('libx264', rate=rate); vs.width, vs.height, vs.pix_fmt = frames.shape[2], frames.shape[1], 'yuv420p'
            tb = Fraction(1, 90000)  # exact for any start time and frame rate
            vs.codec_context.time_base = tb
        if audio is not None:
            as_ = out.add_stream('aac', rate=sample_rate); as_.layout = 'stereo' if audio.shape[0] == 2 else 'mono'
        if vs is not None:
            for i, img in enumerate(frames):
                vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format='rgb24').reformat(format='yuv420p')
                t = (times[i] if times is not None else i / float(rate)) + start
                vf.pts, vf.time_base = int(round(t / tb)), tb
                out.mux(vs.encode(vf))
            out.mux(vs.encode())
        if as_ is not None:
            af = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio.astype(np.float32)), format='fltp', layout=as_.layout.name)
            af.sample_rate, af.pts, af.time_base = sample_rate, int(round(start * sample_rate)), Fraction(1, sample_rate)
            out.mux(as_.encode(af)); out.mux(as_.encode())
    return path

def set_rotation(path, degrees: int) -> Path:
    "Patch the mp4's video track header matrix so players rotate it `degrees` clockwise, as phones do for portrait video."
    b = bytearray(Path(path).read_bytes()); i = b.find(b'tkhd'); assert i > 0, 'no tkhd box'
    one, m = 0x10000, {90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0), 0: (1, 0, 0, 1)}[degrees % 360]
    a, bb, c, d = (v * one for v in m)
    off = i - 4 + (48 if b[i + 4] == 0 else 60)  # matrix offset from the box start, version 0 / 1 header
    b[off:off + 36] = struct.pack('>9i', a, bb, 0, c, d, 0, 0, 0, 0x40000000)
    Path(path).write_bytes(bytes(b)); return Path(path)
