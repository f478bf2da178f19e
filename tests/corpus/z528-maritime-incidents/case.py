"""Fine-tune a tiny BERT to triage maritime incident reports by incident type.

Reports come from the harbour master's weekly digest; each line is a short
free-text summary and the incident category the duty officer assigned.
"""
import os
import re
import tempfile
import logging

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("incident-triage")

torch.manual_seed(13)

INCIDENT_TYPES = ["collision", "grounding", "fire", "machinery", "pollution"]

REPORTS = [
    ("tug struck moored barge while turning in the basin", "collision"),
    ("bulk carrier touched bottom near the outer buoy at low water", "grounding"),
    ("smoke reported from engine room of fishing vessel", "fire"),
    ("main engine failure ferry drifted and anchored safely", "machinery"),
    ("oil sheen observed astern of tanker at berth four", "pollution"),
    ("two pleasure craft collided at the marina entrance", "collision"),
    ("coaster ran aground on sandbank after steering loss", "grounding"),
    ("galley fire extinguished by crew no injuries", "fire"),
    ("generator blackout on container ship pilot aboard", "machinery"),
    ("diesel spill during bunkering boom deployed", "pollution"),
    ("dredger contacted the quay wall while berthing", "collision"),
    ("yacht grounded on rocks crew rescued by lifeboat", "grounding"),
]


def build_vocab(texts, path):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return len(specials) + len(words)


class IncidentDataset(Dataset):
    def __init__(self, rows, tokenizer, label_map, max_len=32):
        self.rows = rows
        self.tok = tokenizer
        self.label_map = label_map
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        summary, category = self.rows[idx]
        enc = self.tok(summary, truncation=True, max_length=self.max_len)
        enc["labels"] = self.label_map[category]
        return enc


def main():
    workdir = tempfile.mkdtemp(prefix="incidents_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    vocab_size = build_vocab([r[0] for r in REPORTS], vocab_path)
    tokenizer = BertTokenizer(vocab_path)
    log.info("vocab: %d entries", vocab_size)

    # keep the maps on the config so saved checkpoints are self-describing
    label2id = {name: code for code, name in enumerate(INCIDENT_TYPES, 1)}
    id2label = {code: name for name, code in label2id.items()}

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(INCIDENT_TYPES),
        id2label=id2label,
        label2id=label2id,
    )
    model = BertForSequenceClassification(config)

    train_ds = IncidentDataset(REPORTS, tokenizer, label2id)
    log.info("training on %d reports, %d classes", len(train_ds), config.num_labels)

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
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    result = trainer.train()
    log.info("final train loss %.4f", result.training_loss)

    model.eval()
    probe = tokenizer("fire in the engine room of the tug", return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("predicted category:", model.config.id2label[pred])


if __name__ == "__main__":
    main()
