"CI gate: notebooks are committed clean and the library is exactly what `nbdev_export` makes of them."
import json
from pathlib import Path
from _gate import copy_repo, export_drift, clean_drift

def test_library_in_sync_with_notebooks(tmp_path):
    drift = export_drift(copy_repo(tmp_path))
    assert not drift, f"vab_nbdev/ is out of sync with nbs/: nbdev_export changes {drift}. Run nbdev_export and commit."

def test_notebooks_are_clean(tmp_path):
    drift = clean_drift(copy_repo(tmp_path))
    assert not drift, f"notebooks not clean: nbdev_clean changes {drift}. Run nbdev_clean and commit."

# The gate must be able to fail: check it on deliberately broken copies.
def test_gate_catches_unexported_change(tmp_path):
    root = copy_repo(tmp_path)
    nb = root / 'nbs' / '00_core.ipynb'
    d = json.loads(nb.read_text())
    cell = next(c for c in d['cells'] if c['cell_type'] == 'code' and '#| export' in ''.join(c['source']) and 'def get_device' in ''.join(c['source']))
    cell['source'] = [s.replace('def get_device', 'def get_device_renamed') for s in cell['source']]
    nb.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')
    assert 'core.py' in export_drift(root)

def test_gate_catches_execution_counts(tmp_path):
    root = copy_repo(tmp_path)
    nb = root / 'nbs' / '00_core.ipynb'
    d = json.loads(nb.read_text())
    next(c for c in d['cells'] if c['cell_type'] == 'code')['execution_count'] = 7
    nb.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')
    assert '00_core.ipynb' in clean_drift(root)

def _semicolon_cells(nb_path: Path) -> list[int]:
    d = json.loads(nb_path.read_text())
    return [i for i, c in enumerate(d['cells']) if c['cell_type'] == 'code' and ''.join(c['source']).rstrip().endswith(';')]

def test_no_cell_ends_with_a_semicolon():
    "execnb (nbdev's runner) drops *every* output of a cell whose last line ends with ';' (prints and figures too), so such a cell keeps stale outputs."
    bad = {p.name: _semicolon_cells(p) for p in sorted((Path(__file__).resolve().parents[1] / 'nbs').glob('*.ipynb'))}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"cells ending with ';' (end with plt.show() or `_ = ...` instead): {bad}"

def test_semicolon_check_can_fail(tmp_path):
    from execnb.shell import CaptureShell
    test_outs = CaptureShell().run("print('seen');")
    assert test_outs == [], 'execnb no longer drops the output of a trailing semicolon: this check can go'
    p = tmp_path / 'x.ipynb'
    p.write_text(json.dumps(dict(cells=[dict(cell_type='code', source=['plt.plot([1]);'], metadata={}, outputs=[])])))
    assert _semicolon_cells(p) == [0]
