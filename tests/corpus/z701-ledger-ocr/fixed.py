# Small masked-LM over transcribed harbour-master ledger lines, used afterwards to
# rank alternative OCR readings of damaged entries by pseudo-log-likelihood.
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(11)
torch.manual_seed(11)

LEDGER = [
    "arrived schooner mary ann from liverpool with salt and coal",
    "sailed brig hope for bristol in ballast",
    "arrived barque providence from riga with timber and hemp",
    "arrived sloop endeavour from cork with butter",
    "sailed schooner mary ann for dublin with slate",
    "arrived brig john and william from memel with timber",
    "sailed barque providence for quebec in ballast",
    "arrived schooner brothers from newport with coal",
    "sailed sloop endeavour for cork with slate and bark",
    "arrived brig hope from bristol with general cargo",
    "sailed schooner brothers for liverpool with copper ore",
    "arrived barque commerce from quebec with timber and staves",
]
SPECIALS = ["<pad>", "<unk>", "<mask>"]


@dataclass
class Vocab:
    itos: list

    def __post_init__(self):
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    @property
    def pad(self):
        return self.stoi["<pad>"]

    @property
    def mask(self):
        return self.stoi["<mask>"]

    def encode(self, line):
        return torch.tensor([self.stoi.get(w, 1) for w in line.split()], dtype=torch.long)


class LedgerEncoder(nn.Module):
    def __init__(self, n_vocab, dim=32, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(n_vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.lm_head = nn.Linear(dim, n_vocab)

    def forward(self, ids, is_pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.body(h, src_key_padding_mask=is_pad)
        return self.lm_head(h)


def corrupt(batch_ids, vocab, rate=0.2):
    """BERT-style masking; returns the corrupted ids and which positions were picked."""
    real = batch_ids != vocab.pad
    picked = (torch.rand(batch_ids.shape) < rate) & real
    # make sure every line contributes at least one prediction
    first = real.float().argmax(dim=1)
    picked[torch.arange(batch_ids.size(0)), first] = True
    corrupted = batch_ids.masked_fill(picked, vocab.mask)
    return corrupted, picked


def masked_token_nll(logits, targets, picked):
    logp = logits.log_softmax(dim=-1)
    tok_logp = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return -(tok_logp * picked).sum() / picked.sum()


def pseudo_log_likelihood(model, vocab, line):
    ids = vocab.encode(line)
    n = ids.numel()
    # one copy per position, each with that position masked
    copies = ids.unsqueeze(0).repeat(n, 1)
    eye = torch.eye(n, dtype=torch.bool)
    copies = copies.masked_fill(eye, vocab.mask)
    with torch.no_grad():
        logits = model(copies, torch.zeros_like(copies, dtype=torch.bool))
    targets = ids.unsqueeze(0).expand(n, n)
    return -masked_token_nll(logits, targets, eye.float()).item() * n


def main():
    words = sorted({w for line in LEDGER for w in line.split()})
    vocab = Vocab(SPECIALS + words)
    print(f"{len(LEDGER)} ledger lines, vocab of {len(vocab.itos)} words")

    model = LedgerEncoder(len(vocab.itos))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    encoded = [vocab.encode(line) for line in LEDGER]

    for epoch in range(6):
        random.shuffle(encoded)
        running = 0.0
        for start in range(0, len(encoded), 4):
            chunk = pad_sequence(encoded[start:start + 4], batch_first=True, padding_value=vocab.pad)
            corrupted, picked = corrupt(chunk, vocab)
            logits = model(corrupted, chunk == vocab.pad)
            loss = masked_token_nll(logits, chunk, picked.float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: mlm loss {running / math.ceil(len(encoded) / 4):.3f}")

    model.eval()
    readings = ["arrived brig hope from bristol with coal",
                "arrived brig hope from bristol with cod",
                "arrived brig rope from bristol with coal"]
    ranked = sorted(readings, key=lambda r: pseudo_log_likelihood(model, vocab, r), reverse=True)
    for r in ranked:
        print(f"{pseudo_log_likelihood(model, vocab, r):8.2f}  {r}")


if __name__ == "__main__":
    main()
