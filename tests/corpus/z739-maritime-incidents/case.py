"""Label-granularity sweep for maritime incident report classification.

Same reports, two taxonomies: the fine MAIB-style incident type and a coarse three-way grouping.
Tokenised features are cached to disk so that repeated sweeps skip the tokenizer.
"""
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("incident-sweep")

FINE = ["collision", "grounding", "fire", "engine-failure", "man-overboard", "injury"]
COARSE = ["navigation", "machinery", "personnel"]
FINE_TO_COARSE = {0: 0, 1: 0, 2: 1, 3: 1, 4: 2, 5: 2}

REPORTS = [
    ("vessel struck the quay wall while berthing in strong wind", 0),
    ("trawler touched bottom on the sandbank at low water", 1),
    ("smoke in the engine room from a leaking fuel line", 2),
    ("main engine stopped after the cooling water pump failed", 3),
    ("deckhand fell overboard while hauling the net", 4),
    ("crew member cut his hand on a mooring wire", 5),
    ("ferry collided with a moored yacht in fog", 0),
    ("tanker ran aground after a steering failure in the channel", 1),
    ("fire in the galley was put out with an extinguisher", 2),
    ("generator tripped and the vessel lost power at anchor", 3),
    ("passenger went over the rail during heavy rolling", 4),
    ("engineer burned his arm on an exhaust manifold", 5),
]


@dataclass
class SweepConfig:
    dataset_name: str = "incident-reports-v2"
    max_seq_length: int = 32
    cache_dir: str = tempfile.mkdtemp(prefix="incident_cache_")
    output_dir: str = tempfile.mkdtemp(prefix="incident_runs_")
    seed: int = 11


class FeatureDataset(Dataset):
    def __init__(self, features):
        self.features = features

    def __len__(self):
        return self.features["input_ids"].shape[0]

    def __getitem__(self, i):
        return {k: v[i] for k, v in self.features.items()}


def make_tokenizer(cache_dir):
    words = sorted({w for text, _ in REPORTS for w in text.split()})
    path = os.path.join(cache_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def targets_for(scheme):
    if scheme == "fine":
        return [y for _, y in REPORTS]
    return [FINE_TO_COARSE[y] for _, y in REPORTS]


def load_features(cfg, tokenizer, split, scheme):
    cache_file = os.path.join(cfg.cache_dir, f"{cfg.dataset_name}-{split}-{cfg.max_seq_length}.pt")
    if os.path.exists(cache_file):
        log.info("loading cached features from %s", cache_file)
        return torch.load(cache_file)
    log.info("tokenising %d reports for %s/%s", len(REPORTS), split, scheme)
    enc = tokenizer([t for t, _ in REPORTS], padding="max_length", truncation=True,
                    max_length=cfg.max_seq_length, return_tensors="pt")
    features = {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "labels": torch.tensor(targets_for(scheme), dtype=torch.long)}
    torch.save(features, cache_file)
    return features


def run_scheme(cfg, tokenizer, scheme, label_names):
    set_seed(cfg.seed)
    train_ds = FeatureDataset(load_features(cfg, tokenizer, "train", scheme))
    model_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                           num_attention_heads=2, intermediate_size=64,
                           max_position_embeddings=64, num_labels=len(label_names),
                           id2label=dict(enumerate(label_names)),
                           label2id={n: i for i, n in enumerate(label_names)})
    model = BertForSequenceClassification(model_cfg)
    args = TrainingArguments(output_dir=os.path.join(cfg.output_dir, scheme),
                             per_device_train_batch_size=4, num_train_epochs=2,
                             learning_rate=5e-4, logging_steps=3, save_strategy="no",
                             use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    log.info("[%s] %d labels, final train loss %.4f", scheme, len(label_names),
             result.training_loss)
    return result.training_loss


def main():
    cfg = SweepConfig()
    tokenizer = make_tokenizer(cfg.cache_dir)
    summary = {}
    for scheme, names in (("fine", FINE), ("coarse", COARSE)):
        summary[scheme] = run_scheme(cfg, tokenizer, scheme, names)
    for scheme, loss in summary.items():
        print(f"{scheme:>7}: train loss {loss:.4f}")


if __name__ == "__main__":
    main()
