"Test-wide settings: offline, headless, quiet."
import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')   # no hub look-ups (open_clip would retry for tens of seconds)
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('PYTHONWARNINGS', 'ignore')
