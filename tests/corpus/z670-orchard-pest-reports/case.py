"""Route orchard scouting reports to the right pest-management team.

CLS + mean pooled features from a small BERT, linear classifier on top.
Functional layout: settings captured in closures, records mapped through pipes.
"""
import functools
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

SETTINGS = {
    "poolers": ("cls", "mean"),
    "lr": 2e-3,
    "epochs": 12,
    "max_len": 48,
}

TEAMS = ["insects", "fungal", "vertebrate"]

REPORTS = [
    {"text": "codling moth larvae found in apples on the north row", "team": "insects"},
    {"text": "apple scab lesions spreading on leaves after rain", "team": "fungal"},
    {"text": "voles girdling young trunks under the mulch", "team": "vertebrate"},
    {"text": "aphid colonies curling new shoots near the fence", "team": "insects"},
    {"text": "powdery mildew coating terminal leaves", "team": "fungal"},
    {"text": "deer browsing lower branches overnight", "team": "vertebrate"},
]

pipe = lambda *fns: lambda x: functools.reduce(lambda acc, fn: fn(acc), fns, x)


def make_tokenizer(records):
    words = sorted({w for r in records for w in r["text"].lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


POOLERS = {
    "cls": lambda hidden, keep: hidden[:, 0],
    "mean": lambda hidden, keep: (hidden * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True),
}


def featurizer(encoder, names):
    chosen = [POOLERS[n] for n in names]

    def features(batch):
        hidden = encoder(**batch).last_hidden_state
        keep = batch["attention_mask"].float()
        return torch.cat([pool(hidden, keep) for pool in chosen], dim=-1)
    return features


def make_head(cfg, n_out):
    return nn.Linear(cfg.hidden_size, n_out)


def encode_with(tokenizer, max_len):
    def encode(records):
        texts = [r["text"] for r in records]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        target = torch.tensor([TEAMS.index(r["team"]) for r in records])
        return dict(enc), target
    return encode


def main():
    tokenizer = make_tokenizer(REPORTS)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(cfg, add_pooling_layer=False)
    head = make_head(cfg, len(TEAMS))
    predict = pipe(featurizer(encoder, SETTINGS["poolers"]), head)

    batch, target = encode_with(tokenizer, SETTINGS["max_len"])(REPORTS)
    print("encoded:", {k: tuple(v.shape) for k, v in batch.items()})

    optim = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=SETTINGS["lr"])
    for epoch in range(SETTINGS["epochs"]):
        optim.zero_grad()
        loss = F.cross_entropy(predict(batch), target)
        loss.backward()
        optim.step()
        if epoch % 4 == 0:
            print(f"epoch {epoch}: loss={loss.item():.4f}")

    with torch.no_grad():
        guesses = predict(batch).argmax(-1).tolist()
    hits = sum(map(lambda pair: pair[0] == pair[1], zip(guesses, target.tolist())))
    print(f"train accuracy {hits}/{len(REPORTS)}")
    for rec, g in zip(REPORTS, guesses):
        print(f"  -> {TEAMS[g]:<10} {rec['text']}")


if __name__ == "__main__":
    main()
