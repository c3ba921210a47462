"""Spectral convergence and speed of `griffin_lim` at several iteration counts, on the reconstructions of 32 test clips
of a finished vab_demo folder (its tokenizer and cached codes).

    python benchmarks/gl_convergence.py /tmp/g/s0/cache
"""
import sys
import torch, time
from vab_nbdev.prepare import load_cache, load_cache_tokenizer
from vab_nbdev.audio_tokenizers import griffin_lim
tok = load_cache_tokenizer(sys.argv[1]); te = load_cache(sys.argv[1], split='test')
codes = torch.as_tensor(te['codes'][:32]).long(); c = tok.cfg
db = tok.mel_from_codes(codes)
from vab_nbdev.audio_tokenizers import mel_to_linear
mel = 10 ** (db.transpose(1, 2) / 10)
spec = mel_to_linear(mel, tok._fb, tok._fb_pinv, tok.nnls_iters); spec = torch.cat([spec, spec[..., -1:]], -1)
win = torch.hann_window(c.n_fft); L = db.shape[1] * c.hop_length
for n in (4, 8, 16, 32, 64):
    torch.manual_seed(0); t = time.perf_counter(); y = griffin_lim(spec, win, c.n_fft, c.hop_length, n, 0.99, L); dt = time.perf_counter() - t
    S = torch.stft(y, c.n_fft, c.hop_length, c.n_fft, win, return_complex=True).abs()
    sc = ((S - spec.sqrt()).norm() / spec.sqrt().norm()).item()
    print(f"gl_iters {n}: spectral convergence {sc:.3f}, {dt / len(codes) * 1e3:.1f} ms per clip")
