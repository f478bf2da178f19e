import os
import random
import re
from dataclasses import dataclass
from typing import Dict, List, Protocol, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 2024
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "search_vocab.txt")

IDENT_RE = re.compile(r"[A-Za-z_]\w*")
PIECE_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

ACTIONS = {
    "read": "open a file and return its text",
    "sort": "order the records by key",
    "hash": "compute a digest of the payload",
    "retry": "call again after a failure",
    "paginate": "split results into pages",
    "validate": "check the schema of the input",
}
OBJECTS = ["UserProfile", "jsonPayload", "httpResponse", "csvRows", "cacheKey", "OrderItems"]


@dataclass(frozen=True)
class TowerSpec:
    hidden_size: int
    num_layers: int
    max_len: int


QUERY_TOWER = TowerSpec(hidden_size=32, num_layers=1, max_len=24)
CODE_TOWER = TowerSpec(hidden_size=64, num_layers=2, max_len=64)
PROJ_DIM = 16
TEMPERATURE = 0.07


class TextEncoder(Protocol):
    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor: ...


def subwords(code: str) -> str:
    return " ".join(p.lower() for ident in IDENT_RE.findall(code) for p in PIECE_RE.findall(ident))


def make_pairs(n: int, rng: random.Random) -> List[Tuple[str, str]]:
    pairs = []
    for _ in range(n):
        verb = rng.choice(list(ACTIONS))
        obj = rng.choice(OBJECTS)
        code = (f"def {verb}{obj}(src, maxTries=3):\n"
                f"    result = {verb}_impl(src)\n"
                f"    return result if result else None\n")
        query = f"how to {ACTIONS[verb]} for {' '.join(PIECE_RE.findall(obj)).lower()}"
        pairs.append((query, code))
    return pairs


def write_vocab(texts: Sequence[str], path: str) -> None:
    words = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


def bert_for(spec: TowerSpec, vocab_size: int) -> BertModel:
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=spec.hidden_size,
                     num_hidden_layers=spec.num_layers, num_attention_heads=2,
                     intermediate_size=spec.hidden_size * 2,
                     max_position_embeddings=spec.max_len + 8)
    return BertModel(cfg, add_pooling_layer=False)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class DualEncoder(nn.Module):
    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.query_bert = bert_for(QUERY_TOWER, vocab_size)
        self.code_bert = bert_for(CODE_TOWER, vocab_size)
        self.query_proj = nn.Linear(QUERY_TOWER.hidden_size, PROJ_DIM)
        self.code_proj = nn.Linear(CODE_TOWER.hidden_size, PROJ_DIM)

    def embed_query(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.query_bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return F.normalize(self.query_proj(mean_pool(h, attention_mask)), dim=-1)

    def embed_code(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.code_bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return F.normalize(self.code_proj(mean_pool(h, attention_mask)), dim=-1)


def info_nce(q: torch.Tensor, c: torch.Tensor, temperature: float) -> torch.Tensor:
    sims = q @ c.T / temperature
    gold = torch.arange(q.size(0))
    return 0.5 * (F.cross_entropy(sims, gold) + F.cross_entropy(sims.T, gold))


def tokenize_side(tok: BertTokenizer, texts: List[str], max_len: int) -> Dict[str, torch.Tensor]:
    enc = tok(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}


def recall_at_1(q: torch.Tensor, c: torch.Tensor) -> float:
    return (q @ c.T).argmax(-1).eq(torch.arange(q.size(0))).float().mean().item()


def main() -> None:
    rng = random.Random(SEED)
    pairs = make_pairs(96, rng)
    write_vocab([q for q, _ in pairs] + [subwords(c) for _, c in pairs], VOCAB_FILE)
    tokenizer = BertTokenizer(VOCAB_FILE)

    model = DualEncoder(tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch_size = 12

    for epoch in range(2):
        rng.shuffle(pairs)
        for i in range(0, len(pairs), batch_size):
            chunk = pairs[i:i + batch_size]
            qb = tokenize_side(tokenizer, [q for q, _ in chunk], QUERY_TOWER.max_len)
            cb = tokenize_side(tokenizer, [subwords(c) for _, c in chunk], CODE_TOWER.max_len)
            loss = info_nce(model.embed_query(**qb), model.embed_code(**cb), TEMPERATURE)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        qb = tokenize_side(tokenizer, [q for q, _ in pairs[:24]], QUERY_TOWER.max_len)
        cb = tokenize_side(tokenizer, [subwords(c) for _, c in pairs[:24]], CODE_TOWER.max_len)
        print(f"recall@1 {recall_at_1(model.embed_query(**qb), model.embed_code(**cb)):.3f}")


if __name__ == "__main__":
    main()
