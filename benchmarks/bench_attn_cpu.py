"""Attention in a tiny training step on a CPU: which kernel and dtype, and what share of the step it takes.

Times `scaled_dot_product_attention` forward + backward at the tiny preset's training shapes (B = 32, H = 4, L = 250,
d_head = 32, with a (1, H, L, L) additive bias like the distance bias), in fp32 (what 03's `attn_dtype` picks when
training on a CPU) and bf16, against the plain matmul-softmax-matmul path; median of 10 after 3 warm-ups. With
`--profile-step`, also profiles 5 whole `train_step`s (bf16 autocast, random tokens) and prints the ops that take
the most time.

    python benchmarks/bench_attn_cpu.py [--profile-step]
"""
import argparse, time
import torch, torch.nn.functional as F

def timed(fn, dt, B=32, H=4, L=250, d=32) -> float:
    q, k, v = (torch.randn(B, H, L, d, dtype=dt, requires_grad=True) for _ in range(3))
    ts = []
    for i in range(13):
        t = time.perf_counter(); fn(q, k, v).float().sum().backward(); ts.append(time.perf_counter() - t)
    return sorted(ts[3:])[5]

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--profile-step', action='store_true', help='also profile 5 tiny training steps')
    a = ap.parse_args()
    torch.manual_seed(0); H, L, d = 4, 250, 32
    bias = -torch.rand(1, H, L, L) * 3
    def plain(q, k, v): return ((q @ k.transpose(-1, -2)).float() * d ** -0.5 + bias).softmax(-1).to(q.dtype) @ v
    rows = [('flash, fp32, with bias (what training uses)', lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=bias), torch.float32),
            ('flash, fp32, no bias', lambda q, k, v: F.scaled_dot_product_attention(q, k, v), torch.float32),
            ('flash, bf16, with bias', lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=bias.bfloat16()), torch.bfloat16),
            ('matmul + softmax (fp32 scores), bf16', plain, torch.bfloat16),
            ('matmul + softmax, fp32', plain, torch.float32)]
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads\n| attention, forward + backward, one layer | ms |\n|---|---|')
    for name, fn, dt in rows: print(f'| {name} | {timed(fn, dt) * 1e3:.1f} |')
    if a.profile_step:
        from torch.profiler import profile, ProfilerActivity
        from vab_nbdev.core import get_config, seed_everything, tune_cpu_allocator
        from vab_nbdev.model import VAB
        from vab_nbdev.pretrain import make_optimizer, make_scheduler, train_step, draw_batch
        tune_cpu_allocator(); cfg = get_config('tiny'); seed_everything(0)
        m = VAB(cfg.model).train(); opt = make_optimizer(m, cfg.train); sched = make_scheduler(opt, cfg.train)
        g = torch.Generator().manual_seed(0)
        data = dict(codes=torch.randint(0, cfg.model.V, (64, cfg.model.K, cfg.model.T), generator=g),
                    feats=torch.randn(64, cfg.model.F, cfg.model.d_vis, generator=g))
        bs = [draw_batch(data, cfg, s) for s in range(8)]
        for b in bs[:3]: train_step(m, opt, sched, b, cfg)
        with profile(activities=[ProfilerActivity.CPU]) as p:
            for b in bs[3:]: train_step(m, opt, sched, b, cfg)
        print(p.key_averages().table(sort_by='self_cpu_time_total', row_limit=12))

if __name__ == '__main__': main()
