"""Fine-tune a tiny BERT to route hull inspection notes to the right repair crew.

All knobs live in settings.ini so the ops team can tweak runs without touching code.
"""
import configparser
import logging
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hull-router")

SETTINGS = """
[model]
hidden_size = 32
layers = 1
heads = 2
num_labels = 3
max_len = 24

[data]
labels = none,corrosion,fouling,crack

[train]
epochs = 1
batch_size = 4
lr = 5e-4
seed = 7
"""

NOTES = [
    ("starboard plating clean no findings", "none"),
    ("rust bloom along waterline frame 12", "corrosion"),
    ("heavy barnacle growth on rudder stock", "fouling"),
    ("hairline crack near bilge keel weld", "crack"),
    ("pitting and rust on sea chest grating", "corrosion"),
    ("weed and slime on bow thruster tunnel", "fouling"),
    ("no defects observed on transom", "none"),
    ("crack propagating from cutout corner", "crack"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for text, _ in NOTES for w in text.split()}
)


def write_settings(folder):
    path = os.path.join(folder, "settings.ini")
    with open(path, "w") as fh:
        fh.write(SETTINGS)
    cfg = configparser.ConfigParser()
    cfg.read(path)
    return cfg


def build_tokenizer(folder):
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, label_names, max_len):
        self.enc = tokenizer(
            [text for text, _ in rows],
            padding="max_length",
            truncation=True,
            max_length=max_len,
        )
        lookup = {name: idx for idx, name in enumerate(label_names)}
        self.crew = [lookup[tag] for _, tag in rows]

    def __len__(self):
        return len(self.crew)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.crew[i])
        return item


def main():
    workdir = tempfile.mkdtemp(prefix="hull_")
    cfg = write_settings(workdir)
    torch.manual_seed(cfg.getint("train", "seed"))

    label_names = cfg["data"]["labels"].split(",")
    log.info("crews: %s", label_names)

    tokenizer = build_tokenizer(workdir)
    model_cfg = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=cfg.getint("model", "hidden_size"),
        num_hidden_layers=cfg.getint("model", "layers"),
        num_attention_heads=cfg.getint("model", "heads"),
        intermediate_size=cfg.getint("model", "hidden_size") * 2,
        max_position_embeddings=64,
        num_labels=cfg.getint("model", "num_labels"),
    )
    model = BertForSequenceClassification(model_cfg)

    train_ds = InspectionNotes(NOTES, tokenizer, label_names, cfg.getint("model", "max_len"))
    log.info("training on %d notes", len(train_ds))

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=cfg.getint("train", "epochs"),
        per_device_train_batch_size=cfg.getint("train", "batch_size"),
        learning_rate=cfg.getfloat("train", "lr"),
        seed=cfg.getint("train", "seed"),
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    log.info("done, final loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
