"""Spectral-type classification with a tiny BERT over quantised 1-D spectra.

Each continuum-normalised spectrum is rebinned, its flux levels are turned into
word tokens (f0 ... f31) and the positions of strong emission lines are marked
with extra line tokens, then a 1-layer BERT classifies star / galaxy / QSO.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

N_LEVELS = 32
N_PIX = 48
WAVE = torch.linspace(3800.0, 9200.0, N_PIX)
LINES = {"<halpha>": 6563.0, "<hbeta>": 4861.0, "<oiii>": 5007.0, "<mgii>": 2798.0}
SPEC_CLASSES = ["STAR", "GALAXY", "QSO"]


def write_flux_vocab(workdir):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"f{i}" for i in range(N_LEVELS)]
    path = os.path.join(workdir, "flux_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return path


def fake_spectrum(spec_class):
    continuum = 1.0 + 0.2 * torch.randn(1) * (WAVE - 6000.0) / 3000.0
    flux = continuum + 0.05 * torch.randn(N_PIX)
    z = 0.0
    if spec_class == 1:
        z = 0.05 + 0.1 * torch.rand(1).item()
    elif spec_class == 2:
        z = 1.0 + 1.5 * torch.rand(1).item()
    present = []
    if spec_class > 0:
        for name, rest in LINES.items():
            obs = rest * (1 + z)
            if WAVE[0] < obs < WAVE[-1]:
                width = 40.0 if spec_class == 1 else 150.0
                flux = flux + 0.8 * torch.exp(-0.5 * ((WAVE - obs) / width) ** 2)
                present.append((name, int(torch.argmin((WAVE - obs).abs()))))
    return flux, present


def spectrum_to_text(flux, present):
    scaled = (flux - flux.min()) / (flux.max() - flux.min() + 1e-6)
    levels = (scaled * (N_LEVELS - 1)).round().long().tolist()
    words = [f"f{lv}" for lv in levels]
    for name, pix in sorted(present, key=lambda p: -p[1]):
        words.insert(pix, name)
    return " ".join(words)


def build_corpus(n_per_class):
    texts, targets = [], []
    for c in range(len(SPEC_CLASSES)):
        for _ in range(n_per_class):
            flux, present = fake_spectrum(c)
            texts.append(spectrum_to_text(flux, present))
            targets.append(c)
    return texts, torch.tensor(targets)


def main():
    workdir = tempfile.mkdtemp(prefix="spec_bert_")
    tokenizer = BertTokenizer(write_flux_vocab(workdir))
    n_added = tokenizer.add_tokens(list(LINES))
    print(f"flux vocabulary {tokenizer.vocab_size} words, {n_added} line markers added")

    texts, targets = build_corpus(n_per_class=24)
    enc = tokenizer(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
    spec_ids, spec_mask = enc["input_ids"], enc["attention_mask"]
    print("token matrix", tuple(spec_ids.shape))

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(SPEC_CLASSES),
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

    model.train()
    for epoch in range(4):
        perm = torch.randperm(spec_ids.shape[0])
        epoch_loss = 0.0
        for start in range(0, len(perm), 12):
            rows = perm[start:start + 12]
            out = model(input_ids=spec_ids[rows], attention_mask=spec_mask[rows], labels=targets[rows])
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            epoch_loss += out.loss.item() * len(rows)
        print(f"epoch {epoch} loss {epoch_loss / len(perm):.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(input_ids=spec_ids, attention_mask=spec_mask).logits.argmax(-1)
    print("train accuracy", (pred == targets).float().mean().item())


if __name__ == "__main__":
    main()
