"""Triage digitised herbarium sheet transcriptions by specimen status.

The status classes are very unbalanced (holotypes are rare), so the loss uses
logit adjustment with the training-set class priors.
"""
import enum
import os
import tempfile
import warnings
from collections import Counter
from typing import Literal, TypedDict

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)
from transformers.utils import logging as hf_logging

warnings.filterwarnings("ignore")
hf_logging.set_verbosity_error()


class Specimen(enum.Enum):
    HOLOTYPE = 0
    ISOTYPE = 1
    VOUCHER = 2
    DUPLICATE = 3
    DUP = 3  # older accession exports use the short tag


class AdjustConfig(TypedDict):
    tau: float
    smoothing: int
    reduction: Literal["mean", "sum"]


SHEETS = [
    ("holotype designated in protologue collector number 412 kew", "HOLOTYPE"),
    ("isotype of the same gathering ex herb edinburgh", "ISOTYPE"),
    ("voucher for ethnobotanical survey leaves used as poultice", "VOUCHER"),
    ("voucher specimen for pollen study flowering branch", "VOUCHER"),
    ("duplicate sheet sent on exchange to leiden", "DUPLICATE"),
    ("dup ex herb paris sterile material", "DUP"),
    ("voucher for population genetics sample site four", "VOUCHER"),
    ("duplicate of collector number 88 fruiting", "DUP"),
    ("isotype fragment in packet ex herb geneva", "ISOTYPE"),
    ("voucher for chemical screening root material", "VOUCHER"),
]


def build_tokenizer(texts) -> BertTokenizer:
    vocab = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
    return BertTokenizer(path)


class SheetDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.items = []
        for text, tag in rows:
            enc = tokenizer(text, truncation=True, max_length=32)
            enc["labels"] = Specimen[tag].value
            self.items.append(dict(enc))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def class_priors(rows, smoothing: int) -> dict[str, float]:
    counts = Counter(Specimen[tag] for _, tag in rows)
    total = sum(counts.values())
    return {name: (counts[member] + smoothing) / (total + smoothing * len(Specimen))
            for name, member in Specimen.__members__.items()}


class LogitAdjustedTrainer(Trainer):
    def __init__(self, *args, log_prior: torch.Tensor, adjust: AdjustConfig, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_prior = log_prior
        self.adjust = adjust

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        outputs = model(**inputs)
        shifted = outputs.logits + self.adjust["tau"] * self.log_prior.to(outputs.logits.device)
        loss = F.cross_entropy(shifted, gold, reduction=self.adjust["reduction"])
        return (loss, outputs) if return_outputs else loss


def main():
    torch.manual_seed(3)
    adjust: AdjustConfig = {"tau": 1.0, "smoothing": 1, "reduction": "mean"}
    tokenizer = build_tokenizer(t for t, _ in SHEETS)
    priors = class_priors(SHEETS, adjust["smoothing"])
    print("class priors:", {k: round(v, 3) for k, v in priors.items()})
    log_prior = torch.log(torch.tensor(list(priors.values())))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(Specimen))
    model = BertForSequenceClassification(config)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=3e-3, use_cpu=True,
                             save_strategy="no", logging_steps=1, disable_tqdm=True, report_to=[])
    trainer = LogitAdjustedTrainer(model=model, args=args, train_dataset=SheetDataset(SHEETS, tokenizer),
                                   data_collator=DataCollatorWithPadding(tokenizer),
                                   log_prior=log_prior, adjust=adjust)
    result = trainer.train()
    print(f"done, train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
