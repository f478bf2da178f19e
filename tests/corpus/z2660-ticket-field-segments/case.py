"""Route support tickets (restaurant / dish / customer note) to the right ops queue."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("ticket_router")

HERE = Path(__file__).resolve().parent

CONFIG: Dict[str, object] = {
    "seed": 17,
    "vocab_file": HERE / "ticket_vocab.txt",
    "hidden_size": 32,
    "num_layers": 1,
    "num_heads": 2,
    "intermediate_size": 64,
    "max_len": 48,
    "type_vocab_size": 2,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 1,
    "n_tickets": 64,
}

FIELDS: Tuple[str, ...] = ("restaurant", "dish", "note")
QUEUES: Tuple[str, ...] = ("refund", "late_delivery", "wrong_item", "other")

RESTAURANTS = ["golden wok", "pizza piazza", "taco stand", "sushi bar", "burger barn"]
DISHES = ["pad thai", "margherita", "carnitas taco", "salmon roll", "double burger", "fries"]
NOTE_WORDS = ["order", "late", "cold", "missing", "wrong", "refund", "driver", "never",
              "arrived", "please", "the", "was", "my", "item", "sauce", "extra", "again"]


@dataclass(frozen=True)
class Ticket:
    restaurant: str
    dish: str
    note: str
    queue: str


def write_vocab(path: Path) -> Path:
    words = set()
    for phrase in RESTAURANTS + DISHES + NOTE_WORDS:
        words.update(phrase.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path.write_text("\n".join(specials + sorted(words)) + "\n", encoding="utf-8")
    return path


def synth_tickets(n: int, rng: random.Random) -> List[Ticket]:
    out: List[Ticket] = []
    for _ in range(n):
        note = " ".join(rng.choice(NOTE_WORDS) for _ in range(rng.randint(4, 12)))
        out.append(Ticket(rng.choice(RESTAURANTS), rng.choice(DISHES), note, rng.choice(QUEUES)))
    return out


def encode_fields(tok: BertTokenizer, parts: Sequence[str], max_len: int) -> Tuple[List[int], List[int]]:
    ids: List[int] = [tok.cls_token_id]
    segs: List[int] = [0]
    for seg_idx, text in enumerate(parts):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids.extend(piece)
        segs.extend([seg_idx] * len(piece))
    return ids[:max_len], segs[:max_len]


class TicketDataset(Dataset):
    def __init__(self, tickets: Sequence[Ticket], tok: BertTokenizer, max_len: int) -> None:
        self.rows = []
        for t in tickets:
            ids, segs = encode_fields(tok, [getattr(t, f) for f in FIELDS], max_len)
            self.rows.append((ids, segs, QUEUES.index(t.queue)))

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int):
        return self.rows[i]


def make_collate(pad_id: int):
    def collate(batch) -> Dict[str, torch.Tensor]:
        width = max(len(ids) for ids, _, _ in batch)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        token_type_ids = torch.zeros((len(batch), width), dtype=torch.long)
        attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, (ids, segs, _) in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            token_type_ids[row, : len(segs)] = torch.tensor(segs)
            attention_mask[row, : len(ids)] = 1
        labels = torch.tensor([lab for _, _, lab in batch], dtype=torch.long)
        return {"input_ids": input_ids, "token_type_ids": token_type_ids,
                "attention_mask": attention_mask, "labels": labels}
    return collate


def build_model(tok: BertTokenizer) -> BertForSequenceClassification:
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=CONFIG["hidden_size"],
        num_hidden_layers=CONFIG["num_layers"],
        num_attention_heads=CONFIG["num_heads"],
        intermediate_size=CONFIG["intermediate_size"],
        max_position_embeddings=CONFIG["max_len"],
        type_vocab_size=CONFIG["type_vocab_size"],
        num_labels=len(QUEUES),
        pad_token_id=tok.pad_token_id,
    )
    return BertForSequenceClassification(cfg)


def batches(loader: DataLoader, epochs: int) -> Iterator[Tuple[int, Dict[str, torch.Tensor]]]:
    for epoch in range(epochs):
        for batch in loader:
            yield epoch, batch


def train(model: BertForSequenceClassification, loader: DataLoader) -> float:
    optim = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
    model.train()
    last = float("nan")
    for step, (epoch, batch) in enumerate(batches(loader, CONFIG["epochs"])):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        last = out.loss.item()
        if step % 4 == 0:
            log.info("epoch=%d step=%d loss=%.4f", epoch, step, last)
    return last


def main() -> None:
    random.seed(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    rng = random.Random(CONFIG["seed"])

    tok = BertTokenizer(str(write_vocab(CONFIG["vocab_file"])))
    tickets = synth_tickets(CONFIG["n_tickets"], rng)
    log.info("generated %d tickets across %d queues", len(tickets), len(QUEUES))

    ds = TicketDataset(tickets, tok, CONFIG["max_len"])
    loader = DataLoader(ds, batch_size=CONFIG["batch_size"], shuffle=True,
                        collate_fn=make_collate(tok.pad_token_id))
    model = build_model(tok)
    log.info("model params: %d", sum(p.numel() for p in model.parameters()))

    final_loss = train(model, loader)
    log.info("done, final loss %.4f", final_loss)


if __name__ == "__main__":
    main()
