import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SCRIPT_WORDS = """
int ext . - day night continuous later kitchen office street car hallway stage
theatre bar apartment rooftop the a an she he they walks runs looks at door
window turns sits stands slowly quickly into out of back to her his my you i
we what where why no yes not now here there cut fade dissolve smash in on
beat pause whispering angry softly maria john detective anna waiter mother
""".split()

SCENE_TAGS = ["HEADING", "ACTION", "CHARACTER", "DIALOGUE", "TRANSITION"]
TAG2ID = {t: i for i, t in enumerate(SCENE_TAGS)}

CUE_MARKERS = ["[CHAR]", "[PAREN]"]

MODEL_CFG = {
    "vocab_size": len(SPECIALS) + len(SCRIPT_WORDS),
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
    "num_labels": len(SCENE_TAGS),
}


def write_vocab(path):
    with open(path, "w") as fh:
        for tok in SPECIALS + SCRIPT_WORDS:
            fh.write(tok + "\n")
    return path


def fake_screenplay(n_lines):
    places = ["kitchen", "office", "street", "car", "hallway", "bar", "rooftop"]
    people = ["maria", "john", "detective", "anna", "waiter", "mother"]
    lines = []
    for _ in range(n_lines):
        kind = random.choice(SCENE_TAGS)
        if kind == "HEADING":
            txt = f"{random.choice(['int', 'ext'])}. {random.choice(places)} - {random.choice(['day', 'night', 'continuous'])}"
        elif kind == "ACTION":
            txt = f"{random.choice(['she', 'he', 'they'])} {random.choice(['walks', 'runs', 'turns', 'sits'])} {random.choice(['into', 'out of', 'back to'])} the {random.choice(['door', 'window', 'kitchen'])}"
        elif kind == "CHARACTER":
            txt = random.choice(people)
            if random.random() < 0.4:
                txt += " (" + random.choice(["whispering", "angry", "softly"]) + ")"
        elif kind == "DIALOGUE":
            txt = " ".join(random.choices(["what", "where", "why", "no", "yes", "not", "now", "here", "you", "i", "we"], k=random.randint(2, 7)))
        else:
            txt = random.choice(["cut to", "fade out", "dissolve to", "smash cut to"])
        lines.append((kind, txt))
    return lines


def mark_cues(kind, text):
    if kind == "CHARACTER":
        text = "[CHAR] " + text
    if "(" in text:
        text = text.replace("(", "[PAREN] ").replace(")", "")
    return text


class ScreenplayLines(Dataset):
    def __init__(self, lines):
        self.items = []
        prev = ""
        for kind, txt in lines:
            self.items.append((prev, mark_cues(kind, txt), TAG2ID[kind]))
            prev = txt

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collate(tokenizer, max_len=48):
    def collate(batch):
        prevs, cur, tags = zip(*batch)
        enc = tokenizer(list(cur), list(prevs), padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(tags)
        return enc
    return collate


def main():
    vocab_path = write_vocab(os.path.join(HERE, "script_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
    tokenizer.add_tokens(CUE_MARKERS, special_tokens=True)

    config = BertConfig(**MODEL_CFG)
    model = BertForSequenceClassification(config)
    model.resize_token_embeddings(len(tokenizer))

    train = ScreenplayLines(fake_screenplay(160))
    loader = DataLoader(train, batch_size=16, shuffle=True, collate_fn=make_collate(tokenizer))

    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(2):
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item() * batch["labels"].size(0)
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            seen += batch["labels"].size(0)
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")

    model.eval()
    probe = ["[CHAR] maria", "int. kitchen - night", "fade out"]
    with torch.no_grad():
        enc = tokenizer(probe, padding=True, return_tensors="pt")
        pred = model(**enc).logits.argmax(-1).tolist()
    for line, p in zip(probe, pred):
        print(f"{line!r:>28} -> {SCENE_TAGS[p]}")


if __name__ == "__main__":
    main()
