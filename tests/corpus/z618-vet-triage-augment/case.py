"""Urgency triage for veterinary front-desk notes (routine / soon / emergency).

Notes are typed fast on the phone, so we train with noise: character typos on the raw
text and random token swaps after tokenisation."""
import os
import re
import random
import string
import tempfile
import warnings
from dataclasses import dataclass, field

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

warnings.filterwarnings("ignore")
random.seed(11)
torch.manual_seed(11)

URGENCY = ["routine", "soon", "emergency"]
NOTES = [
    ("dog due for annual vaccines and nail trim", "routine"),
    ("cat has been vomiting since yesterday, still eating", "soon"),
    ("puppy ate chocolate an hour ago, shaking", "emergency"),
    ("rabbit not eating hay for two days", "soon"),
    ("horse lame on left fore after turnout", "soon"),
    ("dog hit by car, bleeding from leg", "emergency"),
    ("kitten needs first deworming", "routine"),
    ("old cat drinking lots of water lately", "soon"),
    ("dog collapsed on walk and gums are pale", "emergency"),
    ("parrot wants a beak trim", "routine"),
    ("ferret has diarrhea but is active", "soon"),
    ("cat straining in litter box, no urine", "emergency"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@dataclass
class NoisyNotesCollator:
    tokenizer: BertTokenizer
    char_vocab: str = string.printable
    typo_rate: float = 0.03
    swap_rate: float = 0.15
    rng: random.Random = field(default_factory=lambda: random.Random(5))

    def _typo(self, text):
        chars = [self.char_vocab.index(c) for c in text]
        for i in range(len(chars)):
            if self.rng.random() < self.typo_rate:
                chars[i] = self.rng.randrange(len(self.char_vocab))
        return "".join(self.char_vocab[i] for i in chars)

    def _swap_tokens(self, ids):
        keep = set(self.tokenizer.all_special_ids)
        out = ids.clone()
        for pos in range(out.size(0)):
            if int(out[pos]) not in keep and self.rng.random() < self.swap_rate:
                out[pos] = self.rng.randrange(len(self.char_vocab))
        return out

    def __call__(self, examples):
        texts = [self._typo(ex["text"]) for ex in examples]
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
        enc["input_ids"] = torch.stack([self._swap_tokens(row) for row in enc["input_ids"]])
        enc["labels"] = torch.tensor([ex["label"] for ex in examples])
        return dict(enc)


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in NOTES]))
    train = [{"text": t, "label": URGENCY.index(u)} for t, u in NOTES]
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(URGENCY))
    model = BertForSequenceClassification(cfg)
    print(f"{len(train)} notes, vocab {tok.vocab_size}, classes {URGENCY}")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=2,
                             save_strategy="no", report_to="none", use_cpu=True,
                             remove_unused_columns=False, disable_tqdm=True, seed=11)
    trainer = Trainer(model=model, args=args, train_dataset=train,
                      data_collator=NoisyNotesCollator(tok))
    result = trainer.train()
    print("train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
