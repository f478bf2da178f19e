"""Encode beekeepers' hive inspection notes with a tiny BERT and score colony health.

Token-length statistics of the notes are saved next to the vocab so that the
padding length can be reused by later runs.
"""
import json
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

NOTES = [
    ("queen seen eggs present brood pattern solid calm colony", 0),
    ("no eggs no queen seen several queen cells on frame four", 1),
    ("varroa count high after sugar roll treat this week", 1),
    ("strong flow supers filling fast added second super", 0),
    ("hive light on stores feed syrup before cold nights return and check again "
     "next visit colony small but calm queen seen on frame three with some eggs and "
     "capped brood no sign of wax moth or beetles entrance reduced before closing up hive", 1),
    ("chalkbrood mummies at entrance brood spotty requeen soon", 1),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def save_length_stats(tokenizer, texts, folder):
    lengths = sorted(len(tokenizer(t)["input_ids"]) for t in texts)
    stats = {
        "p50": lengths[len(lengths) // 2],
        "p90": lengths[int(0.9 * (len(lengths) - 1))],
        "p100": lengths[-1],
    }
    path = os.path.join(folder, "length_stats.json")
    with open(path, "w") as f:
        json.dump(stats, f)
    return path


class HiveHealthModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.classifier = nn.Linear(config.hidden_size, 2)

    def forward(self, input_ids, attention_mask):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
        return self.classifier(out.pooler_output)


def main():
    texts = [t for t, _ in NOTES]
    labels = torch.tensor([y for _, y in NOTES])
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(texts, workdir))

    with open(save_length_stats(tokenizer, texts, workdir)) as f:
        stats = json.load(f)
    print("token length stats:", stats)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = HiveHealthModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    enc = tokenizer(texts, padding="max_length", truncation=True,
                    max_length=min(stats["p100"], 32), return_tensors="pt")
    print("input_ids:", tuple(enc["input_ids"].shape))

    model.train()
    for step in range(3):
        logits = model(enc["input_ids"], enc["attention_mask"])
        loss = nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
