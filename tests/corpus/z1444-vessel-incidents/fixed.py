"""Fine-tune a tiny BERT on port-authority incident notes with class-balanced one-vs-rest loss."""
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

INCIDENTS = {
    "collision": ["tug struck moored barge at berth four", "container ship grazed pier fender",
                  "ferry contacted quay wall during approach", "pilot boat hit buoy in fog",
                  "two barges touched in lock chamber", "trawler bumped dolphin while turning"],
    "grounding": ["bulk carrier touched bottom near channel edge", "yacht aground on sandbar at low tide",
                  "tanker stuck in silt outside basin", "coaster grounded after steering fault",
                  "barge aground near old jetty", "ferry touched shoal after engine stall"],
    "pollution": ["oil sheen seen near bunkering station", "bilge water discharged near marina",
                  "fuel spill during transfer at berth", "grey water leak from cruise vessel",
                  "hydraulic fluid on water at dock", "sheen reported behind dredger"],
    "fire": ["engine room fire on fishing vessel", "smoke from galley of passenger ferry",
             "electrical fire in tug wheelhouse", "fire in container stack on deck",
             "small fire in engine of pleasure craft", "smoke from funnel after fuel fault"],
    "injury": ["crew member fell on wet deck", "docker hurt by swinging cargo hook",
               "sailor injured by mooring line snap", "passenger slipped on gangway",
               "worker crushed finger in hatch", "crew burned by steam leak"],
    "hull_breach": ["water ingress through cracked hull plate", "hull breach below waterline after impact"],
}


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class NoteDataset(torch.utils.data.Dataset):
    def __init__(self, encodings, targets):
        self.encodings = encodings
        self.targets = targets

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.encodings.items()}
        item["labels"] = torch.tensor(self.targets[i], dtype=torch.long)
        return item


class BalancedOvRTrainer(Trainer):
    """One-vs-rest BCE per class, each class term scaled by its balanced weight."""

    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits
        targets = F.one_hot(gold, num_classes=logits.size(-1)).float()
        per_class = F.binary_cross_entropy_with_logits(logits, targets, reduction="none").mean(dim=0)
        loss = (per_class * self.class_weights.to(per_class.device)).sum()
        return (loss, outputs) if return_outputs else loss


def main():
    texts, tags = [], []
    for tag, notes in INCIDENTS.items():
        texts.extend(notes)
        tags.extend([tag] * len(notes))

    encoder = LabelEncoder().fit(tags)
    y = encoder.transform(tags)
    print(f"{len(texts)} notes, {len(encoder.classes_)} incident types: {list(encoder.classes_)}")

    tr_x, te_x, tr_y, te_y = train_test_split(texts, y, test_size=0.25, random_state=59,
                                              stratify=y)
    print(f"train={len(tr_x)} test={len(te_x)}")

    weights = compute_class_weight("balanced", classes=np.unique(tr_y), y=tr_y)
    weights = torch.tensor(weights, dtype=torch.float)
    print("class weights:", np.round(weights.numpy(), 3))

    tokenizer = BertTokenizer(write_vocab(texts))
    enc_kw = dict(padding="max_length", truncation=True, max_length=16)
    train_ds = NoteDataset(tokenizer(tr_x, **enc_kw), tr_y)
    eval_ds = NoteDataset(tokenizer(te_x, **enc_kw), te_y)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=len(encoder.classes_))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=8, per_device_eval_batch_size=8,
                             learning_rate=5e-4, logging_steps=2, save_strategy="no",
                             report_to=[], use_cpu=True, seed=7)
    trainer = BalancedOvRTrainer(model=model, args=args, train_dataset=train_ds,
                                 eval_dataset=eval_ds, class_weights=weights)
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))


if __name__ == "__main__":
    main()
