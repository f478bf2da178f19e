"""Event-type classifier for maintenance logs: the annotators marked the trigger word of every entry, and the
encoder state at that word is classified."""
import csv
import io

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

EVENT_TYPES = ["failure", "repair", "inspection"]
MAX_WORDS = 10
ANNOTATIONS = """text,trigger_idx,event
pump seal failed during the night shift,2,failure
technician replaced the worn bearing on line two,2,repair
quarterly inspection of the boiler completed,1,inspection
conveyor motor broke after the power surge,2,failure
valve was repaired and tested by contractor,3,repair
crane hooks inspected no defects found,2,inspection
"""


class TriggerDataset(Dataset):
    def __init__(self, raw, vocab):
        self.rows = []
        for rec in csv.DictReader(io.StringIO(raw)):
            ids = [vocab.setdefault(w, len(vocab)) for w in rec["text"].split()][:MAX_WORDS]
            ids += [0] * (MAX_WORDS - len(ids))
            self.rows.append((torch.tensor(ids), int(rec["trigger_idx"]), EVENT_TYPES.index(rec["event"])))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class TriggerClassifier(nn.Module):
    def __init__(self, vocab_size, dim=24):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, len(EVENT_TYPES))

    def forward(self, tokens):
        hidden, _ = self.rnn(self.embed(tokens))
        return hidden


def main():
    torch.manual_seed(0)
    vocab = {"<pad>": 0}
    data = TriggerDataset(ANNOTATIONS, vocab)
    model = TriggerClassifier(vocab_size=len(vocab))
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(data, batch_size=3, shuffle=True)
    for epoch in range(4):
        total = 0.0
        for batch in loader:
            tokens, pos, y = batch
            hidden = model(tokens)
            trigger_states = hidden[torch.arange(tokens.size(0)), pos]
            loss = F.cross_entropy(model.out(trigger_states), y)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
