"Installs vab_nbdev from settings.ini (nbdev 2 layout; packaging.version instead of pkg_resources)."
from configparser import ConfigParser
from packaging.version import Version
import setuptools, shlex

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
Version(cfg['version'])  # fail early on a malformed version

def _reqs(key): return shlex.split(cfg.get(key, '').strip())
# every `<name>_requirements` key of settings.ini is an extra: dev (nbdev, pytest, ...), dac (the DAC codec), ...
_extras = {k[:-len('_requirements')]: _reqs(k) for k in cfg if k.endswith('_requirements') and k != 'requirements'}

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'],
    long_description=open('README.md', encoding='utf-8').read(), long_description_content_type='text/markdown',
    author=cfg['author'], author_email=cfg['author_email'], license='Apache-2.0', url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True, python_requires='>=' + cfg['min_python'],
    install_requires=_reqs('requirements'), extras_require=_extras,
    entry_points={'console_scripts': _reqs('console_scripts'), 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False)
