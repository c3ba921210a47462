"""Every command of nbs/guide_vggsound.md, run as written on a tiny fixture: the toy dataset in VGGSound's layout
instead of /data/vggsound, the tiny preset instead of paper, CPU instead of CUDA, 2 torchrun ranks (gloo) instead
of 8, a few steps instead of an epoch, and the offline probe instead of VGGish (whose weights are not here).
Each substitution is listed in SUBS; a command the guide adds without a rule here fails the test."""
import csv, json, os, re, shlex, shutil, socket, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / 'nbs' / 'guide_vggsound.md'
BIN = Path(sys.executable).parent


def guide_commands() -> list[str]:
    "The shell commands of the guide's ```sh blocks, in order."
    blocks = re.findall(r'```sh\n(.*?)```', GUIDE.read_text(), re.S)
    return [l.strip() for b in blocks for l in b.splitlines() if l.strip() and not l.strip().startswith('#')]


def _port() -> str:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return str(s.getsockname()[1])


def test_guide_commands_exist():
    import configparser
    cp = configparser.ConfigParser(); cp.read(ROOT / 'settings.ini')
    scripts = {s.split('=', 1)[0] for s in cp['DEFAULT']['console_scripts'].split()}
    cmds = guide_commands()
    assert len(cmds) >= 7, cmds
    for c in cmds:
        prog = shlex.split(c)[0]
        assert prog in scripts | {'torchrun'}, f'{prog}: not a console script of this package ({c})'
        if prog == 'torchrun': assert '$(which vab_train)' in c or 'vab_train' in c, c


def test_guide_runs_as_written(tmp_path):
    from vab_nbdev.synth import SynthConfig, make_dataset
    media = tmp_path / 'vggsound'
    csv_path = make_dataset(media, SynthConfig(n_train=24, n_test=8, seed=0), progress=False)
    exe = lambda name: str(BIN / name) if (BIN / name).exists() else shutil.which(name)
    SUBS = [('/data/vggsound/vggsound.csv', str(csv_path)), ('/data/vggsound/video', str(media / 'video')),
            ('/data/vab_cache_paper', str(tmp_path / 'cache')), ('runs/', f'{tmp_path}/runs/'), ('gen/', f'{tmp_path}/gen/'),
            ('--preset paper', '--preset tiny'), ('--device cuda', '--device cpu'), (' --compile', ''),
            ('"$(which vab_train)"', exe('vab_train')), ('--nproc_per_node 8', f'--nproc_per_node 2 --master_addr 127.0.0.1 --master_port {_port()}'),
            ('--embedder vggish', f'--embedder probe --train-probe-on {csv_path}')]
    EXTRA = {'vab_train': '--max-steps 4 --batch-size 8 --warmup-steps 2 --eval-every 2 --ckpt-every 2 --quiet',
             'torchrun': '--max-steps 6 --batch-size 8 --warmup-steps 2 --eval-every 2 --ckpt-every 2 --quiet --resume',
             'vab_prepare': '--quiet', 'vab_generate': '--quiet --batch-size 4',
             'vab_finetune contrastive': '--steps 2 --batch-size 8 --device cpu --quiet', 'vab_finetune classify': '--probe-steps 5 --transfer-steps 3 --device cpu --quiet'}
    env = dict(os.environ, HF_HUB_OFFLINE='1', PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1')
    for c in guide_commands():
        for a, b in SUBS: c = c.replace(a, b)
        key = next((k for k in sorted(EXTRA, key=len, reverse=True) if c.startswith(k) or c.split()[0] == k), None)
        argv = shlex.split(c) + (shlex.split(EXTRA[key]) if key else [])
        if argv[0] == 'torchrun': argv = [sys.executable, '-m', 'torch.distributed.run', *argv[1:]]
        else: argv[0] = exe(argv[0])
        r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
        assert r.returncode == 0, f'{c}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}'
    run = tmp_path / 'runs' / 'vab_paper'
    assert (run / 'latest').read_text() == 'step_000006'                     # 4 steps alone, then 2 more on 2 ranks
    steps = [int(r['step']) for r in csv.DictReader(open(run / 'log.csv'))]
    assert steps[-1] == 6
    gen = json.loads((tmp_path / 'gen' / 'report.json').read_text())
    assert len(gen['written']) == 8 and all(w['mp4'] for w in gen['written'])  # the cache's test split, each with its video
    ev = json.loads((tmp_path / 'gen' / 'eval.json').read_text())
    assert ev['n_pairs'] == 8 and ev['errors'] == [] and ev['duplicates'] == {} and ev['seconds'] == 4.0
    assert (tmp_path / 'runs' / 'vab_paper_cls').exists()
