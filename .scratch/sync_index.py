"Copy README sections into nbs/index.ipynb cells (links lose their `nbs/` prefix). --check compares only."
import json, sys, subprocess
HEADS = {4: ('## The notebooks, in reading order', '## What the demo measures'), 5: ('## What the demo measures', '## Developing')}
def section(readme, a, b): return readme[readme.index(a):readme.index(b)].rstrip('\n').replace('](nbs/', '](')
def main(readme, check=False):
    p = 'nbs/index.ipynb'; nb = json.load(open(p)); ok = True
    for i, (a, b) in HEADS.items():
        want = section(readme, a, b); have = ''.join(nb['cells'][i]['source'])
        if want != have: ok = False; print(f'cell {i} differs')
        nb['cells'][i]['source'] = want.splitlines(keepends=True)
    if not check:
        with open(p, 'w') as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write('\n')
    return ok
if __name__ == '__main__':
    if sys.argv[1:] == ['--check-head']:
        print('HEAD README matches index:', main(subprocess.run(['git', 'show', 'HEAD:README.md'], capture_output=True, text=True).stdout, check=True))
    else: main(open('README.md').read())
