import os
import math
import numpy as np
import torch
from dataclasses import dataclass, field
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

VOCAB_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peril_vocab.txt")

PERIL_PHRASES = {
    "escape_of_water": "burst pipe leak ceiling stain water damage floor boards plumber",
    "storm": "wind hail roof tiles fence blown down storm gutter flooding",
    "theft": "break in stolen jewellery laptop window forced police crime reference",
    "fire": "kitchen fire smoke soot fire brigade electrical fault chip pan",
    "accidental_damage": "dropped television spilled paint cracked sink accidental damage",
}
FILLER = "customer called reported loss policy holder advised claim handler visit photos".split()


@dataclass
class RunConfig:
    max_length: int = 32
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-4
    weight_decay: float = 0.05
    warmup_frac: float = 0.1
    no_decay: list = field(default_factory=lambda: ["bias", "LayerNorm.weight"])


def build_vocab(path):
    words = set(FILLER)
    for text in PERIL_PHRASES.values():
        words.update(text.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(path, "w", encoding="utf-8") as fh:
        for t in tokens:
            fh.write(t + "\n")


def synth_claims(n, seed=42):
    rng = np.random.default_rng(seed)
    perils = list(PERIL_PHRASES)
    rec = np.zeros(n, dtype=[("claim_ref", "U9"), ("peril", "i8"), ("reserve", "f8")])
    rec["claim_ref"] = [f"HH{i:07d}" for i in range(n)]
    rec["peril"] = rng.integers(0, len(perils), n)
    rec["reserve"] = rng.gamma(2.0, 1800.0, n)
    notes = []
    for p in rec["peril"]:
        cue = PERIL_PHRASES[perils[p]].split()
        words = list(rng.choice(cue, size=4)) + list(rng.choice(FILLER, size=rng.integers(3, 9)))
        rng.shuffle(words)
        notes.append(" ".join(words))
    return {"claim_ref": rec["claim_ref"], "peril": rec["peril"],
            "reserve": rec["reserve"], "note": np.array(notes)}


def batches(cols, tokenizer, cfg, shuffle, seed=0):
    n = len(cols["peril"])
    idx = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for i in range(0, n, cfg.batch_size):
        sel = idx[i:i + cfg.batch_size]
        enc = tokenizer(list(cols["note"][sel]), padding=True, truncation=True,
                        max_length=cfg.max_length, return_tensors="pt")
        enc["labels"] = torch.from_numpy(cols["peril"][sel])
        yield enc


def grouped_parameters(model, cfg):
    named = list(model.named_parameters())
    decay = [p for n, p in named if not any(nd in n for nd in cfg.no_decay)]
    no_decay = [p for n, p in named if any(nd in n for nd in cfg.no_decay)]
    return [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def warmup_cosine(total_steps, warmup_steps):
    def f(step):
        if step < warmup_steps:
            return (step + 1) / max(1, warmup_steps)
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    return f


if __name__ == "__main__":
    torch.manual_seed(11)
    cfg = RunConfig()
    build_vocab(VOCAB_FILE)
    tok = BertTokenizer(VOCAB_FILE)

    data = synth_claims(400)
    cut = 320
    train = {k: v[:cut] for k, v in data.items()}
    holdout = {k: v[cut:] for k, v in data.items()}

    bert_cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=64, num_labels=len(PERIL_PHRASES))
    model = BertForSequenceClassification(bert_cfg)

    optimizer = torch.optim.AdamW(grouped_parameters(model, cfg), lr=cfg.lr)
    steps_per_epoch = math.ceil(cut / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(total, int(cfg.warmup_frac * total)))

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for batch in batches(train, tok, cfg, shuffle=True, seed=epoch):
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(out.loss.item())
        model.eval()
        right = 0
        with torch.no_grad():
            for batch in batches(holdout, tok, cfg, shuffle=False):
                pred = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
                right += (pred == batch["labels"]).sum().item()
        print(f"epoch {epoch}: loss {np.mean(losses):.3f}  holdout acc {right / len(holdout['peril']):.3f}")
