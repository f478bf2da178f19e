"""Slot tagger for smart-home voice commands (BiLSTM), trained with Accelerate."""
import csv
import io

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

COMMANDS_CSV = """utterance,slots
turn on the kitchen lights,O O O B-room O
set the bedroom thermostat to twenty one degrees,O O B-room B-device O B-value I-value O
dim the lights,O O B-device
play jazz in the living room,O B-genre O O B-room I-room
lock the front door,O O B-device I-device
turn off the tv in the study at ten pm,O O O B-device O O B-room O B-time I-time
open the garage,O O B-device
start the dishwasher,O O B-device
"""

rows = list(csv.reader(io.StringIO(COMMANDS_CSV)))[1:]
utterances = [r[0] for r in rows]
slot_tags = [r[1].split() for r in rows]
pairs = sorted(zip(utterances, slot_tags), key=lambda p: len(p[0]))
utterances = [u for u, _ in pairs]
slot_tags = [seq for _, seq in pairs]

word_ids = {w: i + 1 for i, w in enumerate(sorted({w for u in utterances for w in u.split()}))}
tag_ids = {t: i for i, t in enumerate(sorted({t for seq in slot_tags for t in seq}))}


def collate(batch):
    words = [torch.tensor([word_ids[w] for w in u.split()]) for u, _ in batch]
    tags = [torch.tensor([tag_ids[t] for t in seq]) for _, seq in batch]
    return pad_sequence(words, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=-100)


class SlotTagger(nn.Module):
    def __init__(self, n_words, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, n_tags)

    def forward(self, words):
        out, _ = self.lstm(self.emb(words))
        return self.proj(out)


accelerator = Accelerator(cpu=True)
torch.manual_seed(0)
model = SlotTagger(len(word_ids) + 1, len(tag_ids))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loader = DataLoader(list(zip(utterances, slot_tags)), batch_size=4, shuffle=False, collate_fn=collate)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

for epoch in range(3):
    total = 0.0
    for words, tags in loader:
        logits = model(words)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tags.reshape(-1), ignore_index=-100)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    accelerator.print(f"epoch {epoch}: loss {total / len(loader):.4f}")
