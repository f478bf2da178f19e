"""Phoneme duration predictor for a small TTS front end.

Phoneme transcripts come from a lexicon (ARPAbet-like, stress removed) and
are interleaved with pause markers produced by the forced aligner. A tiny
BERT encoder reads the phoneme sequence and a linear head regresses the
log-duration (in mel frames) of every phoneme.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

LEXICON_PHONES = [
    "aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey",
    "f", "g", "hh", "ih", "iy", "jh", "k", "l", "m", "n", "ng", "ow", "oy",
    "p", "r", "s", "sh", "t", "th", "uh", "uw", "v", "w", "y", "z", "zh",
]
PAUSE_MARKERS = ["<sil>", "<sp>"]
HOP_SECONDS = 256 / 22050

# (aligned transcript, frames per phoneme) from the forced aligner
ALIGNED = [
    ("<sil> dh ah k ae t s ae t <sil>", [22, 3, 4, 7, 9, 8, 9, 11, 6, 30]),
    ("<sil> hh ow l d <sp> aa n <sil>", [18, 5, 12, 6, 5, 14, 10, 7, 25]),
    ("<sil> sh iy w ay z <sil>", [15, 9, 10, 6, 13, 8, 28]),
    ("<sil> g uh d m ao r n ih ng <sil>", [20, 6, 7, 4, 6, 12, 5, 4, 5, 8, 27]),
    ("<sil> ch er ch <sp> b eh l z <sil>", [17, 8, 11, 9, 12, 5, 9, 6, 10, 24]),
    ("<sil> th r iy <sp> f ay v <sil>", [19, 7, 4, 14, 10, 9, 15, 8, 26]),
]


def build_phone_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "phones.txt")
    with open(vocab_path, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LEXICON_PHONES:
            f.write(tok + "\n")
    tok = BertTokenizer(vocab_path, do_lower_case=False)
    tok.add_tokens(PAUSE_MARKERS)
    return tok


class DurationPredictor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.proj = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.ReLU(),
                                  nn.Linear(config.hidden_size, 1))

    def forward(self, phone_ids, phone_mask):
        hidden = self.encoder(input_ids=phone_ids, attention_mask=phone_mask).last_hidden_state
        return self.proj(hidden).squeeze(-1)


def make_batch(tokenizer, items):
    texts = [t for t, _ in items]
    enc = tokenizer(texts, padding=True, add_special_tokens=False, return_tensors="pt")
    log_dur = torch.zeros(enc["input_ids"].shape, dtype=torch.float)
    for i, (_, frames) in enumerate(items):
        n = int(enc["attention_mask"][i].sum())
        assert n == len(frames), (texts[i], n, len(frames))
        log_dur[i, :n] = torch.log1p(torch.tensor(frames, dtype=torch.float))
    return enc["input_ids"], enc["attention_mask"], log_dur


def masked_mse(pred, target, mask):
    mask = mask.float()
    return ((pred - target) ** 2 * mask).sum() / mask.sum()


def main():
    workdir = tempfile.mkdtemp(prefix="tts_dur_")
    phone_tok = build_phone_tokenizer(workdir)

    config = BertConfig(
        vocab_size=len(phone_tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=phone_tok.pad_token_id,
    )
    model = DurationPredictor(config)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    train, held_out = ALIGNED[:4], ALIGNED[4:]
    phone_ids, phone_mask, log_dur = make_batch(phone_tok, train)
    print("batch", tuple(phone_ids.shape), "phone vocab", config.vocab_size)

    model.train()
    for step in range(10):
        pred = model(phone_ids, phone_mask)
        loss = masked_mse(pred, log_dur, phone_mask)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:2d}  mse {loss.item():.4f}")

    model.eval()
    ids, mask, target = make_batch(phone_tok, held_out)
    with torch.no_grad():
        pred_frames = torch.expm1(model(ids, mask)).clamp(min=1) * mask
    for (text, frames), row in zip(held_out, pred_frames):
        pred_s = row.sum().item() * HOP_SECONDS
        true_s = sum(frames) * HOP_SECONDS
        print(f"{text!r}: predicted {pred_s:.2f}s, aligned {true_s:.2f}s")


if __name__ == "__main__":
    main()
