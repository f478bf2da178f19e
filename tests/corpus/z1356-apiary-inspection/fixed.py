"""Small grid sweep: classify apiary inspection notes by colony condition.

We compare a coarse 4-way taxonomy with the finer 6-way one the inspectors
actually log, at two tokenizer lengths, with a tiny randomly initialised BERT.
"""
import itertools
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification,
                          BertTokenizer, Trainer, TrainingArguments)

torch.manual_seed(7)

NOTES = [
    ("strong laying pattern capped brood calm bees plenty of stores", "healthy"),
    ("frames full of honey queen seen good temper", "healthy"),
    ("no eggs no young larvae roaring colony emergency cells", "queenless"),
    ("laying workers multiple eggs per cell no queen found", "queenless"),
    ("mummified larvae chalky white in cells near entrance", "chalkbrood"),
    ("hard white larvae on landing board damp hive", "chalkbrood"),
    ("sunken perforated cappings ropey brown larvae foul smell", "foulbrood"),
    ("scattered brood sunken cappings ropey test positive", "foulbrood"),
    ("mites on drone brood deformed wings on workers", "varroa"),
    ("sticky board heavy mite drop deformed wings", "varroa"),
    ("webbing and tunnels through comb larvae of moth", "wax_moth"),
    ("moth cocoons in frame corners damaged comb", "wax_moth"),
]

FINE = ["healthy", "queenless", "chalkbrood", "foulbrood", "varroa", "wax_moth"]
COARSE_OF = {"healthy": "healthy", "queenless": "queenless",
             "chalkbrood": "brood_disease", "foulbrood": "brood_disease",
             "varroa": "pests", "wax_moth": "pests"}
COARSE = ["healthy", "queenless", "brood_disease", "pests"]

# shared tiny backbone settings for every run of the sweep
BACKBONE = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                intermediate_size=64, max_position_embeddings=64)


def build_tokenizer(workdir):
    words = sorted({w for text, _ in NOTES for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class InspectionNotes(Dataset):
    def __init__(self, tokenizer, label_names, max_len, fine_grained):
        texts = [t for t, _ in NOTES]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        lookup = {name: i for i, name in enumerate(label_names)}
        self.targets = [lookup[lab if fine_grained else COARSE_OF[lab]]
                        for _, lab in NOTES]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def run_one(tokenizer, taxonomy, max_len, outdir):
    label_names = FINE if taxonomy == "fine" else COARSE
    ds = InspectionNotes(tokenizer, label_names, max_len,
                         fine_grained=(taxonomy == "fine"))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size,
                     num_labels=len(label_names), **BACKBONE)
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(
        output_dir=outdir, per_device_train_batch_size=4, num_train_epochs=1,
        learning_rate=1e-3, save_strategy="no", logging_strategy="no",
        use_cpu=True, seed=7, disable_tqdm=True, report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=ds)
    out = trainer.train()
    preds = trainer.predict(ds)
    acc = (preds.predictions.argmax(-1) == preds.label_ids).mean()
    return out.training_loss, float(acc)


def main():
    workdir = tempfile.mkdtemp(prefix="apiary_")
    tok = build_tokenizer(workdir)
    grid = list(itertools.product(["coarse", "fine"], [24, 32]))
    print(f"sweep: {len(grid)} runs")

    results = []
    for i, (taxonomy, max_len) in enumerate(grid):
        print(f"[run {i}] taxonomy={taxonomy} max_len={max_len}")
        loss, acc = run_one(tok, taxonomy, max_len,
                            os.path.join(workdir, f"run{i}"))
        results.append(dict(taxonomy=taxonomy, max_len=max_len,
                            loss=loss, train_acc=acc))

    print(f"{'taxonomy':<10}{'max_len':>8}{'loss':>10}{'acc':>8}")
    for r in results:
        print(f"{r['taxonomy']:<10}{r['max_len']:>8}{r['loss']:>10.4f}"
              f"{r['train_acc']:>8.2f}")


if __name__ == "__main__":
    main()
