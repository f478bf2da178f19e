import os
import random
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class NoteConfig:
    vocab_path: str = os.path.join(HERE, "vet_vocab.txt")
    max_len: int = 40
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    batch_size: int = 8
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 11
    drug_terms: list = field(default_factory=lambda: [
        "oxytetracycline", "ketoprofen", "cefquinome", "meloxicam", "cloprostenol", "propylene_glycol",
    ])


DIAGNOSES = ["mastitis", "lameness", "metabolic", "fertility"]

BASE_WORDS = """cow heifer quarter left right front hind udder milk clots swollen hot hard
sole ulcer digital dermatitis hoof trim lame score ketones high low fed calving days dim
bcs retained placenta metritis cystic ovary heat not seen treated with given im iv oral
dose day withdrawal recheck temp fever appetite poor rumen fill down recumbent calcium
bolus block bandage repeat in days milk discarded until scc rise cmt positive pregnancy
check empty ai again vet farmer reported observed and the of for on was is no yes
""".split()

TEMPLATES = {
    "mastitis": ["{q} quarter swollen hot milk clots cmt positive treated with {drug} im",
                 "scc rise {q} quarter hard milk discarded until withdrawal {drug} given"],
    "lameness": ["{q} hind lame score 3 sole ulcer hoof trim block {drug} given",
                 "digital dermatitis {q} hind bandage repeat in days {drug} oral"],
    "metabolic": ["ketones high poor appetite low rumen fill {drug} oral dose day",
                  "down recumbent calcium iv bolus fever recheck {drug} given"],
    "fertility": ["heat not seen cystic ovary {drug} im ai again recheck",
                  "retained placenta metritis fever {drug} given pregnancy check empty"],
}


def write_vocab(path, words):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    toks = specials + sorted(set(words)) + [str(d) for d in range(10)]
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return len(toks)


def make_notes(cfg, n, rng):
    notes = []
    for _ in range(n):
        dx = rng.choice(DIAGNOSES)
        text = rng.choice(TEMPLATES[dx]).format(q=rng.choice(["left", "right"]),
                                                drug=rng.choice(cfg.drug_terms))
        if rng.random() < 0.5:
            text = f"farmer reported cow {rng.randint(100, 999)} " + text
        notes.append((text, DIAGNOSES.index(dx)))
    return notes


def build_tokenizer(cfg):
    tok = BertTokenizer(cfg.vocab_path, do_lower_case=True)
    # keep drug names whole instead of [UNK]/word pieces so treatment is visible to the model
    added = tok.add_tokens(cfg.drug_terms)
    print(f"tokenizer: {len(tok)} tokens ({added} drug terms added)")
    return tok


def make_collate(tokenizer, cfg):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=cfg.max_len,
                        return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        return enc
    return collate


def build_model(cfg, base_vocab_size):
    bert_cfg = BertConfig(
        vocab_size=base_vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.hidden * 2,
        max_position_embeddings=64,
        num_labels=len(DIAGNOSES),
    )
    return BertForSequenceClassification(bert_cfg)


def train(cfg):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    base_vocab_size = write_vocab(cfg.vocab_path, BASE_WORDS)
    tokenizer = build_tokenizer(cfg)
    notes = make_notes(cfg, 120, rng)
    split = int(0.8 * len(notes))
    collate = make_collate(tokenizer, cfg)
    train_dl = DataLoader(notes[:split], batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(notes[split:], batch_size=cfg.batch_size, collate_fn=collate)

    model = build_model(cfg, len(tokenizer))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        tot = 0.0
        for batch in train_dl:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            tot += out.loss.item()
        model.eval()
        correct = seen = 0
        with torch.no_grad():
            for batch in val_dl:
                preds = model(**batch).logits.argmax(-1)
                correct += (preds == batch["labels"]).sum().item()
                seen += len(preds)
        print(f"epoch {epoch}: loss {tot / len(train_dl):.4f}  val acc {correct / seen:.3f}")


if __name__ == "__main__":
    train(NoteConfig())
