import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BRANDS = ["acme", "zento", "lumo", "kraft", "nordic", "vela"]
NOUNS = ["shoe", "jacket", "kettle", "lamp", "backpack", "headphones", "mug", "blender", "sofa", "charger"]
ADJS = ["black", "red", "wireless", "leather", "waterproof", "stainless", "compact", "large", "organic", "usb"]
FILLER = ["for", "with", "and", "men", "women", "kids", "pack", "of", "2", "3", "inch", "set", "pro", "mini"]


@dataclass
class RankCfg:
    group_size: int = 4
    max_len: int = 32
    batch_queries: int = 3
    hidden: int = 32
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7
    grades: list = field(default_factory=lambda: [3, 2, 1, 0])


def write_vocab(path):
    words = SPECIAL + sorted(set(BRANDS + NOUNS + ADJS + FILLER)) + ["##s", "##er", "##ing"]
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return path


def make_title(rng, noun):
    parts = [rng.choice(BRANDS)] + rng.sample(ADJS, rng.randint(1, 4)) + [noun]
    if rng.random() < 0.6:
        parts += rng.sample(FILLER, rng.randint(1, 5))
    return " ".join(parts)


def synth_judgments(rng, n_queries, group_size):
    rows = []
    for _ in range(n_queries):
        noun = rng.choice(NOUNS)
        query = " ".join(rng.sample(ADJS, rng.randint(1, 2)) + [noun])
        cands = []
        for g in range(group_size):
            if g == 0:
                title, grade = query + " " + make_title(rng, noun), 3
            elif g == 1:
                title, grade = make_title(rng, noun), 2
            else:
                other = rng.choice([n for n in NOUNS if n != noun])
                title, grade = make_title(rng, other), rng.choice([0, 1])
            cands.append((title, grade))
        rng.shuffle(cands)
        rows.append({"query": query, "titles": [c[0] for c in cands], "grades": [c[1] for c in cands]})
    return rows


class QueryGroupDataset(Dataset):
    def __init__(self, rows, tokenizer, cfg):
        self.rows = rows
        self.tok = tokenizer
        self.cfg = cfg

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        enc = self.tok(
            [row["query"]] * len(row["titles"]),
            row["titles"],
            padding="max_length",
            truncation=True,
            max_length=self.cfg.max_len,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "token_type_ids": enc["token_type_ids"],
            "grades": torch.tensor(row["grades"], dtype=torch.float),
        }


class CrossEncoderRanker(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bcfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.bert = BertModel(bcfg)
        self.head = nn.Linear(cfg.hidden, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        b, g, L = input_ids.shape
        out = self.bert(
            input_ids=input_ids.view(b * g, L),
            attention_mask=attention_mask.view(b * g, L),
            token_type_ids=token_type_ids.view(b * g, L),
        )
        cls = out.last_hidden_state[:, 0]
        return self.head(cls).view(b, g)


def listnet_loss(scores, grades, temperature=1.0):
    target = F.softmax(grades / temperature, dim=-1)
    return -(target * F.log_softmax(scores, dim=-1)).sum(-1).mean()


def ndcg_at_k(scores, grades, k=3):
    order = scores.argsort(dim=-1, descending=True)[:, :k]
    gains = (2 ** grades.gather(1, order) - 1)
    disc = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float))
    dcg = (gains * disc).sum(-1)
    ideal = (2 ** grades.sort(dim=-1, descending=True).values[:, :k] - 1)
    idcg = (ideal * disc).sum(-1).clamp(min=1e-9)
    return (dcg / idcg).mean().item()


def main():
    cfg = RankCfg()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    vocab_path = write_vocab(os.path.join(HERE, "vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    rows = synth_judgments(rng, 24, cfg.group_size)
    train_rows, valid_rows = rows[:18], rows[18:]
    train_dl = DataLoader(QueryGroupDataset(train_rows, tokenizer, cfg), batch_size=cfg.batch_queries, shuffle=True)
    valid_dl = DataLoader(QueryGroupDataset(valid_rows, tokenizer, cfg), batch_size=cfg.batch_queries)

    model = CrossEncoderRanker(tokenizer.vocab_size, cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            scores = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            loss = listnet_loss(scores, batch["grades"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        model.eval()
        with torch.no_grad():
            ndcgs = [ndcg_at_k(model(b["input_ids"], b["attention_mask"], b["token_type_ids"]), b["grades"]) for b in valid_dl]
        print(f"epoch {epoch} listnet={running / len(train_dl):.4f} ndcg@3={sum(ndcgs) / len(ndcgs):.3f}")


if __name__ == "__main__":
    main()
