import os
import random
import re

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_DIR = os.path.join(HERE, "project_manual")
VOCAB_PATH = os.path.join(HERE, "spec_vocab.txt")

DIVISION_TITLES = {
    "03": "concrete",
    "04": "masonry",
    "05": "metals",
    "07": "thermal and moisture protection",
    "08": "openings",
    "09": "finishes",
}
PARTS = ["PART 1 - GENERAL", "PART 2 - PRODUCTS", "PART 3 - EXECUTION"]

SECTIONS = [
    ("SECTION 03 30 00 - CAST-IN-PLACE CONCRETE", ["concrete", "formwork", "reinforcement", "curing", "slump"]),
    ("SECTION 04 20 00 - UNIT MASONRY", ["brick", "mortar", "grout", "ties", "coursing"]),
    ("SECTION 05 12 00 - STRUCTURAL STEEL FRAMING", ["steel", "bolts", "welds", "primer", "erection"]),
    ("SECTION 07 92 00 - JOINT SEALANTS", ["sealant", "backer", "rod", "joint", "primer"]),
    ("SECTION 08 71 00 - DOOR HARDWARE", ["hinges", "locksets", "closers", "keying", "thresholds"]),
    ("SECTION 099123 - INTERIOR PAINTING", ["paint", "primer", "gypsum", "finish", "coats"]),
]
PART_PHRASES = {
    0: ["submittals shall include", "quality assurance requires", "delivery storage and handling of"],
    1: ["manufacturers shall provide", "materials shall comply with", "products shall be"],
    2: ["installer shall examine", "install the", "protect and clean the"],
}


def write_project_manual():
    os.makedirs(SPEC_DIR, exist_ok=True)
    for header, terms in SECTIONS:
        number = header.split(" - ")[0].replace("SECTION ", "").replace(" ", "")
        lines = [header, ""]
        for p, part in enumerate(PARTS):
            lines.append(part)
            for k in range(4):
                phrase = random.choice(PART_PHRASES[p])
                obj = " ".join(random.sample(terms, 2))
                lines.append(f"1.{k + 1} {phrase} {obj} per the contract documents.")
            lines.append("")
        lines.append("END OF SECTION")
        with open(os.path.join(SPEC_DIR, f"{number}.txt"), "w") as fh:
            fh.write("\n".join(lines))


def parse_section(path):
    with open(path) as fh:
        lines = [ln.strip() for ln in fh]
    header = lines[0]
    number = header.split(" - ")[0].replace("SECTION", "").replace(" ", "")
    division = number[:2]
    context = f"division {DIVISION_TITLES[division]} :"
    records, part_idx = [], None
    for ln in lines[1:]:
        if ln in PARTS:
            part_idx = PARTS.index(ln)
        elif re.match(r"^\d+\.\d+ ", ln) and part_idx is not None:
            text = ln.split(" ", 1)[1]
            records.append((f"{context} {text}", part_idx))
    return records


def build_vocab(texts, path):
    words = set()
    for t in texts:
        words.update(re.findall(r"\w+|[^\w\s]", t.lower()))
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


class SpecPartClassifier(nn.Module):
    def __init__(self, vocab_size, n_parts):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_parts)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    write_project_manual()
    records = []
    for fname in sorted(os.listdir(SPEC_DIR)):
        records.extend(parse_section(os.path.join(SPEC_DIR, fname)))
    print(f"parsed {len(records)} spec articles")

    texts = [r[0] for r in records]
    labels = torch.tensor([r[1] for r in records])
    vocab_size = build_vocab(texts, VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH)
    enc = tok(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")

    model = SpecPartClassifier(vocab_size, len(PARTS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(30):
        idx = torch.randint(0, len(texts), (16,))
        logits = model(enc["input_ids"][idx], enc["attention_mask"][idx])
        loss = loss_fn(logits, labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.4f}")
    with torch.no_grad():
        pred = model(enc["input_ids"], enc["attention_mask"]).argmax(-1)
    print("train accuracy:", (pred == labels).float().mean().item())


if __name__ == "__main__":
    main()
