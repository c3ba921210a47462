"`torch.compile(model, fullgraph=True)` (inductor, CPU) gives the eager logits at the tiny preset: the model is one graph."
import shutil
import pytest
import torch

pytestmark = pytest.mark.skipif(not (shutil.which('g++') or shutil.which('cc')),
                                reason='inductor on CPU compiles C++: no C++ compiler (g++ or cc) on PATH')


def _tiny(B=2, T=40, seed=0):
    from vab_nbdev.core import get_config
    from vab_nbdev.model import VAB
    cfg = get_config('tiny').model
    torch.manual_seed(seed)
    model = VAB(cfg).eval()
    g = torch.Generator().manual_seed(seed)
    codes = torch.randint(0, cfg.V + 1, (B, cfg.K, T), generator=g)           # MASK = V included
    feats = torch.randn(B, 4, cfg.d_vis, generator=g)                          # 4 frames = 1 s, as T = 40 audio frames at 50 Hz
    return model, codes, feats


def test_compile_fullgraph_matches_eager():
    model, codes, feats = _tiny()
    n_valid, drop = torch.tensor([40, 23]), torch.tensor([False, True])
    compiled = torch.compile(model, fullgraph=True, backend='inductor', dynamic=False)
    with torch.no_grad():
        eager, comp = model(codes, feats, drop, n_valid), compiled(codes, feats, drop, n_valid)
    assert comp.shape == eager.shape and comp.dtype == torch.float32
    torch.testing.assert_close(comp, eager, atol=1e-4, rtol=1e-4)
