"""Every console script in settings.ini is installed, starts, and answers `--help` with exit status 0.
A module that cannot import (a broken torch stack, a syntax error, a missing dependency) fails here by name."""
import os, subprocess, sys
from configparser import ConfigParser
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def console_scripts() -> dict:
    "name -> 'module:function' from settings.ini."
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT / 'settings.ini', encoding='utf-8')
    return dict(s.split('=', 1) for s in cfg['DEFAULT']['console_scripts'].split())

SCRIPTS = console_scripts()

@pytest.fixture(scope='module')
def helps():
    "Start every `<script> --help` at once (each imports torch: in parallel they take one import's time), then collect them."
    env = dict(os.environ, HF_HUB_OFFLINE='1', MPLBACKEND='Agg')
    procs = {n: subprocess.Popen([str(BIN / n), '--help'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for n in SCRIPTS if (BIN / n).exists()}
    return {n: (p.wait(timeout=300), *p.communicate()) for n, p in procs.items()}

def test_settings_lists_the_scripts():
    assert len(SCRIPTS) >= 7 and all(':' in t for t in SCRIPTS.values()), SCRIPTS

@pytest.mark.parametrize('name', sorted(SCRIPTS))
def test_script_answers_help(helps, name):
    assert name in helps, f'{name} is not installed in {BIN}: reinstall with pip install -c lock.txt -e ".[dev]"'
    rc, out, err = helps[name]
    assert rc == 0, f'{name} --help exited {rc} ({SCRIPTS[name]}):\n{err[-3000:]}'
    assert out.startswith('usage:'), f'{name} --help printed no usage line:\n{out[:500]}'
