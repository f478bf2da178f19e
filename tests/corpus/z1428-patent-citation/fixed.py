"""Patent claim screening: resume a small claim encoder and adapt it to
claim / prior-art pair relevance.

Stage 1 (earlier run): single-claim CPC section classifier.
Stage 2 (this run, resumed): (claim, cited passage) -> relevant / not relevant.
"""
import os
import random
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

WORDS = ("a method apparatus comprising wherein said layer substrate coating polymer "
         "sensor signal circuit voltage battery electrode lithium valve fluid pump "
         "housing rotor blade turbine catalyst compound solution heating").split()

STAGE1 = [
    ("a battery electrode comprising lithium coating", "H"),
    ("a pump housing wherein said rotor drives fluid", "F"),
    ("a catalyst compound solution for heating", "C"),
    ("a sensor circuit comprising voltage signal", "H"),
    ("a turbine blade coating polymer layer", "F"),
    ("a method of heating said compound solution", "C"),
]
STAGE2 = [
    ("a battery electrode comprising lithium coating", "lithium electrode coating layer", 1),
    ("a pump housing wherein said rotor drives fluid", "catalyst compound heating", 0),
    ("a sensor circuit comprising voltage signal", "signal circuit voltage sensor", 1),
    ("a turbine blade coating polymer layer", "battery electrode lithium", 0),
    ("a method of heating said compound solution", "heating a compound solution", 1),
    ("a valve wherein said fluid flows", "substrate polymer layer", 0),
]


class ClaimDataset(torch.utils.data.Dataset):
    def __init__(self, tokenizer, texts, targets, pairs=None, max_len=24):
        enc = tokenizer(texts, pairs, padding="max_length", truncation=True, max_length=max_len)
        self.rows = []
        for i, y in enumerate(targets):
            self.rows.append({
                "input_ids": torch.tensor(enc["input_ids"][i]),
                "attention_mask": torch.tensor(enc["attention_mask"][i]),
                "token_type_ids": torch.tensor(enc["token_type_ids"][i]),
                "labels": torch.tensor(y),
            })

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def training_args(out_dir, epochs):
    return TrainingArguments(output_dir=out_dir, num_train_epochs=epochs, per_device_train_batch_size=3,
                             learning_rate=5e-4, logging_steps=50, save_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[])


def load_matching(model, state):
    # heads change between stages, so only copy tensors whose shapes still agree
    own = model.state_dict()
    kept = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    skipped = sorted(set(state) - set(kept))
    missing, _ = model.load_state_dict(kept, strict=False)
    print(f"restored {len(kept)} tensors, skipped {len(skipped)}, newly initialised {len(missing)}")


work = tempfile.mkdtemp(prefix="claims_")
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS) | {"of", "for", "drives", "flows", "layer"})
vocab_path = os.path.join(work, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_path)

# ---- stage 1: single-segment claim classifier ----
sections = sorted({s for _, s in STAGE1})
cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, type_vocab_size=1,
                 num_labels=len(sections))
model = BertForSequenceClassification(cfg)
ds1 = ClaimDataset(tok, [c for c, _ in STAGE1], [sections.index(s) for _, s in STAGE1])
Trainer(model=model, args=training_args(os.path.join(work, "s1"), 2), train_dataset=ds1).train()

ckpt_path = os.path.join(work, "claim_encoder.pt")
torch.save({"model": model.state_dict(), "config": model.config.to_dict(), "vocab": vocab,
            "labels": sections, "epoch": 2}, ckpt_path)
print("stage 1 checkpoint ->", ckpt_path)
del model

# ---- stage 2: resume and adapt to claim / citation pairs ----
ckpt = torch.load(ckpt_path, weights_only=False)
print(f"resuming from epoch {ckpt['epoch']} (sections {ckpt['labels']})")
saved = {k: v for k, v in ckpt["config"].items() if k not in ("id2label", "label2id")}
overrides = {"num_labels": 2, "type_vocab_size": 2, "hidden_dropout_prob": 0.05}
pair_cfg = BertConfig.from_dict({**saved, **overrides})
pair_model = BertForSequenceClassification(pair_cfg)
load_matching(pair_model, ckpt["model"])

tok2 = BertTokenizer(vocab_path)
assert tok2.get_vocab() == {w: i for i, w in enumerate(ckpt["vocab"])}
ds2 = ClaimDataset(tok2, [c for c, _, _ in STAGE2], [y for _, _, y in STAGE2],
                   pairs=[p for _, p, _ in STAGE2], max_len=32)
trainer = Trainer(model=pair_model, args=training_args(os.path.join(work, "s2"), 3), train_dataset=ds2)
result = trainer.train()
print(f"stage 2 done, train loss {result.training_loss:.4f}")
