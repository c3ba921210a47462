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
        from vab_nbdev.core import tune_cpu_allocator
        from bench_step_cpu import tiny_steps  # the step bench_step_cpu.py times, with the allocator tuned as pretrain does
        tune_cpu_allocator(); step, bs = tiny_steps(8)
        for b in bs[:3]: step(b)
        with profile(activities=[ProfilerActivity.CPU]) as p:
            for b in bs[3:]: step(b)
        print(p.key_averages().table(sort_by='self_cpu_time_total', row_limit=12))

if __name__ == '__main__': main()
