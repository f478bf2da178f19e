import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))

FIELDS = ["tool", "recipe", "step", "metrology"]

TOOLS = ["etch01", "etch02", "cvd03", "cvd04", "litho05", "cmp06"]
RECIPES = ["poly", "oxide", "nitride", "metal1", "via2", "contact"]
STEPS = ["deposit", "pattern", "strip", "polish", "clean", "anneal"]
METRO_WORDS = ["thickness", "cd", "overlay", "particles", "high", "low", "nominal", "drift"]


@dataclass
class LotModelConfig:
    vocab_file: str = os.path.join(HERE, "lot_vocab.txt")
    max_len: int = 48
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    ffn_size: int = 64
    type_vocab_size: int = len(FIELDS)
    num_labels: int = 2
    batch_size: int = 8
    lr: float = 5e-4
    epochs: int = 2
    n_lots: int = 96


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = TOOLS + RECIPES + STEPS + METRO_WORDS + [str(d) for d in range(10)] + [":", "-", "."]
    with open(path, "w") as f:
        f.write("\n".join(special + words) + "\n")


def make_lot(rng):
    tool = rng.choice(TOOLS)
    recipe = rng.choice(RECIPES)
    step = rng.choice(STEPS)
    metro = [rng.choice(METRO_WORDS) for _ in range(rng.randint(2, 5))]
    bad = (tool in ("etch02", "cmp06") and "drift" in metro) or "particles" in metro
    record = {
        "tool": tool,
        "recipe": recipe,
        "step": f"{step} {rng.randint(1, 9)}",
        "metrology": " ".join(metro) + f" {rng.randint(10, 99)}",
    }
    return record, int(bad)


class LotRecordEncoder:
    def __init__(self, tokenizer, fields, max_len):
        self.tok = tokenizer
        self.fields = fields
        self.max_len = max_len

    def __call__(self, record):
        ids = [self.tok.cls_token_id]
        segs = [0]
        for seg_id, name in enumerate(self.fields):
            pieces = self.tok.convert_tokens_to_ids(self.tok.tokenize(record[name]))
            ids.extend(pieces + [self.tok.sep_token_id])
            segs.extend([seg_id] * (len(pieces) + 1))
        ids, segs = ids[: self.max_len], segs[: self.max_len]
        pad = self.max_len - len(ids)
        mask = [1] * len(ids) + [0] * pad
        ids = ids + [self.tok.pad_token_id] * pad
        segs = segs + [0] * pad
        return {
            "input_ids": torch.tensor(ids),
            "token_type_ids": torch.tensor(segs),
            "attention_mask": torch.tensor(mask),
        }


class LotDataset(Dataset):
    def __init__(self, records, labels, encoder):
        self.items = [encoder(r) for r in records]
        self.labels = labels

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        item = dict(self.items[i])
        item["label"] = torch.tensor(self.labels[i])
        return item


class LotYieldClassifier(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.num_layers,
            num_attention_heads=cfg.num_heads,
            intermediate_size=cfg.ffn_size,
            max_position_embeddings=cfg.max_len,
            type_vocab_size=cfg.type_vocab_size,
        )
        self.bert = BertModel(bert_cfg)
        self.head = nn.Linear(cfg.hidden_size, cfg.num_labels)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.bert(
            input_ids=input_ids,
            token_type_ids=token_type_ids,
            attention_mask=attention_mask,
        )
        return self.head(out.last_hidden_state[:, 0])


def main():
    cfg = LotModelConfig()
    write_vocab(cfg.vocab_file)
    tokenizer = BertTokenizer(cfg.vocab_file)
    encoder = LotRecordEncoder(tokenizer, FIELDS, cfg.max_len)

    rng = random.Random(11)
    lots = [make_lot(rng) for _ in range(cfg.n_lots)]
    records = [r for r, _ in lots]
    labels = [y for _, y in lots]
    print(f"{cfg.n_lots} lots, {sum(labels)} low-yield")

    ds = LotDataset(records, labels, encoder)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = LotYieldClassifier(cfg, vocab_size=len(tokenizer))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running, correct = 0.0, 0
        for batch in loader:
            logits = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * batch["label"].size(0)
            correct += (logits.argmax(-1) == batch["label"]).sum().item()
        print(f"epoch {epoch}: loss {running / len(ds):.4f} acc {correct / len(ds):.3f}")


if __name__ == "__main__":
    main()
