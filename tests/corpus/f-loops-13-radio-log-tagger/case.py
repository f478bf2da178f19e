"""Evaluate a small tagger on maritime radio log transcripts.

Each token of a transcript is tagged as OTHER, VESSEL, POSITION or ACTION.
Transcripts have different lengths and are padded into one batch for scoring.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(7)

TAGS = ["OTHER", "VESSEL", "POSITION", "ACTION"]
TRANSCRIPTS = [
    ("mayday mayday this is nordlys requesting tow", [0, 0, 0, 0, 1, 3, 3]),
    ("pan pan harbour pilot at buoy seven", [0, 0, 1, 1, 0, 2, 2]),
    ("kestrel anchored north of breakwater", [1, 3, 2, 2, 2]),
    ("securite securite dredger working channel two east side", [0, 0, 1, 3, 2, 2, 2, 2]),
    ("all stations fog bank", [0, 0, 0, 0]),
]


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def encode(text, vocab):
    return torch.tensor([vocab.get(w, 1) for w in text.split()], dtype=torch.long)


class RadioTagger(nn.Module):
    def __init__(self, vocab_size, dim, num_tags):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, num_tags)

    def forward(self, x):
        h, _ = self.rnn(self.embed(x))
        return self.out(h)


def make_examples(vocab):
    examples = []
    for text, tags in TRANSCRIPTS:
        examples.append({"text": text, "ids": encode(text, vocab), "tags": torch.tensor(tags)})
    return examples


def token_accuracy(model, examples):
    x = pad_sequence([ex["ids"] for ex in examples], batch_first=True, padding_value=0)
    with torch.no_grad():
        preds = model(x).argmax(-1)
    print("padded batch:", tuple(x.shape), "preds:", tuple(preds.shape))
    correct, total = 0, 0
    for i, ex in enumerate(examples):
        for t in range(preds.size(1)):
            correct += int(preds[i, t] == ex["tags"][t])
            total += 1
    return correct / total


def main():
    vocab = build_vocab(text for text, _ in TRANSCRIPTS)
    examples = make_examples(vocab)
    model = RadioTagger(len(vocab), 16, len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(2):
        for ex in examples:
            logits = model(ex["ids"].unsqueeze(0)).squeeze(0)
            loss = loss_fn(logits, ex["tags"])
            opt.zero_grad()
            loss.backward()
            opt.step()
    print(f"final loss {loss.item():.4f}")
    model.eval()
    acc = token_accuracy(model, examples)
    print(f"token accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
