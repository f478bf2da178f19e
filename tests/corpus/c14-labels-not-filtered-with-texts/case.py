"""Quick baseline eval for a language-ID classifier on a CSV export.

Blank rows in the export are dropped before encoding.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
NUM_LANGS = 3


def encode(texts, max_chars=24):
    ids = torch.zeros(len(texts), max_chars, dtype=torch.long)
    for row, text in enumerate(texts):
        codes = [min(ord(c), 255) for c in text[:max_chars]]
        ids[row, : len(codes)] = torch.tensor(codes)
    return ids


def prepare(texts, labels):
    kept = [t for t in texts if t.strip()]
    ids = encode(kept)
    return ids, torch.tensor(labels)


def evaluate(model, ids, targets):
    with torch.no_grad():
        logits = model(ids)
        loss = F.cross_entropy(logits, targets)
    acc = (logits.argmax(-1) == targets).float().mean()
    return loss.item(), acc.item()


texts = ["hello there", "bonjour a tous", "", "hola amigos", "good morning", "  ", "merci beaucoup", "buenos dias"]
labels = [0, 1, 0, 2, 0, 1, 1, 2]
model = nn.Sequential(nn.Embedding(256, 16), nn.Flatten(), nn.Linear(24 * 16, NUM_LANGS))
ids, targets = prepare(texts, labels)
loss, acc = evaluate(model, ids, targets)
print(f"eval loss {loss:.3f} acc {acc:.2f}")
