"Every result a page quotes is one the project printed: 3-decimal numbers in markdown must be traceable (issue 16)."
import glob, json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NUM = re.compile(r'(?<![\d.])\d+\.\d{3}(?!\d)')  # 0.813, 12.345: how results are quoted; 0.5 or 1e-3 are settings

def _bench() -> str:
    return ' '.join(Path(f).read_text() for f in sorted(glob.glob(str(ROOT / 'benchmarks/results/*'))) if f.endswith(('.md', '.json')))

def _parts(path):
    "(markdown text, code + outputs text) of a notebook."
    nb, md, rest = json.loads(Path(path).read_text()), [], []
    for c in nb['cells']:
        s = ''.join(c['source'])
        if c['cell_type'] == 'markdown': md.append(s); continue
        rest.append(s)
        for o in c.get('outputs', []):
            rest.append(''.join(o.get('text', '')))
            for k, v in o.get('data', {}).items():
                if k.startswith('text/'): rest.append(''.join(v) if isinstance(v, list) else v)
    return '\n'.join(md), '\n'.join(rest)

def test_notebook_numbers_are_printed_or_benchmarked():
    bench, bad = _bench(), {}
    every_output = ' '.join(_parts(p)[1] for p in glob.glob(str(ROOT / 'nbs/*.ipynb')))
    for p in sorted(glob.glob(str(ROOT / 'nbs/*.ipynb'))):
        md, rest = _parts(p)
        if p.endswith('index.ipynb'): rest = every_output  # the home page (= README) quotes every notebook
        miss = sorted({n for n in NUM.findall(md) if n not in rest and n not in bench})
        if miss: bad[Path(p).name] = miss
    assert not bad, f"markdown quotes numbers that neither the notebook's outputs nor benchmarks/results show: {bad}"

def test_readme_numbers_are_printed_or_benchmarked():
    everything = _bench() + ' '.join(_parts(p)[1] for p in glob.glob(str(ROOT / 'nbs/*.ipynb')))
    miss = sorted({n for n in NUM.findall((ROOT / 'README.md').read_text()) if n not in everything})
    assert not miss, f"README quotes numbers no notebook output or benchmark result shows: {miss}"
