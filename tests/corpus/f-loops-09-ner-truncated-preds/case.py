import torch
import torch.nn as nn

MAX_LEN = 12
TAGS = ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

notes = [
    (["take", "ibuprofen", "400", "mg", "daily"],
     ["O", "B-DRUG", "B-DOSE", "I-DOSE", "O"]),
    (["patient", "started", "on", "metformin", "500", "mg", "twice", "a", "day"],
     ["O", "O", "O", "B-DRUG", "B-DOSE", "I-DOSE", "O", "O", "O"]),
    (["after", "the", "visit", "the", "doctor", "increased", "the", "dose", "of", "amoxicillin",
      "clavulanate", "to", "875", "mg", "every", "twelve", "hours"],
     ["O", "O", "O", "O", "O", "O", "O", "O", "O", "B-DRUG",
      "I-DRUG", "O", "B-DOSE", "I-DOSE", "O", "O", "O"]),
    (["stop", "aspirin"], ["O", "B-DRUG"]),
]

vocab = {"<pad>": 0, "<unk>": 1}
for words, _ in notes:
    for w in words:
        vocab.setdefault(w, len(vocab))


def encode(words):
    ids = [vocab.get(w, 1) for w in words][:MAX_LEN]
    return ids + [0] * (MAX_LEN - len(ids))


class Tagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.out(h)


def train_tagger(model, input_ids, tag_ids, steps=30):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for _ in range(steps):
        logits = model(input_ids)
        loss = loss_fn(logits.reshape(-1, len(TAGS)), tag_ids.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def span_report(tag_preds, examples):
    hits, total = 0, 0
    for row, (tokens, gold) in enumerate(examples):
        for i in range(len(tokens)):
            predicted = TAGS[tag_preds[row][i].item()]
            if gold[i] != "O":
                total += 1
                hits += int(predicted == gold[i])
    return hits / max(total, 1)


torch.manual_seed(0)
input_ids = torch.tensor([encode(w) for w, _ in notes])
tag_ids = torch.full((len(notes), MAX_LEN), -100, dtype=torch.long)
for r, (_, tags) in enumerate(notes):
    for c, t in enumerate(tags[:MAX_LEN]):
        tag_ids[r, c] = TAG2ID[t]

model = Tagger(len(vocab), len(TAGS))
final_loss = train_tagger(model, input_ids, tag_ids)
print(f"final training loss {final_loss:.4f}")

model.eval()
with torch.no_grad():
    tag_preds = model(input_ids).argmax(dim=-1)

print(f"entity-token accuracy: {span_report(tag_preds, notes):.3f}")
