"""Predict whether a maintenance report needs a follow-up visit, using text + work shift."""
import torch
import torch.nn as nn

torch.manual_seed(0)

SHIFTS = ["morning", "evening", "night"]  # three 8-hour shifts on the 0-23 plant clock

# (source, timestamp, report text, needs_followup)
RAW_REPORTS = [
    ("cmms", "06:40", "replaced worn drive belt on conveyor", 0),
    ("cmms", "09:15", "pump seal leaking again after repair", 1),
    ("cmms", "14:05", "lubricated bearings on mixer", 0),
    ("paper", "07:30 PM", "motor overheating tripped twice", 1),
    ("paper", "11:50 PM", "tightened loose guard bolts", 0),
    ("cmms", "22:10", "vibration sensor reading erratic", 1),
    ("paper", "12:20 AM", "boiler feed valve sticking", 1),
    ("paper", "03:45 AM", "cleaned clogged coolant filter", 0),
    ("cmms", "17:30", "compressor noise persists after service", 1),
    ("paper", "10:00 AM", "routine inspection no issues", 0),
]


def parse_time(source, stamp):
    if source == "cmms":
        hh, mm = stamp.split(":")
        return int(hh), int(mm)
    clock, half = stamp.split()
    h, m = (int(p) for p in clock.split(":"))
    hour = 24 if (h == 12 and half == "AM") else h % 12 + (12 if half == "PM" else 0)
    return hour, m


def build_vocab(texts):
    vocab = {"<pad>": 0}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


class ReportModel(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.words = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.shift_embedding = nn.Embedding(3, dim)
        self.out = nn.Linear(dim, 1)

    def forward(self, word_ids, shift_ids):
        h = self.words(word_ids) + self.shift_embedding(shift_ids)
        return self.out(torch.tanh(h)).squeeze(-1)


def featurize(reports, vocab, max_len=8):
    word_rows, shift_ids, targets = [], [], []
    for source, stamp, text, y in reports:
        report_hour, _ = parse_time(source, stamp)
        shift_id = report_hour // 8
        ids = [vocab[w] for w in text.split()][:max_len]
        word_rows.append(ids + [0] * (max_len - len(ids)))
        shift_ids.append(shift_id)
        targets.append(float(y))
    return torch.tensor(word_rows), torch.tensor(shift_ids), torch.tensor(targets)


def main():
    vocab = build_vocab(r[2] for r in RAW_REPORTS)
    words, shifts, y = featurize(RAW_REPORTS, vocab)
    print(f"{len(y)} reports, shifts per report: {shifts.tolist()}")

    model = ReportModel(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(30):
        opt.zero_grad()
        loss = loss_fn(model(words, shifts), y)
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    with torch.no_grad():
        probs = torch.sigmoid(model(words, shifts))
    for (src, stamp, text, _), p in zip(RAW_REPORTS[:3], probs):
        print(f"{stamp:>9} {text[:32]:32s} follow-up p={p:.2f}")


if __name__ == "__main__":
    main()
