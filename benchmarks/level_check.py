"""Level of generated audio against real and reconstructed clips (issue 13, session 8): the shipped toy checkpoint,
48 held-out clips through the real pipeline, the 05 judge. Run: HF_HUB_OFFLINE=1 python benchmarks/level_check.py"""
import torch, numpy as np, tempfile
from pathlib import Path
from vab_nbdev.pretrain import load_toy_checkpoint, toy_test_set
from vab_nbdev.decoding import generate, mismatch
from vab_nbdev.synth import synth_arrays, CLASSES
from vab_nbdev.probe import train_probe
m, c, tok = load_toy_checkpoint()
te = toy_test_set(tok, c, Path(tempfile.mkdtemp()) / 'test', n_test=48)
tr = synth_arrays(320, 1, split='train')
probe = train_probe(tr['audio'], tr['labels'], tok.sample_rate, len(CLASSES))
feats, labels, real = torch.as_tensor(te['feats']).float(), np.asarray(te['labels']), np.asarray(te['audio'])
with torch.inference_mode():
    gen = tok.decode(generate(m, feats, c.decode, seed=0)).float().numpy()
    rec = tok.decode(torch.as_tensor(te['codes']).long()).float().numpy()
rms = lambda w: np.sqrt((w ** 2).mean(-1, keepdims=True)) + 1e-12
acc = lambda w: float((probe.logits(w).argmax(-1).numpy() == labels).mean())
db = lambda w: 20 * np.log10(rms(w)).ravel()
print('level dBFS mean: real %.1f rec %.1f gen %.1f; gen - real: mean %.1f, max %.1f; gen peak > 1 in %d of 48' % (
    db(real).mean(), db(rec).mean(), db(gen).mean(), (db(gen) - db(real)).mean(), (db(gen) - db(real)).max(), int((np.abs(gen).max(-1) > 1).sum())))
print('class acc: real', acc(real), 'rec', acc(rec), 'gen', acc(gen))
print('gen clipped to [-1,1] (as the wav file holds it)', acc(np.clip(gen, -1, 1)))
print('gen at the real clip level (oracle RMS)', acc(gen / rms(gen) * rms(real)))
print('gen at the mean real level (no oracle)', acc(gen / rms(gen) * 10 ** (db(real).mean() / 20)))
print('rec at the mean real level', acc(rec / rms(rec) * 10 ** (db(real).mean() / 20)))
print('peak > 1: rec %d of 48, real %d; gen peak max %.1f, rec peak max %.2f' % (int((np.abs(rec).max(-1) > 1).sum()), int((np.abs(real).max(-1) > 1).sum()), np.abs(gen).max(), np.abs(rec).max()))
with torch.inference_mode():
    g_codes = generate(m, feats, c.decode, seed=0)
    mg, mr = tok.mel_from_codes(g_codes), tok.mel_from_codes(torch.as_tensor(te['codes']).long())
print('decoded log-mel max dB: gen %.1f, rec %.1f' % (mg.max(), mr.max()))
