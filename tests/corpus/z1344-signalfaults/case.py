"""Fine-tune a tiny BERT to route railway signalling fault tickets to the right maintenance team."""
import abc
import logging
import random

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("signal-faults")

random.seed(7)
torch.manual_seed(7)

MAINLINE_ROWS = [
    ("track circuit showing occupied with no train in section", "track_circuit"),
    ("points failed to detect in reverse after frost overnight", "point_machine"),
    ("red aspect lamp out on approach signal", "signal_lamp"),
    ("axle counter reset required after lightning strike", "axle_counter"),
    ("barrier stuck half lowered at crossing keeper hut", "level_crossing"),
    ("track circuit bobbing intermittently during rain", "track_circuit"),
    ("point machine motor overheating on heavy usage", "point_machine"),
    ("yellow lamp flickering at junction signal", "signal_lamp"),
]
BRANCH_ROWS = [
    ("points not detected normal at loop entrance", "point_machine"),
    ("green lamp filament failed on home signal", "signal_lamp"),
    ("track circuit failed clear after ballast work", "track_circuit"),
]


class Vocabulary:
    def __init__(self, specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]")):
        self._index = {}
        self._frozen = False
        for tok in specials:
            self.add(tok)

    def add(self, token):
        if token not in self._index:
            if self._frozen:
                return self.lookup(token)
            self._index[token] = len(self._index)
        return self._index[token]

    def __len__(self):
        return len(self._index)

    def lookup(self, token):
        return self._index.get(token, self._index["[UNK]"])

    def freeze(self):
        self._frozen = True
        return self


class TicketDataset(Dataset, abc.ABC):
    # categories shared by every region's ticket system
    CATEGORIES = ("track_circuit", "point_machine", "signal_lamp")

    def __init__(self, rows, vocab):
        self.rows = rows
        self.vocab = vocab

    def encode(self, text):
        ids = [self.vocab.lookup("[CLS]")]
        ids += [self.vocab.lookup(w) for w in text.lower().split()]
        return ids + [self.vocab.lookup("[SEP]")]

    @abc.abstractmethod
    def __len__(self): ...

    @abc.abstractmethod
    def __getitem__(self, idx): ...


class MainlineTickets(TicketDataset):
    CATEGORIES = TicketDataset.CATEGORIES + ("axle_counter", "level_crossing")

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, team = self.rows[idx]
        return {"ids": self.encode(text), "target": self.CATEGORIES.index(team)}


class BranchLineTickets(TicketDataset):
    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, team = self.rows[idx]
        return {"ids": self.encode(text), "target": self.CATEGORIES.index(team)}


class Collator:
    def __init__(self, pad_id):
        self.pad_id = pad_id

    def __call__(self, features):
        width = max(len(f["ids"]) for f in features)
        tokens = torch.full((len(features), width), self.pad_id, dtype=torch.long)
        keep = torch.zeros((len(features), width), dtype=torch.long)
        for row, f in enumerate(features):
            tokens[row, : len(f["ids"])] = torch.tensor(f["ids"])
            keep[row, : len(f["ids"])] = 1
        routed = torch.tensor([f["target"] for f in features], dtype=torch.long)
        return {"input_ids": tokens, "attention_mask": keep, "labels": routed}


def build_vocab(*row_sets):
    vocab = Vocabulary()
    for rows in row_sets:
        for text, _ in rows:
            for word in text.lower().split():
                vocab.add(word)
    return vocab.freeze()


def main():
    vocab = build_vocab(MAINLINE_ROWS, BRANCH_ROWS)
    train_ds = MainlineTickets(MAINLINE_ROWS, vocab)
    eval_ds = BranchLineTickets(BRANCH_ROWS, vocab)
    log.info("vocab=%d train=%d eval=%d", len(vocab), len(train_ds), len(eval_ds))

    # one output per maintenance team
    teams = eval_ds.CATEGORIES
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=len(teams),
    )
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir="/tmp/z1344-signalfaults-out", per_device_train_batch_size=4, num_train_epochs=1,
        learning_rate=5e-4, logging_steps=1, save_strategy="no", disable_tqdm=True, report_to=[],
        remove_unused_columns=False, use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=Collator(pad_id=vocab.lookup("[PAD]")))
    trainer.train()
    metrics = trainer.evaluate()
    log.info("eval loss %.4f", metrics["eval_loss"])


if __name__ == "__main__":
    main()
