import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = [
    "rail", "sleeper", "ballast", "crack", "gauge", "worn", "loose", "bolt", "fishplate",
    "signal", "lamp", "fault", "relay", "cable", "switch", "point", "heater", "frozen",
    "near", "km", "north", "south", "track", "joint", "minor", "severe", "replace", "inspect",
]
MARKERS = {"track": ["[TRK]", "[CIV]"], "signal": ["[SIG]", "[ELE]"]}

REPORTS = [
    ("worn rail joint near km north", "track", 1),
    ("loose bolt on fishplate", "track", 1),
    ("ballast minor", "track", 0),
    ("signal lamp fault replace relay near km south", "signal", 1),
    ("switch heater frozen", "signal", 1),
    ("inspect cable", "signal", 0),
    ("severe crack in rail gauge north track", "track", 1),
    ("minor point fault", "signal", 0),
]


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    markers = [m for pair in MARKERS.values() for m in pair]
    with open(path, "w") as f:
        f.write("\n".join(special + markers + WORDS + ["in", "on"]) + "\n")
    return BertTokenizer(path)


def encode_report(tok, text, section, y):
    enc = tok(text)
    m1, m2 = tok.convert_tokens_to_ids(MARKERS[section])
    ids = enc["input_ids"][:-1] + [m1, m2] + enc["input_ids"][-1:]
    mask = enc["attention_mask"][:-1] + [1, 1] + enc["attention_mask"][-1:]
    return {"input_ids": ids, "attention_mask": mask, "label": y}


def collate(items, pad_id):
    batch = {}
    for key in ("input_ids", "attention_mask"):
        longest = max(len(it[key]) for it in items)
        fill = pad_id if key == "input_ids" else 0
        rows = [it[key] + [fill] * (longest - len(it[key])) for it in items]
        batch[key] = torch.tensor(rows)
    batch["label"] = torch.tensor([it["label"] for it in items])
    return batch


class DefectClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    tok = build_tokenizer()
    examples = [encode_report(tok, t, s, y) for t, s, y in REPORTS]
    print(f"encoded {len(examples)} inspection reports, vocab size {tok.vocab_size}")

    model = DefectClassifier(tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        total = 0.0
        for start in range(0, len(examples), 4):
            b = collate(examples[start:start + 4], tok.pad_token_id)
            logits = model(input_ids=b["input_ids"], attention_mask=b["attention_mask"])
            loss = loss_fn(logits, b["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        b = collate(examples, tok.pad_token_id)
        preds = model(b["input_ids"], b["attention_mask"]).argmax(-1)
    print("urgent flags:", preds.tolist())


if __name__ == "__main__":
    main()
