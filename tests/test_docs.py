"""Offline docs check. Quarto cannot be installed here (../shared/ENV.md), so we run nbdev's own notebook
processing (what `nbdev_proc_nbs`/`nbdev_docs` do before Quarto) and convert each processed notebook to HTML
with nbconvert, checking that its figures and audio players survive."""
import json, shutil
from pathlib import Path
import nbformat, pytest
from nbconvert import HTMLExporter
from _gate import copy_repo

NBS = Path(__file__).resolve().parents[1] / 'nbs'
NOTEBOOKS = sorted(p.name for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.fixture(scope='module')
def processed(tmp_path_factory):
    "Run nbdev's docs processing (without its Quarto install step) on a copy of the repo."
    import os
    from nbdev.serve import proc_nbs
    root = copy_repo(tmp_path_factory.mktemp('repo'))
    cwd = os.getcwd(); os.chdir(root)
    try: proc_nbs(path=str(root / 'nbs'), n_workers=0, force=True)
    finally: os.chdir(cwd)
    return root / '_proc'

def _outputs(nb, key):
    return sum(key in o.get('data', {}) for c in nb['cells'] if c['cell_type'] == 'code' for o in c.get('outputs', []))

def _to_html(path: Path) -> str:
    d = json.loads(path.read_text())
    d.get('metadata', {}).pop('execution', None)
    for c in d['cells']: c.pop('has_sd', None)  # nbdev's extra keys that nbformat's schema rejects
    body, _ = HTMLExporter().from_notebook_node(nbformat.reads(json.dumps(d), as_version=4))
    return body

@pytest.mark.parametrize('name', NOTEBOOKS)
def test_page_converts_with_figures_and_players(processed, name):
    src = json.loads((NBS / name).read_text())
    html = _to_html(processed / name)
    n_png, n_audio = _outputs(src, 'image/png'), sum('<audio' in ''.join(o.get('data', {}).get('text/html', ''))
                                                         for c in src['cells'] for o in c.get('outputs', []))
    assert html.count('data:image/png') >= n_png, f'{name}: {n_png} figures in the notebook, fewer in the page'
    assert html.count('<audio') >= n_audio, f'{name}: {n_audio} audio players in the notebook, fewer in the page'
    title = next(c for c in src['cells'] if c['cell_type'] == 'markdown')['source']
    assert ''.join(title).startswith('# '), f'{name}: the first markdown cell must be the page title'

def test_readme_quick_start_matches_index():
    "README.md is made from nbs/index.ipynb: its quick-start commands must be the same, and .ci/run must run the test command."
    root = NBS.parent
    idx = ''.join(''.join(c['source']) for c in json.loads((NBS / 'index.ipynb').read_text())['cells'])
    cmds = [l.strip() for l in idx.split('```sh')[1].split('```')[0].splitlines() if l.strip()]
    assert len(cmds) == 2, cmds
    readme = (root / 'README.md').read_text()
    for c in cmds: assert c in readme, f'README.md is stale: missing {c!r}'
    assert cmds[1] in (root / '.ci' / 'run').read_text(), '.ci/run must run the README test command'
