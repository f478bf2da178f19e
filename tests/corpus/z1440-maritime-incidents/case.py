"""Fine-tune a small BERT to route maritime incident reports to the right desk."""
import os
import re
import tempfile
from collections import Counter

import numpy as np
import torch
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(3)
np.random.seed(3)

REPORTS = [
    ("vessel made contact with the pier while berthing in strong wind", "collision"),
    ("two trawlers touched hulls in fog near the harbour entrance", "collision"),
    ("ferry struck a moored barge during the evening crossing", "collision"),
    ("tug and tanker collided while manoeuvring at the terminal", "collision"),
    ("bulk carrier ran aground on a sandbank after a steering failure", "grounding"),
    ("yacht grounded on rocks at low tide outside the channel", "grounding"),
    ("coaster touched bottom in the approach channel with a falling tide", "grounding"),
    ("small fire in the galley extinguished by the crew", "fire"),
    ("main engine stopped due to a fuel pump failure", "machinery"),
    ("generator tripped and the vessel lost power for ten minutes", "machinery"),
    ("cooling water leak forced the engine to shut down at sea", "machinery"),
    ("steering gear alarm and loss of rudder control in the channel", "machinery"),
    ("deckhand fell overboard while handling mooring lines", "man_overboard"),
    ("crew member lost overboard during heavy weather and recovered", "man_overboard"),
    ("passenger went over the rail at night and was rescued by the tender", "man_overboard"),
    ("containers shifted on deck during heavy rolling", "cargo_shift"),
    ("timber cargo moved in the hold causing a list to port", "cargo_shift"),
    ("lashings failed and steel coils shifted in the hold", "cargo_shift"),
    ("oil sheen observed around the hull after bunkering", "pollution"),
    ("bilge water discharged near the coast and reported by patrol", "pollution"),
    ("hydraulic oil leaked from the crane into the harbour", "pollution"),
    ("fuel spill during transfer reached the water at the berth", "pollution"),
]
MIN_PER_DESK = 2


def words(text):
    return re.findall(r"[a-z_]+", text.lower())


def write_vocab(texts, folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = sorted({w for t in texts for w in words(t)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + vocab) + "\n")
    return path


class ReportDataset(torch.utils.data.Dataset):
    def __init__(self, texts, targets, tokenizer):
        self.enc = tokenizer(list(texts), truncation=True, max_length=48)
        self.targets = targets

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = int(self.targets[i])
        return item


def main():
    texts = np.array([t for t, _ in REPORTS])
    desks = np.array([d for _, d in REPORTS])

    label_enc = LabelEncoder().fit(desks)
    y_all = label_enc.transform(desks)
    print("desks:", ", ".join(label_enc.classes_))

    # stratified split needs at least two reports per desk
    counts = Counter(desks)
    keep = np.array([counts[d] >= MIN_PER_DESK for d in desks])
    print(f"dropping {int((~keep).sum())} reports from rare desks")
    texts, y_all = texts[keep], y_all[keep]

    x_tr, x_te, y_tr, y_te = train_test_split(
        texts, y_all, test_size=0.3, stratify=y_all, random_state=3)
    n_classes = len(np.unique(y_tr))
    print(f"train={len(x_tr)} test={len(x_te)} classes={n_classes}")

    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(texts, tmp))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=n_classes)
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=os.path.join(tmp, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=8,
                             learning_rate=5e-4, save_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[], seed=3)

    def compute_metrics(pred):
        preds = pred.predictions.argmax(-1)
        return {"accuracy": float((preds == pred.label_ids).mean())}

    trainer = Trainer(model=model, args=args,
                      train_dataset=ReportDataset(x_tr, y_tr, tokenizer),
                      eval_dataset=ReportDataset(x_te, y_te, tokenizer),
                      data_collator=DataCollatorWithPadding(tokenizer),
                      compute_metrics=compute_metrics)
    trainer.train()
    print(trainer.evaluate())

    out = trainer.predict(ReportDataset(x_te, y_te, tokenizer))
    preds = out.predictions.argmax(-1)
    present = np.unique(y_te)
    print(classification_report(y_te, preds, labels=present,
                                target_names=label_enc.classes_[present], zero_division=0))


if __name__ == "__main__":
    main()
