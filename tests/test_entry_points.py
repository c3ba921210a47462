"""Every console script in settings.ini is installed, starts, and answers `--help` with exit status 0.
A module that cannot import (a broken torch stack, a syntax error, a missing dependency) fails here by name."""
import os, subprocess, sys
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def console_scripts() -> dict:
    "name -> 'module:function' from settings.ini."
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT / 'settings.ini', encoding='utf-8')
    return dict(s.split('=', 1) for s in cfg['DEFAULT']['console_scripts'].split())

SCRIPTS = console_scripts()

def test_settings_lists_the_scripts():
    assert len(SCRIPTS) >= 7 and all(':' in t for t in SCRIPTS.values()), SCRIPTS

def test_every_script_answers_help():
    """Start every `<script> --help` at once (each imports torch: in parallel they take one import's time), then check
    them all and name every script that failed. One test, not one per script: under `pytest -n 2` a module-scoped
    fixture shared by per-script tests would start all of them in each worker."""
    env = dict(os.environ, HF_HUB_OFFLINE='1', MPLBACKEND='Agg')
    missing = [n for n in sorted(SCRIPTS) if not (BIN / n).exists()]
    assert not missing, f'{missing} not installed in {BIN}: reinstall with pip install -c lock.txt -e ".[dev]"'
    procs = {n: subprocess.Popen([str(BIN / n), '--help'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for n in sorted(SCRIPTS)}
    bad = []
    for n, p in procs.items():
        out, err = p.communicate(timeout=300)
        if p.returncode != 0: bad.append(f'{n} --help exited {p.returncode} ({SCRIPTS[n]}):\n{err[-3000:]}')
        elif not out.startswith('usage:'): bad.append(f'{n} --help printed no usage line:\n{out[:500]}')
    assert not bad, '\n\n'.join(bad)
