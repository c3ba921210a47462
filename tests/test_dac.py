"DACTokenizer through the installed package: config, the missing-package and missing-weights errors, random-weight shapes."
import sys, time
import pytest
import torch
from vab_nbdev.core import AudioConfig, get_config
from vab_nbdev import audio_tokenizers as at

def test_dac_config_is_derived_from_the_codec():
    a = AudioConfig(kind='dac', sample_rate=1, frame_rate=1.0, V=1)  # typed rates and V are overridden by the codec's
    assert (a.sample_rate, a.frame_rate, a.hop_length, a.K, a.V, a.n_frames(10)) == (16_000, 50.0, 320, 12, 1024, 500)
    assert AudioConfig(kind='dac', K=3).K == 3 and AudioConfig(kind='dac', K=None).K == 12
    assert get_config('small', audio=AudioConfig(kind='dac')).T == 500  # the paper's grid for 10 s

def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, 'dac', None)  # as if descript-audio-codec were not installed
    with pytest.raises(ImportError, match=r'pip install -e "\.\[dac\]"'): at.DACTokenizer(pretrained=False)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[dac\]"'): at._import_dac()

def test_offline_without_weights_fails_at_once(monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))  # an empty DAC cache
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    monkeypatch.delenv('VAB_DAC_WEIGHTS', raising=False)
    t0 = time.time()
    with pytest.raises(at.WeightsUnavailableError) as e: at._dac_weights(tmp_path / 'ckpt')
    assert time.time() - t0 < 5
    for s in (at.DAC_CKPT, str(tmp_path / 'ckpt'), str(tmp_path / '.cache/descript/dac'), at.DAC_URL, 'VAB_DAC_WEIGHTS'):
        assert s in str(e.value), s

def test_unreachable_server_fails_fast(monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    for k in ('HF_HUB_OFFLINE', 'VAB_OFFLINE', 'VAB_DAC_WEIGHTS'): monkeypatch.delenv(k, raising=False)
    monkeypatch.setattr(at, 'DAC_URL', 'http://127.0.0.1:9/weights_16khz.pth')  # nothing listens on port 9
    t0 = time.time()
    with pytest.raises(at.WeightsUnavailableError, match='The download failed'): at._dac_weights(timeout=5)
    assert time.time() - t0 < 10 and not list(tmp_path.rglob('*.pth'))

def test_random_weights_shapes_and_batching():
    pytest.importorskip('dac', reason='descript-audio-codec is not installed (pip install -e ".[dac]")')
    tok = at.build_audio_tokenizer(AudioConfig(kind='dac'), pretrained=False, device='cpu')
    m = tok.model
    assert (tok.sample_rate, tok.hop_length, tok.K, tok.V) == (m.sample_rate, int(m.hop_length), m.n_codebooks, m.codebook_size)
    w = torch.randn(2, 3200, generator=torch.Generator().manual_seed(0)) * 0.1  # 0.2 s at 16 kHz
    c = tok.encode(w)
    assert c.shape == (2, 12, 10) and c.dtype == torch.long and 0 <= int(c.min()) and int(c.max()) < 1024
    assert torch.equal(tok.encode(w[1:]), c[1:])  # batched == one by one
    assert tok.decode(c).shape == (2, 3200) and tok.decode(c[:, :2]).shape == (2, 3200)
    assert at.DACTokenizer(2, pretrained=False, device='cpu').encode(w).shape == (2, 2, 10)
    assert tok.encode(torch.randn(1, 10 * 16_000) * 0.1).shape == (1, 12, 500)  # the paper's grid: T = 500 for 10 s

def test_weights_of_another_dac_model_are_refused(tmp_path):
    pytest.importorskip('dac', reason='descript-audio-codec is not installed (pip install -e ".[dac]")')
    m = at._dac_model(at._import_dac())  # random 16 kHz weights, saved as if they were a 44.1 kHz model's
    torch.save(dict(state_dict=m.state_dict(), metadata=dict(kwargs={**at.DAC_ARCH, 'sample_rate': 44_100})), tmp_path / at.DAC_CKPT)
    with pytest.raises(ValueError, match="not DAC's 16 kHz model"): at.DACTokenizer(checkpoint_dir=tmp_path, device='cpu').model
