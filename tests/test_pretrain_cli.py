"""`vab_train` end to end: --help, a short run that writes a log and a checkpoint, exact resume through the CLI
(batches built in the loop, then by DataLoader workers over the memory-mapped cache), and DDP (2 CPU processes,
gloo, launched by torchrun) matching one process with the same global batch, held-out scores included."""
import csv, os, shutil, socket, subprocess, sys
from pathlib import Path

import pytest
import torch

from vab_nbdev.pretrain import load_model
from vab_nbdev.prepare import prepare_toy

ROOT = Path(__file__).resolve().parents[1]


def _env():
    pp = os.pathsep.join([str(ROOT)] + ([os.environ['PYTHONPATH']] if os.environ.get('PYTHONPATH') else []))
    return dict(os.environ, HF_HUB_OFFLINE='1', PYTHONWARNINGS='ignore', PYTHONPATH=pp, OMP_NUM_THREADS='1')


def _vab_train() -> str:
    exe = shutil.which('vab_train') or str(Path(sys.executable).with_name('vab_train'))
    assert Path(exe).exists(), 'the vab_train console script is not installed (pip install -e .)'
    return exe


def _run(cmd, timeout=600):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=_env(), timeout=timeout)
    assert r.returncode == 0, f'{cmd} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}'
    return r


def _losses(run_dir, col='loss'):
    return [float(r[col]) for r in csv.DictReader(open(Path(run_dir) / 'log.csv')) if r[col] != '']


@pytest.fixture(scope='module')
def cache(tmp_path_factory):
    return prepare_toy(tmp_path_factory.mktemp('cache') / 'toy', n_train=24, n_test=8, seed=0)


# a few tiny steps, every step logged, on the CPU
ARGS = ['--batch-size', '8', '--max-steps', '4', '--warmup-steps', '2', '--log-every', '1', '--eval-every', '2',
        '--device', 'cpu', '--quiet']


def test_help():
    from conftest import run_main
    rc, out, _ = run_main('pretrain', '--help'); assert rc == 0
    for s in ('--preset', '--resume', '--max-steps', '--stop-at', '--batch-size', '--lr', '--compile', '--no-bf16',
              '--seed', '--device', '--workers', 'tiny:', 'small:', 'paper:'):
        assert s in out, s


def test_run_writes_checkpoint_and_log_and_resumes_exactly(cache, tmp_path):
    _run([_vab_train(), cache, tmp_path / 'full', *ARGS, '--workers', '0'])  # every batch built in the training loop
    full = tmp_path / 'full'
    assert (full / 'latest').read_text() == 'step_000004'
    rows = list(csv.DictReader(open(full / 'log.csv')))
    assert [int(r['step']) for r in rows] == [1, 2, 3, 4]
    assert {'loss', 'masked_acc', 'lr', 'tokens_per_s', 'elapsed', 'eval_acc'} <= set(rows[0])
    assert rows[1]['eval_acc'] != '' and rows[0]['eval_acc'] == ''
    model, cfg = load_model(full)
    assert cfg.train.batch_size == 8 and model.num_params() > 0

    # 2 steps, stop, resume for the remaining 2, batches built by 1 then 2 DataLoader workers: the same losses,
    # held-out scores and weights (bit for bit) as the uninterrupted run
    _run([_vab_train(), cache, tmp_path / 'split', *ARGS, '--stop-at', '2', '--workers', '1'])
    assert (tmp_path / 'split' / 'latest').read_text() == 'step_000002'
    _run([_vab_train(), cache, tmp_path / 'split', *ARGS, '--resume', '--workers', '2'])
    for col in ('loss', 'masked_acc', 'eval_loss', 'eval_acc'): assert _losses(tmp_path / 'split', col) == _losses(full, col), col
    a, b = load_model(tmp_path / 'split')[0].state_dict(), model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_ddp_two_cpu_processes_match_one(cache, tmp_path):
    script = tmp_path / 'train.py'
    script.write_text('from vab_nbdev.pretrain import main\nmain()\n')
    fp32 = ['--no-bf16']  # the equality is fp32's: bf16 (on CPUs that have it) rounds differently for each split of the batch
    _run([sys.executable, script, cache, tmp_path / 'one', *ARGS, *fp32, '--workers', '1'])
    _run([sys.executable, '-m', 'torch.distributed.run', '--nnodes', '1', '--nproc_per_node', '2',
          '--master_addr', '127.0.0.1', '--master_port', _free_port(), script, cache, tmp_path / 'two', *ARGS, *fp32, '--workers', '1'])
    l1, l2 = _losses(tmp_path / 'one'), _losses(tmp_path / 'two')
    assert len(l1) == len(l2) == 4
    assert max(abs(x - y) for x, y in zip(l1, l2)) < 1e-4, (l1, l2)
    e1, e2 = [_losses(tmp_path / d, 'eval_loss') + _losses(tmp_path / d, 'eval_acc') for d in ('one', 'two')]
    assert len(e1) == len(e2) == 4 and max(abs(x - y) for x, y in zip(e1, e2)) < 1e-4, (e1, e2)  # each rank scored half the clips
    a, b = load_model(tmp_path / 'one')[0].state_dict(), load_model(tmp_path / 'two')[0].state_dict()
    diff = {k: (a[k] - b[k]).abs().max().item() for k in a}
    assert max(diff.values()) < 1e-4, sorted(diff.items(), key=lambda kv: -kv[1])[:5]
