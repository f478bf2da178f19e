"""Triage model for technician work orders at the Kessler Road pumping station.

Each free-text work order is classified into an urgency tier so that the
planner can schedule it (0 = routine, 1 = next shutdown, 2 = immediate).
Asset tags from the asset register are kept as whole tokens so the model
can learn per-asset failure history.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)
random.seed(11)

URGENCY_TIERS = ["routine", "next_shutdown", "immediate"]
ASSET_REGISTER = ["pmp-101", "pmp-102", "pmp-117", "cmp-12", "vlv-330", "mtr-44", "hx-07"]

BASE_WORDS = (
    "abnormal noise vibration high low bearing temperature seal leak oil pressure "
    "drop trip alarm motor current spike replace inspect grease coupling loose "
    "cavitation at on the and after restart shift hot smell smoke minor slight "
    "drip flange gasket overdue pm check filter clogged flow reading"
).split()

WORK_ORDERS = [
    ("slight drip at flange gasket on {a} check at pm", 0),
    ("grease bearing on {a} overdue pm", 0),
    ("filter clogged on {a} low flow reading", 1),
    ("abnormal noise on {a} after restart inspect coupling", 1),
    ("seal leak on {a} oil pressure drop", 1),
    ("high vibration and bearing temperature high on {a}", 2),
    ("motor current spike and trip alarm on {a}", 2),
    ("smoke and hot smell at {a} motor", 2),
    ("cavitation on {a} pressure drop after shift", 1),
    ("minor oil drip on {a} coupling", 0),
]


def write_vocab(folder):
    path = os.path.join(folder, "wo_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(BASE_WORDS))) + "\n")
    return path


def sample_orders(n):
    orders, tiers = [], []
    for _ in range(n):
        template, tier = random.choice(WORK_ORDERS)
        orders.append(template.format(a=random.choice(ASSET_REGISTER)))
        tiers.append(tier)
    return orders, tiers


def make_batches(tokenizer, orders, tiers, batch_size=8):
    for start in range(0, len(orders), batch_size):
        enc = tokenizer(
            orders[start:start + batch_size],
            padding=True,
            truncation=True,
            max_length=24,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor(tiers[start:start + batch_size])
        yield enc


def build_triage_model(tokenizer):
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=len(URGENCY_TIERS),
        pad_token_id=tokenizer.pad_token_id,
    )
    return BertForSequenceClassification(cfg)


def main():
    workdir = tempfile.mkdtemp(prefix="wo_triage_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    n_tags = tokenizer.add_tokens(ASSET_REGISTER)
    print(f"added {n_tags} asset tags to the work-order tokenizer")

    model = build_triage_model(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    orders, tiers = sample_orders(64)
    held_orders, held_tiers = sample_orders(16)

    for epoch in range(2):
        model.train()
        total = 0.0
        for batch in make_batches(tokenizer, orders, tiers):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} mean loss {total / (len(orders) / 8):.4f}")

    model.eval()
    hits = 0
    with torch.no_grad():
        for batch in make_batches(tokenizer, held_orders, held_tiers):
            labels = batch.pop("labels")
            hits += (model(**batch).logits.argmax(-1) == labels).sum().item()
    print(f"held-out triage accuracy {hits / len(held_orders):.2f}")

    model.save_pretrained(os.path.join(workdir, "triage_model"))
    tokenizer.save_pretrained(os.path.join(workdir, "triage_model"))


if __name__ == "__main__":
    main()
