"""Key-conditioned REMI language model for short pop-piano phrases.

Phrases are tokenised REMI-style (Bar / Position / Pitch / Velocity / Duration)
and a learned key-signature embedding is prepended as a prefix "token" so the
model can be steered towards a key at sampling time.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

KEYS = ["C", "G", "D", "A", "F", "Bb", "Eb", "Am", "Em", "Dm"]
REMI_VOCAB = ["<pad>", "<eos>", "Bar"]
REMI_VOCAB += [f"Position_{p}" for p in range(16)]
REMI_VOCAB += [f"Pitch_{p}" for p in range(48, 85)]
REMI_VOCAB += [f"Velocity_{v}" for v in range(0, 128, 16)]
REMI_VOCAB += [f"Duration_{d}" for d in (1, 2, 3, 4, 6, 8, 12, 16)]
TOK2ID = {t: i for i, t in enumerate(REMI_VOCAB)}
PAD_ID = TOK2ID["<pad>"]
EOS_ID = TOK2ID["<eos>"]

MAJOR_STEPS = [0, 2, 4, 5, 7, 9, 11]


def random_phrase(key_idx, n_bars):
    root = 60 + (key_idx * 7) % 12 - 6
    toks = []
    for _ in range(n_bars):
        toks.append("Bar")
        pos = 0
        while pos < 16:
            dur = random.choice([2, 2, 4, 4, 6, 8])
            pitch = root + random.choice(MAJOR_STEPS) + random.choice([0, 12])
            pitch = min(max(pitch, 48), 84)
            toks += [f"Position_{pos}", f"Pitch_{pitch}",
                     f"Velocity_{random.choice(range(48, 128, 16))}",
                     f"Duration_{dur}"]
            pos += dur
    toks.append("<eos>")
    return [TOK2ID[t] for t in toks]


def collate(phrases):
    longest = max(len(p) for p in phrases)
    ids = torch.full((len(phrases), longest), PAD_ID, dtype=torch.long)
    for row, p in enumerate(phrases):
        ids[row, :len(p)] = torch.tensor(p)
    pad_mask = ids.eq(PAD_ID)
    return ids, pad_mask


class KeyConditionedRemiLM(nn.Module):
    def __init__(self, vocab_size, n_keys, d_model=64, n_heads=4, n_layers=2, max_len=256):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=PAD_ID)
        self.key_emb = nn.Embedding(n_keys, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=128,
                                           dropout=0.1, batch_first=True)
        self.decoder = nn.TransformerEncoder(layer, n_layers)
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, remi_ids, key_ids, pad_mask):
        x = self.tok_emb(remi_ids)
        prefix = self.key_emb(key_ids).unsqueeze(1)
        x = torch.cat([prefix, x], dim=1)
        pad_mask = torch.cat([pad_mask.new_zeros(pad_mask.size(0), 1), pad_mask], dim=1)
        steps = x.size(1)
        x = x + self.pos_emb(torch.arange(steps, device=x.device))
        causal = torch.triu(torch.ones(steps, steps, dtype=torch.bool, device=x.device), diagonal=1)
        h = self.decoder(x, mask=causal, src_key_padding_mask=pad_mask)
        return self.lm_head(h[:, 1:])


def lm_loss(logits, remi_ids):
    # predict token t+1 from positions <= t
    pred = logits[:, :-1].reshape(-1, logits.size(-1))
    gold = remi_ids[:, 1:].reshape(-1)
    return F.cross_entropy(pred, gold, ignore_index=PAD_ID)


def main():
    corpus = []
    for _ in range(48):
        k = random.randrange(len(KEYS))
        corpus.append((k, random_phrase(k, n_bars=random.randint(1, 3))))
    print("phrases:", len(corpus), "vocab:", len(REMI_VOCAB))

    model = KeyConditionedRemiLM(len(REMI_VOCAB), len(KEYS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch_size = 8
    for epoch in range(2):
        random.shuffle(corpus)
        running = 0.0
        for b in range(0, len(corpus), batch_size):
            chunk = corpus[b:b + batch_size]
            key_ids = torch.tensor([k for k, _ in chunk])
            remi_ids, pad_mask = collate([p for _, p in chunk])
            logits = model(remi_ids, key_ids, pad_mask)
            loss = lm_loss(logits, remi_ids)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / (len(corpus) // batch_size):.3f}")

    with tempfile.TemporaryDirectory(prefix="remi_key_lm_") as out_dir:
        ckpt = os.path.join(out_dir, "remi_key_lm.pt")
        torch.save(model.state_dict(), ckpt)
        print("checkpoint size:", os.path.getsize(ckpt), "bytes")


if __name__ == "__main__":
    main()
