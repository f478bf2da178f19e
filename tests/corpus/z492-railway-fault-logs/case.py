"""Fine-tune a tiny BERT to route railway maintenance log entries to the
responsible subsystem team (track, signalling, rolling stock, catenary)."""
import logging
import os
import re
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
log = logging.getLogger("fault-router")

torch.manual_seed(7)

SUBSYSTEMS = ["track", "signalling", "rolling_stock", "catenary"]

LOG_ENTRIES = [
    ("rail head wear measured above limit near km 14", "track"),
    ("broken fishplate bolt reported on down line", "track"),
    ("ballast washout after heavy rain at culvert 22 left the sleepers hanging", "track"),
    ("gauge spread detected by inspection car", "track"),
    ("signal 41 stuck at red", "signalling"),
    ("axle counter reset required after power dip at interlocking", "signalling"),
    ("point machine failed to detect normal position", "signalling"),
    ("track circuit showing occupied with no train present in section b", "signalling"),
    ("brake pad wear on unit 307 coach c", "rolling_stock"),
    ("door interlock fault on leading car", "rolling_stock"),
    ("wheel flat found during depot inspection", "rolling_stock"),
    ("traction motor overheating alarm on unit 212 during climb", "rolling_stock"),
    ("contact wire sag observed at mast 118", "catenary"),
    ("dropper broken between masts 40 and 41", "catenary"),
    ("pantograph strike marks on registration arm after storm", "catenary"),
    ("overhead line tripped twice near the feeder station", "catenary"),
]


def build_vocab_file(texts, directory):
    words = set()
    for t in texts:
        words.update(re.findall(r"[a-z0-9_]+", t.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(directory, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


class FaultLogDataset(Dataset):
    def __init__(self, rows, tokenizer, label_map, max_len=48):
        self.rows = rows
        self.tok = tokenizer
        self.label_map = label_map
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, team = self.rows[idx]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        item = {k: v for k, v in enc.items()}
        item["labels"] = self.label_map[team]
        return item


def make_model(vocab_size, n_classes):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=n_classes,
    )
    return BertForSequenceClassification(cfg)


def main():
    workdir = tempfile.mkdtemp(prefix="fault_router_")
    vocab_path = build_vocab_file([t for t, _ in LOG_ENTRIES], workdir)
    tokenizer = BertTokenizer(vocab_path)
    log.info("vocab size %d", tokenizer.vocab_size)

    label_map = {name: i for i, name in enumerate(SUBSYSTEMS)}
    train_ds = FaultLogDataset(LOG_ENTRIES, tokenizer, label_map)
    log.info("first example: %s", train_ds[0])

    model = make_model(len(tokenizer), len(SUBSYSTEMS))

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=1,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        seed=7,
    )

    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    log.info("training loss %.4f", result.training_loss)

    model.eval()
    probe = tokenizer("signal 41 stuck at red", return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("routed to:", SUBSYSTEMS[pred])


if __name__ == "__main__":
    main()
