"Every notebook runs top to bottom as one pytest test (nbdev's `test_nb`), skipping `cuda`/`slow`/`notest` cells."
import time
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_notebook  # renamed so pytest does not collect it

NBS = Path(__file__).resolve().parents[1] / 'nbs'
NOTEBOOKS = sorted(p.name for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
SKIP_FLAGS = ['notest', 'slow', 'cuda']  # settings.ini tst_flags: CI has no GPU and a time budget

@pytest.mark.parametrize('name', NOTEBOOKS)
def test_notebook(name):
    ok, secs = run_notebook(NBS / name, skip_flags=SKIP_FLAGS, showerr=True)
    print(f'{name}: {secs:.1f}s')
    assert ok, f'{name} failed (traceback above)'
