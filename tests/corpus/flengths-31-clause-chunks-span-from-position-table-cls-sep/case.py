"""Classify long contracts as risky / standard by splitting them into chunks for a small Transformer encoder."""
import random

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)

RISKY = "the supplier may terminate at any time without notice and liability is unlimited".split()
STANDARD = "either party may terminate with thirty days written notice and liability is capped".split()
FILLER = "this agreement is governed by the laws of the state and all notices shall be in writing".split()
SPECIALS = ["<pad>", "<cls>", "<sep>", "<unk>"]
VOCAB = {w: i for i, w in enumerate(SPECIALS + sorted(set(RISKY + STANDARD + FILLER)))}
PAD_ID, CLS_ID, SEP_ID, UNK_ID = range(4)


def make_contract(core, n_words):
    words = []
    while len(words) < n_words:
        words += random.choice([core, FILLER, FILLER])
    return words[:n_words]


class ClauseEncoder(nn.Module):
    def __init__(self, vocab_size, d_model=32, max_len=64, n_classes=2):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=PAD_ID)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, ids):
        positions = torch.arange(ids.size(1), device=ids.device)
        x = self.tok(ids) + self.pos(positions)
        x = self.encoder(x, src_key_padding_mask=ids == PAD_ID)
        return self.head(x[:, 0])


def to_chunks(words, span):
    ids = [VOCAB.get(w, UNK_ID) for w in words]
    chunks = []
    for s in range(0, len(ids), span):
        chunks.append(torch.tensor([CLS_ID] + ids[s:s + span] + [SEP_ID]))
    return chunks


contracts = [(make_contract(RISKY, 150), 1), (make_contract(STANDARD, 130), 0),
             (make_contract(RISKY, 90), 1), (make_contract(STANDARD, 170), 0)]

model = ClauseEncoder(len(VOCAB))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
span = model.pos.num_embeddings  # let each chunk use the whole context

for epoch in range(2):
    total = 0.0
    for words, label in contracts:
        chunks = to_chunks(words, span)
        batch = pad_sequence(chunks, batch_first=True, padding_value=PAD_ID)
        logits = model(batch).mean(dim=0, keepdim=True)
        loss = nn.functional.cross_entropy(logits, torch.tensor([label]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: mean loss {total / len(contracts):.4f}")
