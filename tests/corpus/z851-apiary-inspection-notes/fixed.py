"""Hive inspection note triage for the apiary field tablet (offline, ONNX target).

Beekeepers type short notes after each inspection; a tiny BERT tags the note so
the tablet can raise a swarm or disease alert without connectivity. The export
graph has a fixed sequence length, so batches are padded to STATIC_LEN.
"""
import functools
import os
import tempfile
from typing import Final

import torch
import torch.nn as nn
from torch import Tensor
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED: Final[int] = 5
STATIC_LEN: Final[int] = 32
HIDDEN: Final[int] = 32
PARAM_LIMIT: Final[int] = 120_000
TAGS: Final[tuple[str, ...]] = ("queenright", "queenless", "swarm_prep", "disease_suspect")

NOTES: Final[list[tuple[str, int]]] = [
    ("eggs and young larvae seen queen marked blue calm colony", 0),
    ("no eggs no queen seen bees roaring", 1),
    ("three capped queen cells on bottom bars brood nest crowded", 2),
    ("spotty brood sunken cappings ropey test done", 3),
    ("queen seen laying well two frames of stores", 0),
    ("emergency cells on face of comb no eggs", 1),
    ("queen cups charged with larvae drones everywhere", 2),
    ("deformed wings on several workers mite drop high", 3),
]
SPECIALS: Final[list[str]] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(texts: list[str]) -> str:
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="hive_vocab_"), "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


class NoteTagger(nn.Module):
    def __init__(self, cfg: BertConfig, class_freq: Tensor) -> None:
        super().__init__()
        self.parts = nn.ModuleDict({
            "encoder": BertModel(cfg, add_pooling_layer=False),
            "head": nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg.hidden_size, len(TAGS))),
        })
        self.register_buffer("class_weight", class_freq.sum() / (len(TAGS) * class_freq))

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        states: Tensor = self.parts["encoder"](input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.parts["head"](states[:, 0])


def export_ready(model: nn.Module) -> bool:
    by_part = {k: sum(p.numel() for p in m.parameters()) for k, m in model.parts.items()}
    total = sum(by_part.values())
    print(f"param count {by_part} -> {total} (limit {PARAM_LIMIT})")
    return total <= PARAM_LIMIT


def pad_to_static(t: Tensor, length: int, value: int) -> Tensor:
    return nn.functional.pad(t, (0, length - t.size(1)), value=value)


def collate(rows: list[tuple[str, int]], tok: BertTokenizer) -> dict[str, Tensor]:
    enc = tok([r[0] for r in rows], padding="longest", truncation=True,
              max_length=STATIC_LEN, return_tensors="pt")
    token_ids = pad_to_static(enc["input_ids"], STATIC_LEN, tok.pad_token_id)
    hive_mask = pad_to_static(enc["attention_mask"], STATIC_LEN, 0)
    return {"input_ids": token_ids, "attention_mask": hive_mask,
            "tag": torch.tensor([r[1] for r in rows])}


def main() -> None:
    torch.manual_seed(SEED)
    tok = BertTokenizer(write_vocab([n for n, _ in NOTES]))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=HIDDEN, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=STATIC_LEN)
    freq = torch.bincount(torch.tensor([t for _, t in NOTES]), minlength=len(TAGS)).float()
    model = NoteTagger(cfg, freq)
    if not export_ready(model):
        raise SystemExit("tagger too large for the tablet runtime")

    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=functools.partial(collate, tok=tok))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    for epoch in range(6):
        running = 0.0
        for batch in loader:
            tag = batch.pop("tag")
            logits = model(**batch)
            loss = nn.functional.cross_entropy(logits, tag, weight=model.class_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}  loss {running / len(loader):.4f}")

    model.eval()
    probe = collate([("queen cells capped bees crowded", 2)], tok)
    probe.pop("tag")
    with torch.no_grad():
        print("probe ->", TAGS[int(model(**probe).argmax(-1))])


if __name__ == "__main__":
    main()
