import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Protocol, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+|==|!=|<=|>=|->|\*\*|[^\s\w]")
CAMEL_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
SPECIALS = ("<pad>", "<unk>", "<mask>", "<cls>")


@dataclass
class PretrainConfig:
    max_len: int = 40
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    mask_prob: float = 0.15
    batch_size: int = 8
    steps: int = 25
    lr: float = 5e-4
    min_freq: int = 1
    specials: Sequence[str] = field(default_factory=lambda: list(SPECIALS))


class SubwordSplitter(Protocol):
    def __call__(self, snippet: str) -> List[str]: ...


def split_code(snippet: str) -> List[str]:
    out: List[str] = []
    for tok in TOKEN_RE.findall(snippet):
        if tok[0].isalpha() or tok[0] == "_":
            out.extend(p.lower() for p in CAMEL_RE.findall(tok) or [tok])
        else:
            out.append(tok)
    return out


def synth_functions(n: int, rng: random.Random) -> Iterator[str]:
    verbs = ["load", "parse", "merge", "filter", "encode", "flush", "resolve"]
    nouns = ["Config", "UserRecord", "httpHeader", "rowBuffer", "TokenStream", "cacheEntry"]
    for _ in range(n):
        v, a, b = rng.choice(verbs), rng.choice(nouns), rng.choice(nouns)
        limit = rng.randint(2, 64)
        yield (
            f"def {v}_{a.lower()}(items: list, {b[0].lower() + b[1:]}: dict) -> int:\n"
            f"    total = 0\n"
            f"    for idx, item in enumerate(items):\n"
            f"        if idx >= {limit} or item is None:\n"
            f"            break\n"
            f"        total += len({b[0].lower() + b[1:]}.get(item, []))\n"
            f"    return total ** 2 if total != 0 else -1\n"
        )


def build_vocab(token_lists: Iterable[List[str]], cfg: PretrainConfig) -> Dict[str, int]:
    counts = Counter(t for toks in token_lists for t in toks)
    itos = list(cfg.specials) + sorted(t for t, c in counts.items() if c >= cfg.min_freq)
    return {t: i for i, t in enumerate(itos)}


def encode(tokens: List[str], vocab: Dict[str, int], max_len: int) -> List[int]:
    ids = [vocab["<cls>"]] + [vocab.get(t, vocab["<unk>"]) for t in tokens][: max_len - 1]
    return ids + [vocab["<pad>"]] * (max_len - len(ids))


def mask_batch(ids: torch.Tensor, vocab: Dict[str, int], prob: float,
               gen: torch.Generator) -> Dict[str, torch.Tensor]:
    special_ids = torch.tensor([vocab[s] for s in SPECIALS])
    candidates = ~torch.isin(ids, special_ids)
    chosen = (torch.rand(ids.shape, generator=gen) < prob) & candidates
    targets = torch.where(chosen, ids, torch.full_like(ids, -100))
    corrupted = ids.masked_fill(chosen, vocab["<mask>"])
    return {"input_ids": corrupted, "targets": targets, "pad_mask": ids.eq(vocab["<pad>"])}


class CodeEncoder(nn.Module):
    def __init__(self, vocab_size: int, cfg: PretrainConfig) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.d_model, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)

    def forward(self, input_ids: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok(input_ids) + self.pos(positions)[None]
        return self.norm(self.encoder(h, src_key_padding_mask=pad_mask))


class MaskedSubwordHead(nn.Module):
    def __init__(self, encoder: CodeEncoder, vocab_size: int, d_model: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.proj = nn.Linear(d_model, vocab_size)

    def forward(self, input_ids: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
        return self.proj(self.encoder(input_ids, pad_mask))


def mlm_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits, targets, ignore_index=-100)


def batches(rows: torch.Tensor, size: int, gen: torch.Generator) -> Iterator[torch.Tensor]:
    while True:
        order = torch.randperm(rows.size(0), generator=gen)
        for start in range(0, rows.size(0) - size + 1, size):
            yield rows[order[start:start + size]]


def main() -> None:
    cfg = PretrainConfig()
    rng = random.Random(SEED)
    corpus = list(synth_functions(200, rng))
    token_lists = [split_code(s) for s in corpus]
    vocab = build_vocab(token_lists, cfg)
    rows = torch.tensor([encode(t, vocab, cfg.max_len) for t in token_lists])
    print(f"vocab={len(vocab)} rows={tuple(rows.shape)}")

    model = MaskedSubwordHead(CodeEncoder(len(vocab), cfg), len(vocab), cfg.d_model)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    gen = torch.Generator().manual_seed(SEED)

    model.train()
    for step, ids in zip(range(cfg.steps), batches(rows, cfg.batch_size, gen)):
        batch = mask_batch(ids, vocab, cfg.mask_prob, gen)
        logits = model(batch["input_ids"], batch["pad_mask"])
        loss = mlm_loss(logits, batch["targets"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 5 == 0:
            print(f"step {step:03d} mlm_loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
