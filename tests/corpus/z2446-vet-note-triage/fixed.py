"""Vet visit note triage: route free-text herd-vet notes to a problem category.

Stage 1 trains a small transformer text classifier on synthetic notes and saves a checkpoint.
Stage 2 is the batch scorer that runs on the parlour PC: it rebuilds the model
skeleton without allocating weights, loads the checkpoint and scores new notes.
"""
import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from accelerate import init_empty_weights
from transformers import BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class TriageConfig:
    categories: list = field(default_factory=lambda: ["mastitis", "lameness", "metabolic", "respiratory", "fertility"])
    max_len: int = 48
    hidden: int = 32
    steps: int = 20
    lr: float = 2e-3
    batch_size: int = 16
    ckpt_path: str = os.path.join(HERE, "vetnote_clf.pt")
    vocab_path: str = os.path.join(HERE, "vetnote_vocab.txt")
    seed: int = 7


TEMPLATES = {
    "mastitis": ["cow {tag} high scc {q} quarter clots in milk", "hard swollen {q} quarter cow {tag} milk watery", "clinical mastitis {q} quarter tube inserted cow {tag}"],
    "lameness": ["cow {tag} lame {leg} digital dermatitis footbath advised", "sole ulcer {leg} cow {tag} block applied", "mobility score 3 cow {tag} {leg} white line"],
    "metabolic": ["cow {tag} down after calving milk fever calcium given", "ketosis cow {tag} low rumination drench given", "displaced abomasum ping left side cow {tag}"],
    "respiratory": ["calf pen {tag} coughing nasal discharge temp high", "pneumonia heifer {tag} laboured breathing antibiotic", "cow {tag} respiratory rate high pyrexic"],
    "fertility": ["cow {tag} not seen bulling scan cystic ovary", "repeat breeder cow {tag} scanned empty", "retained cleansing cow {tag} metritis check"],
}
QUARTERS = ["lf", "rf", "lh", "rh"]
LEGS = ["left hind", "right hind", "left fore", "right fore"]


def make_notes(n, rng, categories):
    notes, labels = [], []
    for _ in range(n):
        cat = rng.choice(categories)
        tmpl = rng.choice(TEMPLATES[cat])
        notes.append(tmpl.format(tag=rng.randint(100, 999), q=rng.choice(QUARTERS), leg=rng.choice(LEGS)))
        labels.append(categories.index(cat))
    return notes, labels


def write_vocab(path):
    words = set()
    for tmpls in TEMPLATES.values():
        for t in tmpls:
            words.update(w for w in t.split() if not w.startswith("{"))
    words.update(QUARTERS)
    for leg in LEGS:
        words.update(leg.split())
    words.update(str(d) for d in range(10))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + sorted(words)) + "\n")


class VetNoteClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden, max_len, pad_id, n_heads=2):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden, padding_idx=pad_id)
        self.pos = nn.Embedding(max_len, hidden)
        layer = nn.TransformerEncoderLayer(hidden, n_heads, 2 * hidden, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(hidden)
        self.classifier = nn.Linear(hidden, n_classes)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        h = self.tok(input_ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=attention_mask == 0)
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.classifier(self.norm(pooled))


def build_model(cfg, tokenizer):
    return VetNoteClassifier(
        vocab_size=tokenizer.vocab_size,
        n_classes=len(cfg.categories),
        hidden=cfg.hidden,
        max_len=cfg.max_len,
        pad_id=tokenizer.pad_token_id,
    )


def encode(tokenizer, notes, cfg):
    return tokenizer(notes, padding="max_length", truncation=True, max_length=cfg.max_len, return_tensors="pt")


def train_and_save(cfg, tokenizer):
    rng = random.Random(cfg.seed)
    notes, labels = make_notes(cfg.batch_size * cfg.steps, rng, cfg.categories)
    model = build_model(cfg, tokenizer)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model.train()
    for step in range(cfg.steps):
        sl = slice(step * cfg.batch_size, (step + 1) * cfg.batch_size)
        enc = encode(tokenizer, notes[sl], cfg)
        logits = model(enc["input_ids"], enc["attention_mask"])
        loss = loss_fn(logits, torch.tensor(labels[sl]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f}")
    torch.save(model.state_dict(), cfg.ckpt_path)


def load_scorer(cfg, tokenizer):
    with init_empty_weights():
        model = build_model(cfg, tokenizer)
    state = torch.load(cfg.ckpt_path, map_location="cpu")
    model.load_state_dict(state, assign=True)
    model.eval()
    return model


@torch.no_grad()
def score_notes(model, tokenizer, notes, cfg):
    enc = encode(tokenizer, notes, cfg)
    probs = model(enc["input_ids"], enc["attention_mask"]).softmax(-1)
    conf, idx = probs.max(-1)
    return [(n, cfg.categories[i], round(c, 3)) for n, i, c in zip(notes, idx.tolist(), conf.tolist())]


def main():
    cfg = TriageConfig()
    torch.manual_seed(cfg.seed)
    write_vocab(cfg.vocab_path)
    tokenizer = BertTokenizer(cfg.vocab_path)
    train_and_save(cfg, tokenizer)

    scorer = load_scorer(cfg, tokenizer)
    todays_notes = [
        "cow 412 lame right hind sole ulcer block applied",
        "clots in milk lf quarter cow 233 high scc",
        "calf pen 7 coughing temp high",
    ]
    for note, cat, conf in score_notes(scorer, tokenizer, todays_notes, cfg):
        print(f"{cat:12s} {conf:.3f}  {note}")


if __name__ == "__main__":
    main()
