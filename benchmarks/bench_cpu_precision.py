"""Precision against speed on a CPU: attention in fp32 under bf16 autocast (03's `attn_dtype`), and bf16 decoding (05's `decode_autocast`).

What is measured, at the tiny preset's shapes (B = 32 clips, L = F + T = 250 positions, 4 heads of 32):

1. `scaled_dot_product_attention`, forward + backward of one layer, q/k/v cut from a fused (B, L, 3D) projection as
   `Attention` does, in bf16 and in fp32 (PyTorch's CPU flash kernel in both).
2. A whole `train_step` of a fresh tiny model under bf16 autocast, with attention in autocast's dtype (bf16, the
   code before session 15) and in fp32 (`attn_dtype`), interleaved round by round so that both see the same
   machine load; the median over the rounds.
3. A guided forward (`guided_logits`, w = 1.5, one 2B batch) of a model pre-trained by the demo, in fp32 and under
   `decode_autocast`, and how often the two pick the same argmax token.

bf16 only helps on CPUs that compute it natively (AMX, AVX512-BF16); elsewhere `decode_autocast` and training's
autocast are no-ops and this script says so.

Usage:
  python benchmarks/bench_cpu_precision.py [--ckpt DEMO_OUT/pretrain/latest] [--json OUT.json]
Without --ckpt part 3 uses a randomly initialised model (the speed holds, the agreement is less telling).
"""
import argparse, json, platform, statistics, time
import torch, torch.nn.functional as F_
import vab_nbdev.model as M
from vab_nbdev.core import get_config, cpu_has_bf16
from vab_nbdev.model import VAB
from vab_nbdev.pretrain import make_optimizer, make_scheduler, train_step, draw_batch, load_model
from vab_nbdev.decoding import guided_logits, decode_autocast

def _time(fn, n):
    fn(); t0 = time.perf_counter()
    for _ in range(n): fn()
    return (time.perf_counter() - t0) / n

def sdpa_layer(dtype, B=32, H=4, L=250, d=32, n=10):
    qkv = torch.randn(B, L, 3 * H * d, dtype=dtype, requires_grad=True)
    bias = torch.randn(1, H, L, L).to(dtype)
    def step():
        q, k, v = qkv.view(B, L, 3, H, d).permute(2, 0, 3, 1, 4).unbind(0)
        F_.scaled_dot_product_attention(q, k, v, attn_mask=bias).sum().backward()
    return _time(step, n)

def train_steps(rounds=6, per_round=5):
    new = M.attn_dtype
    def old(x): return torch.get_autocast_dtype(x.device.type) if torch.is_autocast_enabled(x.device.type) else x.dtype
    cfg = get_config('tiny'); m = cfg.model
    g = torch.Generator().manual_seed(0)
    data = dict(codes=torch.randint(0, m.V, (256, m.K, m.T), generator=g), feats=torch.randn(256, m.F, m.d_vis, generator=g))
    torch.manual_seed(0); model = VAB(m).train()
    opt, res = make_optimizer(model, cfg.train), dict(bf16=[], fp32=[])
    sched = make_scheduler(opt, cfg.train)
    try:
        for r in range(rounds):
            for name, f in (('bf16', old), ('fp32', new)):
                M.attn_dtype = f; model._layouts = {}
                train_step(model, opt, sched, draw_batch(data, cfg, 0), cfg)      # warm-up of this variant
                for s in range(per_round):
                    b = draw_batch(data, cfg, s); t0 = time.perf_counter(); train_step(model, opt, sched, b, cfg)
                    res[name].append(time.perf_counter() - t0)
    finally: M.attn_dtype = new
    return {k: statistics.median(v) for k, v in res.items()}

def guided(ckpt=None, B=32, n=5):
    if ckpt: model, cfg = load_model(ckpt)
    else: cfg = get_config('tiny'); torch.manual_seed(0); model = VAB(cfg.model)
    model.eval(); m = cfg.model
    g = torch.Generator().manual_seed(0)
    codes = torch.randint(0, m.V + 1, (B, m.K, m.T), generator=g); feats = torch.randn(B, m.F, m.d_vis, generator=g)
    with torch.inference_mode():
        t32 = _time(lambda: guided_logits(model, codes, feats, 1.5), n)
        def bf():
            with decode_autocast(feats.device): return guided_logits(model, codes, feats, 1.5)
        t16 = _time(bf, n)
        a, b = guided_logits(model, codes, feats, 1.5), bf()
    return dict(fp32_s=t32, decode_autocast_s=t16, argmax_agree=(a.argmax(-1) == b.argmax(-1)).float().mean().item(),
                max_abs_logit_diff=(a - b).abs().max().item(), model=str(ckpt) if ckpt else 'random init')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ckpt', default=None, help='a pre-training checkpoint (e.g. a demo run\'s pretrain/latest) for part 3')
    ap.add_argument('--json', default=None, help='write the results here too')
    a = ap.parse_args()
    res = dict(cpu=platform.processor() or platform.machine(), threads=torch.get_num_threads(), native_bf16=cpu_has_bf16(), torch=torch.__version__)
    if not res['native_bf16']: print('this CPU has no native bf16: autocast is off in training and decoding; only part 1 is telling')
    res['sdpa_layer_fwd_bwd_s'] = dict(bf16=sdpa_layer(torch.bfloat16), fp32=sdpa_layer(torch.float32))
    res['train_step_s'] = train_steps()
    res['guided_forward'] = guided(a.ckpt)
    print(json.dumps(res, indent=1))
    if a.json: open(a.json, 'w').write(json.dumps(res, indent=1) + '\n')
