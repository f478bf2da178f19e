"""Fine-tune a tiny BERT to route ferry-operator incident reports to the right desk.

Everything is built locally (vocab, tokenizer, model) so the pipeline can be
smoke-tested on a laptop before pointing it at the real checkpoint.
"""
import os
import re
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

torch.manual_seed(7)

# Desks handled by the operations team
ROUTING_DESKS = ["deck", "engine", "passenger"]

RAW_REPORTS = [
    ("mooring line parted during berthing at the north ramp", "deck"),
    ("port engine overheated after leaving the harbour", "engine"),
    ("passenger slipped on wet stairs near the cafeteria", "passenger"),
    ("bow thruster alarm triggered twice on approach", "engine"),
    ("vehicle deck lashing chain found loose after crossing", "deck"),
    ("child separated from parents on the sun deck", "passenger"),
    ("oily sheen observed astern while bunkering fuel", "environment"),
    ("grey water tank overflow reported by crew", "environment"),
    ("ticket scanner offline so boarding was delayed", "ticketing"),
    ("double booking for cabin twelve on the night sailing", "ticketing"),
    ("generator tripped and emergency lighting came on", "engine"),
    ("gangway net torn and replaced before boarding", "deck"),
]


@dataclass
class IncidentReport:
    text: str
    desk: str


def write_vocab(texts, out_dir):
    words = set()
    for t in texts:
        words.update(re.findall(r"[a-z]+", t.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(out_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def build_model(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(ROUTING_DESKS),
    )
    return BertForSequenceClassification(cfg)


class IncidentDataset(Dataset):
    def __init__(self, reports, tokenizer, desk_to_id, max_len=24):
        self.reports = reports
        self.tok = tokenizer
        self.desk_to_id = desk_to_id
        self.max_len = max_len

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, idx):
        rep = self.reports[idx]
        enc = self.tok(
            rep.text,
            padding="max_length",
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.desk_to_id[rep.desk], dtype=torch.long)
        return item


def main():
    workdir = tempfile.mkdtemp(prefix="ferry_triage_")
    reports = [IncidentReport(t, d) for t, d in RAW_REPORTS]

    vocab_path = write_vocab([r.text for r in reports], workdir)
    tokenizer = BertTokenizer(vocab_path)
    model = build_model(tokenizer.vocab_size)
    print(f"vocab={tokenizer.vocab_size} desks={model.config.num_labels}")

    # map desk names to class ids
    desk_to_id = {d: i for i, d in enumerate(sorted({r.desk for r in reports}))}
    print("desk mapping:", desk_to_id)

    train_ds = IncidentDataset(reports, tokenizer, desk_to_id)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=4,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
