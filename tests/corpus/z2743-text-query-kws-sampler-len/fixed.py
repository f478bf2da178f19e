import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
KEYWORDS = ["marvin", "sheila", "happy", "house", "bird", "tree", "wow", "visual", "forward", "follow"]
N_MELS = 32
N_FRAMES = 50
SEED = 11


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + KEYWORDS) + "\n")
    return path


def keyword_template(word_idx):
    rows = np.arange(N_MELS)[:, None]
    cols = np.arange(N_FRAMES)[None, :]
    return np.sin(0.15 * (word_idx + 1) * rows + 0.08 * cols * (1 + word_idx % 3))


class QueryPairs(Dataset):
    def __init__(self, n_clips, seed):
        rng = np.random.default_rng(seed)
        self.pairs = []
        for _ in range(n_clips):
            spoken = int(rng.integers(len(KEYWORDS)))
            mel = keyword_template(spoken) + 0.5 * rng.standard_normal((N_MELS, N_FRAMES))
            mel = torch.tensor(mel, dtype=torch.float32)
            distractor = int((spoken + rng.integers(1, len(KEYWORDS))) % len(KEYWORDS))
            self.pairs.append({"mel": mel, "query": KEYWORDS[spoken], "match": 1})
            self.pairs.append({"mel": mel, "query": KEYWORDS[distractor], "match": 0})

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        return self.pairs[i]


class BalancedPairBatchSampler(Sampler):
    def __init__(self, pairs, batch_size, seed=0):
        self.positives = [i for i, p in enumerate(pairs) if p["match"] == 1]
        self.negatives = [i for i, p in enumerate(pairs) if p["match"] == 0]
        self.batch_size = batch_size
        self.rng = random.Random(seed)

    def __iter__(self):
        pos, neg = self.positives[:], self.negatives[:]
        self.rng.shuffle(pos)
        self.rng.shuffle(neg)
        half = self.batch_size // 2
        for start in range(0, min(len(pos), len(neg)), half):
            batch = pos[start:start + half] + neg[start:start + half]
            self.rng.shuffle(batch)
            yield batch

    def __len__(self):
        return (len(self.positives) + len(self.negatives)) // self.batch_size


def make_collate(tokenizer):
    def collate(items):
        enc = tokenizer([it["query"] for it in items], padding=True, return_tensors="pt")
        return {
            "mel": torch.stack([it["mel"] for it in items]),
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "match": torch.tensor([it["match"] for it in items], dtype=torch.float32),
        }
    return collate


class QueryByTextKWS(nn.Module):
    def __init__(self, vocab_size, hidden=32, lr=3e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=16)
        self.text_encoder = BertModel(cfg)
        self.audio_encoder = nn.GRU(N_MELS, hidden, batch_first=True)
        self.scale = nn.Parameter(torch.tensor(5.0))
        self.lr = lr

    def forward(self, batch):
        _, h = self.audio_encoder(batch["mel"].transpose(1, 2))
        audio_emb = F.normalize(h[-1], dim=-1)
        text = self.text_encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        text_emb = F.normalize(text.last_hidden_state[:, 0], dim=-1)
        return self.scale * (audio_emb * text_emb).sum(-1)

    def training_step(self, batch, batch_idx):
        return F.binary_cross_entropy_with_logits(self(batch), batch["match"])

    def validation_step(self, batch, batch_idx):
        scores = self(batch)
        return ((scores > 0).float() == batch["match"]).float().sum().item(), len(batch["match"])

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def run(module, train_loader, val_loader, epochs=3):
    optimizer = module.configure_optimizers()
    steps_per_epoch = len(train_loader)
    log_every = max(1, steps_per_epoch // 4)
    for epoch in range(epochs):
        module.train()
        for step, batch in enumerate(train_loader):
            def closure():
                optimizer.zero_grad()
                loss = module.training_step(batch, step)
                loss.backward()
                return loss
            loss = optimizer.step(closure)
            if step % log_every == 0:
                print(f"[{epoch}] {step}/{steps_per_epoch} loss={loss.item():.4f}")
        module.eval()
        with torch.no_grad():
            stats = [module.validation_step(b, i) for i, b in enumerate(val_loader)]
        print(f"[{epoch}] val_acc={sum(s[0] for s in stats) / sum(s[1] for s in stats):.3f}")


def main():
    torch.manual_seed(SEED)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "kws_vocab.txt")))
    train_set, val_set = QueryPairs(120, seed=SEED), QueryPairs(30, seed=SEED + 1)
    collate = make_collate(tokenizer)
    train_loader = DataLoader(train_set, batch_sampler=BalancedPairBatchSampler(train_set.pairs, 16),
                              collate_fn=collate)
    val_loader = DataLoader(val_set, batch_size=32, collate_fn=collate)
    model = QueryByTextKWS(tokenizer.vocab_size)
    run(model, train_loader, val_loader)


if __name__ == "__main__":
    main()
