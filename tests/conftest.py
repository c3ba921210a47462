"Test-wide settings: offline, headless, quiet."
import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')   # no hub look-ups (open_clip would retry for tens of seconds)
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('PYTHONWARNINGS', 'ignore')

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
