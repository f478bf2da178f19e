import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer

random.seed(0)
torch.manual_seed(0)

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = {
    "max_len": 64,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "ff_dim": 64,
    "temperature": 0.05,
    "batch_size": 8,
    "lr": 1e-3,
    "epochs": 2,
}

LEGAL_TERMS = (
    "tenant landlord lease premises eviction notice rent deposit security return days "
    "employer employee wage overtime hours minimum payment discharge retaliation "
    "vehicle driver license suspension intoxicated operating offense penalty fine "
    "consumer seller warranty merchantability goods defect refund disclosure credit "
    "shall must may within after before person any written court order violation section"
).split()

STATUTES = {
    "Civ. Code 1950.5": "security deposit return within days after tenant vacates premises landlord shall",
    "Civ. Code 1946": "landlord tenant written notice days terminate lease premises",
    "Lab. Code 510": "employee overtime hours wage payment employer shall",
    "Lab. Code 1102.5": "employer retaliation discharge employee disclosure violation",
    "Veh. Code 23152": "person driver vehicle operating intoxicated offense",
    "Veh. Code 13353": "license suspension driver court order violation",
    "Civ. Code 1791.1": "warranty merchantability goods seller consumer defect",
    "Civ. Code 1788.17": "consumer credit disclosure seller violation penalty",
}


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        for tok in special + sorted(set(LEGAL_TERMS)):
            fh.write(tok + "\n")


def make_queries(rng, n_per_statute=10):
    pairs = []
    for cite, text in STATUTES.items():
        core = text.split()
        for _ in range(n_per_statute):
            words = rng.sample(core, k=min(len(core), rng.randint(3, 6)))
            words += [rng.choice(LEGAL_TERMS) for _ in range(rng.randint(4, 20))]
            rng.shuffle(words)
            pairs.append((" ".join(words), cite))
    rng.shuffle(pairs)
    return pairs


class QueryStatutePairs(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        query, cite = self.pairs[i]
        return {"query": query, "statute": STATUTES[cite], "cite": cite}


def make_collate(tokenizer, max_len):
    def collate(items):
        q = tokenizer([it["query"] for it in items], padding="longest", truncation=True,
                      max_length=max_len, return_tensors="pt")
        s = tokenizer([it["statute"] for it in items], padding="longest", truncation=True,
                      max_length=max_len, return_tensors="pt")
        return {
            "q_ids": q["input_ids"], "q_mask": q["attention_mask"],
            "s_ids": s["input_ids"], "s_mask": s["attention_mask"],
            "cites": [it["cite"] for it in items],
        }
    return collate


class TextTower(nn.Module):
    def __init__(self, vocab_size, cfg, pad_id):
        super().__init__()
        d = cfg["d_model"]
        self.tok_emb = nn.Embedding(vocab_size, d, padding_idx=pad_id)
        self.pos_emb = nn.Embedding(cfg["max_len"] + 1, d)
        self.pool_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], cfg["ff_dim"], dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"], enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)

    def forward(self, ids, attn_mask):
        bsz, seq_len = ids.shape
        h = self.tok_emb(ids)
        h = torch.cat([self.pool_token.expand(bsz, -1, -1), h], dim=1)
        pos = torch.arange(seq_len + 1, device=ids.device)
        h = h + self.pos_emb(pos)[None]
        pad_mask = attn_mask == 0
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return F.normalize(self.norm(h[:, 0]), dim=-1)


class DualEncoder(nn.Module):
    def __init__(self, vocab_size, cfg, pad_id):
        super().__init__()
        self.query_tower = TextTower(vocab_size, cfg, pad_id)
        self.statute_tower = TextTower(vocab_size, cfg, pad_id)
        self.temperature = cfg["temperature"]

    def forward(self, q_ids, q_mask, s_ids, s_mask):
        q = self.query_tower(q_ids, q_mask)
        s = self.statute_tower(s_ids, s_mask)
        return q @ s.T / self.temperature


def in_batch_targets(cites):
    # duplicates of the same statute in a batch: point each query at the first occurrence
    first = {}
    return torch.tensor([first.setdefault(c, i) for i, c in enumerate(cites)])


def train():
    vocab_path = os.path.join(HERE, "legal_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    rng = random.Random(0)
    pairs = make_queries(rng)
    loader = DataLoader(QueryStatutePairs(pairs), batch_size=CFG["batch_size"], shuffle=True,
                        collate_fn=make_collate(tokenizer, CFG["max_len"]))

    model = DualEncoder(tokenizer.vocab_size, CFG, tokenizer.pad_token_id)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        epoch_loss = 0.0
        for batch in loader:
            scores = model(batch["q_ids"], batch["q_mask"], batch["s_ids"], batch["s_mask"])
            loss = F.cross_entropy(scores, in_batch_targets(batch["cites"]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: contrastive loss {epoch_loss / len(loader):.4f}")


if __name__ == "__main__":
    train()
