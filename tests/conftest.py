"Test-wide settings: offline, headless, quiet."
import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')   # no hub look-ups (open_clip would retry for tens of seconds)
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('PYTHONWARNINGS', 'ignore')
if os.environ.get('PYTEST_XDIST_WORKER'):           # `pytest -n 2`: one process per core, one thread each
    os.environ.setdefault('OMP_NUM_THREADS', '1')

def tiny_run(root, n_train: int, n_test: int, batch_size: int, steps: int = 3):
    "A toy cache and a `steps`-step tiny pre-training run under `root` (for CLI tests) -> (cache, run folder, checkpoint)."
    from vab_nbdev.core import get_config
    from vab_nbdev.prepare import prepare_toy
    from vab_nbdev.pretrain import pretrain
    cache = prepare_toy(root / 'cache', n_train=n_train, n_test=n_test, seed=0)
    cfg = get_config('tiny')
    cfg.train.batch_size, cfg.train.max_steps, cfg.train.warmup_steps, cfg.train.log_every = batch_size, steps, 1, 1
    cfg.train.eval_every = cfg.train.ckpt_every = steps
    return cache, root / 'run', pretrain(cfg, cache, root / 'run', progress=False)['checkpoint']

def run_main(module: str, *args) -> tuple[int, str, str]:
    """`vab_nbdev.<module>.main(args)` in this process -> (exit status, stdout, stderr). For `--help` and argument
    errors: no interpreter start-up and torch import per call (tests/test_entry_points.py starts the real scripts)."""
    import contextlib, importlib, io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: rc = importlib.import_module(f'vab_nbdev.{module}').main([str(a) for a in args]) or 0
        except SystemExit as e: rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return rc, out.getvalue(), err.getvalue()

# The longest tests first (measured by `.ci/run`'s --durations). `-n 2 --maxschedchunk 1` hands tests out one at a time
# in collection order, so a long test collected last would leave the other worker idle while it runs. (Without
# --maxschedchunk, xdist's first hand-out is a block of 12 tests per worker: all of these went to one and cost 130 s.)
# A module-scoped fixture is built once in each worker that runs a test of its module; `--dist loadgroup` would keep
# such a module on one worker, but with pytest 9.2 it silently stops grouping (pytest-xdist issue 1386).
# Only tests of modules without a module-scoped fixture are listed, so each worker still runs a module's tests together.
SLOW_FIRST = ('test_notebook[07_finetune', 'test_notebook[04_pretrain', 'test_notebook[05_decoding', 'test_same_seed_same_metrics_and_resume', 'test_notebook[08_demo', 'test_notebook[09_tutorial',
              'test_guide_runs_as_written', 'test_notebook[02a_audio_tokenizers', 'test_notebook[05b_two_stage', 'test_tuned_allocator_reuses_pages',
              'test_two_stage_variant', 'test_notebook[06_metrics', 'test_compile_fullgraph_matches_eager')

def pytest_collection_modifyitems(items):
    rank = lambda item: next((i for i, s in enumerate(SLOW_FIRST) if s in item.nodeid), len(SLOW_FIRST))
    items.sort(key=rank)  # stable: the rest keep pytest's order
