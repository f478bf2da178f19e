"""Driller's borehole logs -> does the hole reach a usable aquifer?

Each borehole is a list of interval descriptions joined into one log. Logs
differ a lot in length, so batches are bucketed by token count.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

INTERVAL_TEXT = {
    "soil": "brown sandy topsoil with roots",
    "clay": "stiff grey clay plastic no water",
    "till": "boulder clay with cobbles hard drilling",
    "sand": "medium sand loose some water strike",
    "gravel": "coarse gravel well rounded strong inflow",
    "chalk": "white chalk fractured with flints losses of circulation",
    "shale": "dark shale laminated dry",
    "granite": "pink granite fresh very hard slow penetration",
}

BOREHOLES = [
    (["soil", "clay", "sand", "gravel"], 1),
    (["soil", "clay", "shale"], 0),
    (["soil", "till", "till", "granite"], 0),
    (["soil", "chalk", "chalk"], 1),
    (["soil", "clay", "clay", "till", "shale", "shale"], 0),
    (["soil", "sand", "clay", "gravel", "gravel"], 1),
    (["soil", "till", "clay", "till", "clay", "till", "clay", "shale", "shale", "granite", "granite", "granite"], 0),
    (["soil", "clay", "till", "sand", "clay", "till", "chalk", "chalk", "chalk", "chalk", "chalk"], 1),
    (["soil", "granite"], 0),
    (["soil", "gravel"], 1),
]


@dataclass
class LogRecord:
    text: str
    wet: int


def make_vocab_file():
    words = sorted({w for t in INTERVAL_TEXT.values() for w in t.split()})
    folder = tempfile.mkdtemp(prefix="bh_tok_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words) + "\n")
    return os.path.join(folder, "vocab.txt")


class BoreholeLogs(Dataset):
    def __init__(self, holes):
        self.records = [LogRecord(", ".join(INTERVAL_TEXT[k] for k in seq), wet) for seq, wet in holes]

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        return self.records[i]


class TokenBucketSampler(Sampler):
    def __init__(self, token_counts, boundaries=(16, 32, 64, 128), batch_size=2):
        self.token_counts = token_counts
        self.boundaries = boundaries
        self.batch_size = batch_size
        self.groups = [[] for _ in boundaries]
        for idx, n in enumerate(token_counts):
            slot = next((b for b, edge in enumerate(boundaries) if n <= edge), len(boundaries) - 1)
            self.groups[slot].append(idx)

    def __iter__(self):
        batches = []
        for g in self.groups:
            g = random.sample(g, len(g))
            batches += [g[s:s + self.batch_size] for s in range(0, len(g), self.batch_size)]
        random.shuffle(batches)
        yield from batches

    def __len__(self):
        return sum(-(-len(g) // self.batch_size) for g in self.groups)


class LogCollator:
    def __init__(self, tokenizer, max_len):
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __call__(self, recs):
        enc = self.tokenizer([r.text for r in recs], padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"], torch.tensor([r.wet for r in recs])


def init_worker(wid):
    np.random.seed(np.random.get_state()[1][0] + wid)


class AquiferHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(cfg.hidden_size, 2)

    def forward(self, ids, attn):
        h = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state[:, 0]
        return self.cls(self.drop(h))


def main():
    tokenizer = BertTokenizer(make_vocab_file())
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    ds = BoreholeLogs(BOREHOLES)
    counts = [len(tokenizer(r.text)["input_ids"]) for r in ds.records]
    print("token counts per log:", counts)

    sampler = TokenBucketSampler(counts)
    collate = LogCollator(tokenizer, max_len=cfg.max_position_embeddings)
    loader = DataLoader(ds, batch_sampler=sampler, collate_fn=collate,
                        num_workers=2, worker_init_fn=init_worker)

    model = AquiferHead(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()
    for epoch in range(1):
        seen, correct = 0, 0
        for ids, attn, wet in loader:
            logits = model(ids, attn)
            loss = crit(logits, wet)
            loss.backward()
            opt.step()
            opt.zero_grad()
            correct += (logits.argmax(-1) == wet).sum().item()
            seen += len(wet)
        print(f"epoch {epoch}: loss={loss.item():.4f} acc={correct / seen:.2f}")


if __name__ == "__main__":
    main()
