"""Fine-tune a small BERT to route maritime incident reports to the right desk.

Reports come in from harbour masters as free text; we classify them into an
incident type so the duty officer sees them in the right queue.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# desks as configured in the routing service (v2 schema)
NUM_INCIDENT_TYPES = 5

REPORTS = [
    ("vessel ran aground on sandbar near the north channel at low tide", "grounding"),
    ("two trawlers collided in fog outside the breakwater minor hull damage", "collision"),
    ("diesel sheen observed around berth four after bunkering", "pollution"),
    ("crew member fell from gangway and was taken to hospital", "injury"),
    ("engine room fire extinguished by crew no injuries reported", "fire"),
    ("container ship lost steering and drifted onto the mud bank", "grounding"),
    ("ferry struck the pier while berthing in strong crosswind", "collision"),
    ("oily bilge water discharged near the marina entrance", "pollution"),
    ("deckhand injured hand in mooring winch", "injury"),
    ("smoke reported from galley of moored yacht fire brigade attended", "fire"),
    ("fishing boat reported missing crew member overboard at night", "man_overboard"),
    ("passenger fell overboard from ferry search and rescue launched", "man_overboard"),
]

# label ids follow the order the categories first appear in the log
CATEGORY_IDS = {}
for _, cat in REPORTS:
    CATEGORY_IDS.setdefault(cat, len(CATEGORY_IDS))


def build_tokenizer(texts, workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = sorted({w for t in texts for w in t.split()})
    vocab.extend(seen)
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class IncidentReports(Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.rows = rows
        self.enc = tokenizer(
            [text for text, _ in rows],
            padding="max_length",
            truncation=True,
            max_length=max_len,
        )

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(CATEGORY_IDS[self.rows[i][1]])
        return item


def main():
    workdir = tempfile.mkdtemp(prefix="incidents_")
    tokenizer = build_tokenizer([t for t, _ in REPORTS], workdir)
    print(f"vocab size: {tokenizer.vocab_size}, categories seen: {list(CATEGORY_IDS)}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=NUM_INCIDENT_TYPES,
    )
    model = BertForSequenceClassification(config)

    random.shuffle(REPORTS)
    split = int(len(REPORTS) * 0.75)
    train_ds = IncidentReports(REPORTS[:split], tokenizer)
    eval_ds = IncidentReports(REPORTS[split:], tokenizer)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        seed=SEED,
        disable_tqdm=True,
        report_to=[],
    )

    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))


if __name__ == "__main__":
    main()
