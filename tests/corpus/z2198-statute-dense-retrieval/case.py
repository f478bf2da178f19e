import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class RetrieverConfig:
    vocab_path: str = "statute_vocab.txt"
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    proj_dim: int = 24
    pooling: str = "cls+mean"
    max_query_len: int = 24
    max_doc_len: int = 48
    temperature: float = 0.05
    batch_size: int = 16
    lr: float = 3e-4
    steps: int = 20
    seed: int = 2024
    topics: list = field(default_factory=lambda: [
        "theft", "burglary", "fraud", "assault", "trespass", "forgery",
        "bribery", "perjury", "arson", "embezzlement", "extortion", "stalking",
    ])


def build_corpus(cfg):
    rng = random.Random(cfg.seed)
    statutes, queries = [], []
    for i, topic in enumerate(cfg.topics):
        for grade in ["first", "second", "third"]:
            sec = f"{100 + i}.{len(statutes) % 3 + 1}"
            statutes.append({
                "section": sec,
                "text": f"section {sec} a person commits {topic} in the {grade} degree when he "
                        f"knowingly engages in {topic} and the value or harm exceeds the statutory threshold",
            })
            for _ in range(3):
                lead = rng.choice(["my client was charged with", "what is the penalty for",
                                   "elements of", "is it a felony to commit"])
                queries.append({"text": f"{lead} {grade} degree {topic}", "gold": len(statutes) - 1})
    return statutes, queries


def write_vocab(cfg, statutes, queries):
    words = sorted({w for s in statutes for w in s["text"].split()} |
                   {w for q in queries for w in q["text"].split()})
    with open(cfg.vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


class StatuteBiEncoder(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.cfg = cfg
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.num_layers,
            num_attention_heads=cfg.num_heads,
            intermediate_size=cfg.hidden_size * 2,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(bert_cfg)
        self.proj = nn.Sequential(
            nn.Linear(cfg.hidden_size, cfg.proj_dim),
            nn.Tanh(),
        )

    def pool(self, hidden, mask):
        cls_vec = hidden[:, 0]
        m = mask.unsqueeze(-1).to(hidden.dtype)
        mean_vec = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-6)
        if self.cfg.pooling == "cls":
            return cls_vec
        if self.cfg.pooling == "mean":
            return mean_vec
        return torch.cat([cls_vec, mean_vec], dim=-1)

    def embed(self, enc):
        out = self.encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
        pooled = self.pool(out.last_hidden_state, enc["attention_mask"])
        return F.normalize(self.proj(pooled), dim=-1)


def in_batch_nce(q_emb, d_emb, temperature):
    scores = q_emb @ d_emb.T / temperature
    target = torch.arange(q_emb.size(0))
    return F.cross_entropy(scores, target)


@torch.no_grad()
def recall_at_k(model, tok, cfg, statutes, queries, k=5):
    model.eval()
    d_enc = tok([s["text"] for s in statutes], padding=True, truncation=True,
                max_length=cfg.max_doc_len, return_tensors="pt")
    q_enc = tok([q["text"] for q in queries], padding=True, truncation=True,
                max_length=cfg.max_query_len, return_tensors="pt")
    sims = model.embed(q_enc) @ model.embed(d_enc).T
    topk = sims.topk(k, dim=-1).indices
    gold = torch.tensor([q["gold"] for q in queries]).unsqueeze(1)
    return (topk == gold).any(dim=1).float().mean().item()


def main():
    cfg = RetrieverConfig()
    cfg.vocab_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), cfg.vocab_path)
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)

    statutes, queries = build_corpus(cfg)
    write_vocab(cfg, statutes, queries)
    tok = BertTokenizer(cfg.vocab_path)
    model = StatuteBiEncoder(cfg, tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for step in range(cfg.steps):
        model.train()
        batch = random.sample(queries, cfg.batch_size)
        # one positive statute per query; duplicates are rare enough for a smoke run
        q_enc = tok([q["text"] for q in batch], padding=True, truncation=True,
                    max_length=cfg.max_query_len, return_tensors="pt")
        d_enc = tok([statutes[q["gold"]]["text"] for q in batch], padding=True, truncation=True,
                    max_length=cfg.max_doc_len, return_tensors="pt")
        loss = in_batch_nce(model.embed(q_enc), model.embed(d_enc), cfg.temperature)
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 5 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    print(f"recall@5 = {recall_at_k(model, tok, cfg, statutes, queries):.3f}")


if __name__ == "__main__":
    main()
