"""Fine-tune a tiny BERT to triage after-hours farm call notes for the large-animal vet rota."""
import logging
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("triage")


class Container:
    """Very small DI container: factories get the container, results are cached."""

    def __init__(self):
        self._factories, self._instances = {}, {}

    def register(self, name, factory):
        self._factories[name] = factory

    def resolve(self, name):
        if name not in self._instances:
            log.debug("building %s", name)
            self._instances[name] = self._factories[name](self)
        return self._instances[name]


CALL_NOTES = [
    ("ewe straining two hours no progress lamb head back", "emergency"),
    ("heifer off feed since yesterday temperature normal", "soon"),
    ("booking herd tb test next month", "routine"),
    ("horse colic rolling sweating pulse high", "emergency"),
    ("calf scour three days drinking a little", "urgent"),
    ("pig lame on hind leg eating fine", "soon"),
    ("repeat prescription wormer for flock", "routine"),
    ("cow down after calving cannot rise", "urgent"),
    ("goat bloated left side breathing fast", "emergency"),
    ("alpaca shearing visit request", "routine"),
    ("bull swollen eye discharge two days", "soon"),
    ("mare foaling red bag seen", "emergency"),
]

TRIAGE_CODES = {"routine": 0, "soon": 1, "urgent": 2, "emergency": 3}
SETTINGS = {"hidden": 32, "layers": 1, "heads": 2, "num_labels": 3, "max_positions": 64, "lr": 3e-4}


def write_vocab(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    folder = tempfile.mkdtemp(prefix="triage_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class CallNoteDataset(Dataset):
    def __init__(self, notes, tokenizer, codes):
        self.rows = []
        for text, level in notes:
            enc = tokenizer(text, truncation=True, max_length=48)
            enc["labels"] = codes[level]
            self.rows.append(dict(enc))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def build_container():
    c = Container()
    c.register("settings", lambda c: dict(SETTINGS))
    c.register("notes", lambda c: CALL_NOTES)
    c.register("codes", lambda c: TRIAGE_CODES)
    c.register("tokenizer", lambda c: BertTokenizer(write_vocab(c.resolve("notes"))))
    c.register("num_labels", lambda c: len(c.resolve("codes")))
    c.register("config", lambda c: BertConfig(
        vocab_size=len(c.resolve("tokenizer")),
        hidden_size=c.resolve("settings")["hidden"],
        num_hidden_layers=c.resolve("settings")["layers"],
        num_attention_heads=c.resolve("settings")["heads"],
        intermediate_size=2 * c.resolve("settings")["hidden"],
        max_position_embeddings=c.resolve("settings")["max_positions"],
        num_labels=c.resolve("num_labels"),
    ))
    c.register("model", lambda c: BertForSequenceClassification(c.resolve("config")))
    c.register("train_set", lambda c: CallNoteDataset(c.resolve("notes"), c.resolve("tokenizer"), c.resolve("codes")))
    c.register("args", lambda c: TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="triage_run_"),
        per_device_train_batch_size=4,
        num_train_epochs=1,
        learning_rate=c.resolve("settings")["lr"],
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    ))
    c.register("trainer", lambda c: Trainer(
        model=c.resolve("model"),
        args=c.resolve("args"),
        train_dataset=c.resolve("train_set"),
        data_collator=DataCollatorWithPadding(c.resolve("tokenizer")),
    ))
    return c


def main():
    set_seed(7)
    torch.manual_seed(7)
    container = build_container()
    train_set = container.resolve("train_set")
    log.info("%d call notes, vocab %d", len(train_set), len(container.resolve("tokenizer")))
    trainer = container.resolve("trainer")
    result = trainer.train()
    log.info("train loss %.4f", result.training_loss)

    model = container.resolve("model").eval()
    tok = container.resolve("tokenizer")
    inverse = {v: k for k, v in container.resolve("codes").items()}
    with torch.no_grad():
        probe = tok(["cow bloated breathing fast"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    print("probe note ->", inverse.get(pred, pred))


if __name__ == "__main__":
    main()
