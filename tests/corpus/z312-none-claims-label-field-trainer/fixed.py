"""Route insurance claim adjuster notes to a claim type with a tiny BERT and the HF Trainer."""
import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

CLAIM_TYPES = ["water_damage", "theft", "collision", "fire", "liability"]

CFG = {
    "text_field": "adjuster_notes",
    "label_field": "claim_type",
    "max_len": 32,
    "epochs": 1,
    "batch_size": 8,
    "lr": 5e-4,
    "seed": 3,
}

KEYWORDS = {
    "water_damage": ["pipe", "burst", "flood", "ceiling", "leak"],
    "theft": ["stolen", "burglary", "window", "jewelry", "police"],
    "collision": ["vehicle", "bumper", "intersection", "rear", "ended"],
    "fire": ["smoke", "kitchen", "fire", "burn", "alarm"],
    "liability": ["slip", "visitor", "injury", "stairs", "lawsuit"],
}
FILLER = ["the", "insured", "reported", "on", "site", "inspection", "claimant", "damage", "was", "noted"]


def make_claims(n, rng):
    rows = []
    for i in range(n):
        ctype = rng.randrange(len(CLAIM_TYPES))
        words = rng.sample(FILLER, 5) + rng.sample(KEYWORDS[CLAIM_TYPES[ctype]], 3)
        rng.shuffle(words)
        rows.append({
            "claim_no": f"CLM-{100000 + i}",
            "policy_code": rng.choice([1104, 2210, 3307, 4120, 5512]),
            "claim_type": ctype,
            "adjuster_notes": " ".join(words),
        })
    return rows


def write_vocab(folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    for words in KEYWORDS.values():
        vocab += words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(vocab)) + "\n")
    return path


class ClaimNotes(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


class ClaimCollator:
    def __init__(self, tokenizer, cfg):
        self.tok = tokenizer
        self.cfg = cfg

    def __call__(self, rows):
        enc = self.tok([r[self.cfg["text_field"]] for r in rows], padding=True, truncation=True,
                       max_length=self.cfg["max_len"], return_tensors="pt")
        enc["labels"] = torch.tensor([r[self.cfg["label_field"]] for r in rows], dtype=torch.long)
        return dict(enc)


def main():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(CLAIM_TYPES))
    model = BertForSequenceClassification(config)

    claims = make_claims(96, rng)
    train_ds, eval_ds = ClaimNotes(claims[:80]), ClaimNotes(claims[80:])

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=CFG["epochs"],
        per_device_train_batch_size=CFG["batch_size"],
        learning_rate=CFG["lr"],
        remove_unused_columns=False,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=ClaimCollator(tokenizer, CFG))
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
