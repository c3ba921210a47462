"The nbdev gate: does `nbdev_export` or `nbdev_clean` change anything in a copy of the repo?"
import os, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def copy_repo(dest: Path) -> Path:
    "Copy what the gate needs (settings, notebooks, library) into `dest`."
    for f in ('settings.ini', '_quarto.yml'): shutil.copy(ROOT / f, dest / f)
    shutil.copytree(ROOT / 'nbs', dest / 'nbs', symlinks=True, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    shutil.copytree(ROOT / 'vab_nbdev', dest / 'vab_nbdev', ignore=shutil.ignore_patterns('__pycache__'))
    return dest

def _env() -> dict:
    "This process's environment without IN_TEST: nbdev's `test_nb` sets it for good, and `nbdev_export` does nothing under it."
    return {k: v for k, v in os.environ.items() if k != 'IN_TEST'}

def _snapshot(folder: Path, pattern: str) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob(pattern)) if '__pycache__' not in p.parts}

def _changed(before: dict, after: dict) -> list:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

def export_drift(root: Path) -> list:
    "Library files that `nbdev_export` in `root` would change, add or remove."
    before = _snapshot(root / 'vab_nbdev', '*.py')
    subprocess.run([str(BIN / 'nbdev_export')], cwd=root, check=True, capture_output=True, env=_env())
    return _changed(before, _snapshot(root / 'vab_nbdev', '*.py'))

def clean_drift(root: Path) -> list:
    "Notebooks that `nbdev_clean` in `root` would change."
    before = _snapshot(root / 'nbs', '*.ipynb')
    subprocess.run([str(BIN / 'nbdev_clean')], cwd=root, check=True, capture_output=True, env=_env())
    return _changed(before, _snapshot(root / 'nbs', '*.ipynb'))
