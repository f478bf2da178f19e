import torch
import torch.nn as nn

torch.manual_seed(0)

PAD, CLS, SEP = 0, 1, 2

# Railway signal maintenance tickets and whether the fault needed a track closure.
TICKETS = [
    ("lamp out on home signal replaced bulb", 0),
    ("track circuit failure points stuck closure requested", 1),
    ("aspect flickering loose terminal tightened", 0),
    ("cable theft near junction signals dark closure requested", 1),
    ("relay room flooded points stuck", 1),
    ("lamp dim cleaned lens", 0),
]


def build_vocab(texts):
    vocab = {"[PAD]": PAD, "[CLS]": CLS, "[SEP]": SEP}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def encode(text, vocab):
    ids = [vocab[w] for w in text.split()]
    return {"input_ids": ids, "attention_mask": [1] * len(ids)}


def add_specials(rec):
    rec["input_ids"] = [CLS] + rec["input_ids"] + [SEP]
    return rec


def collate(records):
    batch = {}
    for key in ("input_ids", "attention_mask"):
        longest = max(len(r[key]) for r in records)
        batch[key] = torch.tensor([r[key] + [0] * (longest - len(r[key])) for r in records])
    return batch


class TicketClassifier(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(dim, 2)

    def forward(self, input_ids, attention_mask):
        h = self.encoder(self.emb(input_ids), src_key_padding_mask=(attention_mask == 0))
        return self.head(h[:, 0])


def main():
    vocab = build_vocab(t for t, _ in TICKETS)
    records = [add_specials(encode(t, vocab)) for t, _ in TICKETS]
    labels = torch.tensor([y for _, y in TICKETS])
    print("vocab size:", len(vocab), "tickets:", len(records))

    model = TicketClassifier(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch = collate(records)
    print("batch shapes:", {k: tuple(v.shape) for k, v in batch.items()})
    for step in range(20):
        logits = model(**batch)
        loss = nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step} loss {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        preds = model(**batch).argmax(-1)
    print("closure predicted:", preds.tolist())


if __name__ == "__main__":
    main()
