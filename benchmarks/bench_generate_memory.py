"""Peak memory and time of `vab_generate` on a long HD video (issue 14): 1280x720, 30 fps, 60 s, with the shipped
toy checkpoint. The video is written here by PyAV (a moving square on a gradient, x264 ultrafast); `vab_generate`
is run under /usr/bin/time and its peak RSS is reported.

    python benchmarks/bench_generate_memory.py [--seconds 60] [--out /tmp/vab_bench_mem]
"""
import argparse, json, platform, re, subprocess, sys, time
from fractions import Fraction
from pathlib import Path
import av, numpy as np

def write_video(path: Path, seconds: float, w: int = 1280, h: int = 720, fps: int = 30) -> Path:
    yy, xx = np.mgrid[0:h, 0:w]
    bg = np.stack([(xx * 255 // w), (yy * 255 // h), np.full_like(xx, 60)], -1).astype(np.uint8)
    with av.open(str(path), 'w') as out:
        vs = out.add_stream('libx264', rate=fps, options=dict(preset='ultrafast', crf='28'))
        vs.width, vs.height, vs.pix_fmt = w, h, 'yuv420p'
        for i in range(int(seconds * fps)):
            img = bg.copy(); x = int((i * 7) % (w - 160)); img[280:440, x:x + 160] = (230, 50, 40) if (i // fps) % 2 else (40, 90, 240)
            f = av.VideoFrame.from_ndarray(img, format='rgb24'); f.pts = i; f.time_base = Fraction(1, fps)
            out.mux(vs.encode(f))
        out.mux(vs.encode())
    return path

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--seconds', type=float, default=60.0); p.add_argument('--out', default='/tmp/vab_bench_mem')
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time(); vid = write_video(out / 'hd.mp4', a.seconds); t_write = time.time() - t0
    from vab_nbdev.pretrain import toy_checkpoint_dir
    ck = toy_checkpoint_dir()
    exe = Path(sys.executable).with_name('vab_generate')
    cmd = ['/usr/bin/time', '-v', str(exe), str(vid), '--checkpoint', str(ck), '--tokenizer', str(ck / 'tokenizer.pt'), '--out', str(out / 'gen'), '--quiet', '--device', 'cpu']
    r = subprocess.run(cmd, capture_output=True, text=True, env={'HF_HUB_OFFLINE': '1', 'PATH': '/usr/bin:/bin'})
    if r.returncode: sys.exit(r.stdout + r.stderr)
    rss_kb = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', r.stderr)[1])
    wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)', r.stderr)[1]
    rep = json.loads((out / 'gen' / 'report.json').read_text())
    from vab_nbdev.data import media_info
    info = media_info(rep['written'][0]['mp4'])
    res = dict(video=f'1280x720, 30 fps, {a.seconds:g} s', write_seconds=round(t_write, 1), peak_rss_gb=round(rss_kb / 2**20, 3), wall=wall,
               soundtrack_seconds=info['duration'], output=info, machine=platform.processor() or platform.machine(), python=platform.python_version())
    print(json.dumps(res, indent=1))

if __name__ == '__main__': main()
