import os
import random
from typing import Dict, Iterator, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

QUERY_LEN = 12
TITLE_LEN = 40
N_NEG = 3
SEED = 2024

base_dir = os.path.dirname(os.path.abspath(__file__))
vocab_file = os.path.join(base_dir, "vocab.txt")

terms = (
    "usb c cable fast charging braided iphone samsung galaxy case silicone clear magnetic "
    "wireless charger stand laptop sleeve 13 15 inch waterproof gaming mouse rgb keyboard "
    "mechanical blue switch monitor 27 4k hdmi adapter hub portable ssd 1tb 2tb ergonomic "
    "office chair desk lamp led dimmable smart plug wifi bulb speaker bluetooth"
).split()


def build_vocab():
    with open(vocab_file, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(terms)) + ["##s", "##ed", "##ing"]:
            f.write(t + "\n")


def sample_title(r: random.Random, anchor: List[str]) -> str:
    extra = r.sample(terms, r.randint(3, 9))
    words = anchor + extra
    r.shuffle(words)
    return " ".join(words)


def log_stream(r: random.Random, n: int) -> Iterator[Dict]:
    for _ in range(n):
        anchor = r.sample(terms, 2)
        query = " ".join(anchor)
        clicked = sample_title(r, anchor)
        skipped = [sample_title(r, r.sample(terms, 2)) for _ in range(N_NEG)]
        yield {"query": query, "clicked": clicked, "skipped": skipped}


def batched(it, size):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


class Tower(nn.Module):
    def __init__(self, vocab_size: int, out_dim: int = 32):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.out = nn.Linear(32, out_dim)

    def forward(self, ids, mask):
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(self.out(pooled), dim=-1)


def tokenize_batch(tok: BertTokenizer, rows: List[Dict]) -> Dict[str, torch.Tensor]:
    q = tok([r["query"] for r in rows], padding="max_length", truncation=True, max_length=QUERY_LEN, return_tensors="pt")
    titles = []
    for r in rows:
        titles.append(r["clicked"])
        titles.extend(r["skipped"])
    t = tok(titles, padding="max_length", truncation=True, max_length=TITLE_LEN, return_tensors="pt")
    return {
        "q_ids": q["input_ids"],
        "q_mask": q["attention_mask"],
        "t_ids": t["input_ids"],
        "t_mask": t["attention_mask"],
    }


def pairwise_hinge(q_vec, t_vec, margin=0.2):
    bsz = q_vec.size(0)
    t_vec = t_vec.view(bsz, 1 + N_NEG, -1)
    scores = torch.einsum("bd,bkd->bk", q_vec, t_vec)
    pos = scores[:, :1]
    neg = scores[:, 1:]
    return F.relu(margin - pos + neg).mean(), scores


def run():
    r = random.Random(SEED)
    torch.manual_seed(SEED)
    build_vocab()
    tok = BertTokenizer(vocab_file)
    q_tower = Tower(tok.vocab_size)
    t_tower = Tower(tok.vocab_size)
    params = list(q_tower.parameters()) + list(t_tower.parameters())
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.01)

    step = 0
    for rows in batched(log_stream(r, 64), 8):
        batch = tokenize_batch(tok, rows)
        q_vec = q_tower(batch["q_ids"], batch["q_mask"])
        t_vec = t_tower(batch["t_ids"], batch["q_mask"].repeat_interleave(1 + N_NEG, dim=0))
        loss, scores = pairwise_hinge(q_vec, t_vec)
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = (scores.argmax(-1) == 0).float().mean().item()
        if step % 2 == 0:
            print(f"step {step} hinge={loss.item():.4f} top1={acc:.2f}")
        step += 1


if __name__ == "__main__":
    run()
