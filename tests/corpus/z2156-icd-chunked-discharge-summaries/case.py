"""Multi-label ICD-10 coding of long discharge summaries.

Notes are longer than the encoder's window, so each summary is split into
fixed-size chunks, every chunk is encoded by a small BERT, and the chunk
logits are max-pooled back into one prediction per note.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

VOCAB_SIZE = 500
CHUNK_LEN = 64
MAX_CHUNKS = 4
BATCH_SIZE = 4
ICD_CODES = ["I10", "E11.9", "N17.9", "J18.9", "I50.9", "K21.9", "F32.9", "Z79.4"]
CLS_ID, SEP_ID, PAD_ID = 2, 3, 0


def synth_discharge_summaries(n_notes=12):
    notes, targets = [], []
    for _ in range(n_notes):
        length = random.randint(90, 330)
        notes.append([random.randint(5, VOCAB_SIZE - 1) for _ in range(length)])
        y = np.zeros(len(ICD_CODES), dtype=np.float32)
        y[np.random.choice(len(ICD_CODES), size=random.randint(1, 3), replace=False)] = 1.0
        targets.append(y)
    return notes, np.stack(targets)


def chunk_notes(notes, chunk_len=CHUNK_LEN, max_chunks=MAX_CHUNKS):
    body = chunk_len - 2
    all_ids, all_mask, n_chunks = [], [], []
    for tokens in notes:
        pieces = [tokens[i:i + body] for i in range(0, len(tokens), body)]
        n_chunks.append(len(pieces))
        pieces = pieces[:max_chunks]
        ids = np.full((max_chunks, chunk_len), PAD_ID, dtype=np.int64)
        mask = np.zeros((max_chunks, chunk_len), dtype=np.int64)
        for c, piece in enumerate(pieces):
            row = [CLS_ID] + piece + [SEP_ID]
            ids[c, :len(row)] = row
            mask[c, :len(row)] = 1
        all_ids.append(ids)
        all_mask.append(mask)
    return (torch.from_numpy(np.stack(all_ids)),
            torch.from_numpy(np.stack(all_mask)),
            torch.tensor(n_chunks))


class ChunkedICDCoder(nn.Module):
    def __init__(self, n_codes):
        super().__init__()
        cfg = BertConfig(vocab_size=VOCAB_SIZE, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=CHUNK_LEN)
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(cfg.hidden_size, n_codes)

    def forward(self, input_ids, attention_mask):
        b, c, t = input_ids.shape
        out = self.encoder(input_ids=input_ids.view(b * c, t),
                           attention_mask=attention_mask.view(b * c, t))
        cls = self.dropout(out.last_hidden_state[:, 0])
        return self.classifier(cls).view(b, c, -1)


def pool_chunk_logits(chunk_logits, n_chunks):
    pooled = []
    for i in range(chunk_logits.size(0)):
        note_logits = chunk_logits[i, 0]
        for k in range(1, int(n_chunks[i])):
            note_logits = torch.maximum(note_logits, chunk_logits[i, k])
        pooled.append(note_logits)
    return torch.stack(pooled)


def main():
    notes, targets = synth_discharge_summaries()
    input_ids, attention_mask, n_chunks = chunk_notes(notes)
    targets = torch.from_numpy(targets)
    print(f"{len(notes)} summaries -> chunk tensor {tuple(input_ids.shape)}")

    model = ChunkedICDCoder(len(ICD_CODES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(2):
        model.train()
        order = torch.randperm(len(notes))
        total = 0.0
        for start in range(0, len(notes), BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            chunk_logits = model(input_ids[idx], attention_mask[idx])
            note_logits = pool_chunk_logits(chunk_logits, n_chunks[idx])
            loss = loss_fn(note_logits, targets[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / math.ceil(len(notes) / BATCH_SIZE):.4f}")

    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(pool_chunk_logits(model(input_ids, attention_mask), n_chunks))
    for i in range(3):
        codes = [ICD_CODES[j] for j in torch.nonzero(probs[i] > 0.5).flatten().tolist()]
        print(f"note {i}: {codes}")


if __name__ == "__main__":
    main()
