"""Per-notebook size table (issue 16): markdown and code lines, output bytes (images, audio, text) at git revisions.

    python benchmarks/notebook_stats.py 789d07a HEAD          # a markdown table, one column pair per revision

Run times are not measured here: they come from pytest's --durations in CI (slow cells skipped) and from
executing the notebooks with their slow cells (see benchmarks/results/notebooks_cpu.md)."""
import json, subprocess, sys
from collections import defaultdict

def stats(rev: str) -> dict:
    names = subprocess.run(['git', 'ls-tree', '--name-only', rev, 'nbs/'], capture_output=True, text=True, check=True).stdout.split()
    out = {}
    for n in sorted(x for x in names if x.endswith('.ipynb')):
        nb = json.loads(subprocess.run(['git', 'show', f'{rev}:{n}'], capture_output=True, text=True, check=True).stdout)
        s = defaultdict(int)
        for c in nb['cells']:
            lines = len(''.join(c['source']).splitlines())
            s['md' if c['cell_type'] == 'markdown' else 'code'] += lines
            for o in c.get('outputs', []):
                for k, v in o.get('data', {}).items():
                    b = len(''.join(v) if isinstance(v, list) else json.dumps(v))
                    kind = 'png' if k.startswith('image/') else 'audio' if ('audio' in str(v)[:2000] and k == 'text/html') else 'text'
                    s[kind] += b
                if 'text' in o: s['text'] += len(''.join(o['text']))
        s['outputs'] = s['png'] + s['audio'] + s['text']
        out[n.split('/')[-1].removesuffix('.ipynb')] = dict(s)
    return out

if __name__ == '__main__':
    revs = sys.argv[1:] or ['HEAD']
    data = {r: stats(r) for r in revs}
    names = sorted(set().union(*(d.keys() for d in data.values())))
    hdr = ' | '.join(f'{r}: md / code lines | {r}: outputs kB (png / audio / text)' for r in revs)
    print(f'| notebook | {hdr} |'); print('|---' * (1 + 2 * len(revs)) + '|')
    tot = {r: defaultdict(int) for r in revs}
    for n in names:
        cells = []
        for r in revs:
            s = data[r].get(n)
            if s is None: cells += ['-', '-']; continue
            for k in ('md', 'code', 'png', 'audio', 'text', 'outputs'): tot[r][k] += s.get(k, 0)
            cells += [f"{s.get('md', 0)} / {s.get('code', 0)}", f"{s.get('outputs', 0) / 1e3:.0f} ({s.get('png', 0) / 1e3:.0f} / {s.get('audio', 0) / 1e3:.0f} / {s.get('text', 0) / 1e3:.0f})"]
        print(f"| {n} | {' | '.join(cells)} |")
    cells = []
    for r in revs:
        t = tot[r]; cells += [f"{t['md']} / {t['code']}", f"**{t['outputs'] / 1e3:.0f}** ({t['png'] / 1e3:.0f} / {t['audio'] / 1e3:.0f} / {t['text'] / 1e3:.0f})"]
    print(f"| all | {' | '.join(cells)} |")
