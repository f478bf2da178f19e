"""Tag vessel/position/hazard spans in short marine incident reports with a tiny BERT tagger."""
import logging
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("incident-tagger")

random.seed(7)
torch.manual_seed(7)

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-POS", "I-POS", "B-HAZ", "I-HAZ"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

# (words, word-level tags)
REPORTS = [
    ("trawler nordlys reported fog near skerry point".split(),
     ["O", "B-VESSEL", "O", "B-HAZ", "O", "B-POS", "I-POS"]),
    ("tanker aurora grounded on sandbank".split(),
     ["O", "B-VESSEL", "O", "O", "B-HAZ"]),
    ("ferry kestrel struck floating debris off north mole at dusk".split(),
     ["O", "B-VESSEL", "O", "B-HAZ", "I-HAZ", "O", "B-POS", "I-POS", "O", "O"]),
    ("pilot boat reports ice floes".split(),
     ["O", "O", "O", "B-HAZ", "I-HAZ"]),
    ("coaster halvard lost steering near skerry point in heavy swell".split(),
     ["O", "B-VESSEL", "O", "O", "O", "B-POS", "I-POS", "O", "B-HAZ", "I-HAZ"]),
    ("aurora anchored off north mole".split(),
     ["B-VESSEL", "O", "O", "B-POS", "I-POS"]),
]


def write_vocab(reports):
    words = sorted({w for ws, _ in reports for w in ws})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class ReportDataset(torch.utils.data.Dataset):
    def __init__(self, reports, tokenizer):
        self.items = []
        for words, tags in reports:
            enc = tokenizer(words, is_split_into_words=True)
            # first sub-token of each word carries the tag, the rest are ignored
            aligned, prev = [], None
            for wid in enc.word_ids():
                aligned.append(-100 if wid is None or wid == prev else TAG2ID[tags[wid]])
                prev = wid
            self.items.append({"input_ids": enc["input_ids"],
                               "attention_mask": enc["attention_mask"],
                               "tag_ids": aligned})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


@dataclass
class TagCollator:
    tokenizer: BertTokenizer
    max_length: int = 24

    def __call__(self, features):
        enc = self.tokenizer.pad(
            [{k: f[k] for k in ("input_ids", "attention_mask")} for f in features],
            padding="longest", return_tensors="pt")
        tag_rows = [f["tag_ids"] + [-100] * (self.max_length - len(f["tag_ids"])) for f in features]
        enc["tag_ids"] = torch.tensor(tag_rows, dtype=torch.long)
        return dict(enc)


class WeightedTagTrainer(Trainer):
    """Rare hazard/position tags get a larger weight in the token loss."""

    def __init__(self, *args, tag_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag_weights = tag_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("tag_ids")
        out = model(**inputs)
        n_tags = out.logits.size(-1)
        loss = F.cross_entropy(out.logits.reshape(-1, n_tags), gold.reshape(-1),
                               weight=self.tag_weights.to(out.logits.device), ignore_index=-100)
        return (loss, out) if return_outputs else loss


def main():
    tok = BertTokenizer(write_vocab(REPORTS))
    train_ds = ReportDataset(REPORTS, tok)
    log.info("built %d reports, vocab=%d", len(train_ds), tok.vocab_size)

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS))
    model = BertForTokenClassification(config)

    weights = torch.tensor([0.3, 1.0, 1.0, 1.5, 1.5, 2.0, 2.0])
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=3,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", remove_unused_columns=False,
                             disable_tqdm=True, report_to=[], use_cpu=True)
    trainer = WeightedTagTrainer(model=model, args=args, train_dataset=train_ds,
                                 data_collator=TagCollator(tok), tag_weights=weights)
    result = trainer.train()
    log.info("done: train loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
