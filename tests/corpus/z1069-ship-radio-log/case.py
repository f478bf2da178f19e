"""Classify coastal-station radio log entries by traffic type with a small BERT + Accelerate.

Everything is local: the vocab is derived from the log lines and the model starts from random weights.
"""
import os
import random
import tempfile
from collections import Counter

import torch
from torch.utils.data import DataLoader, Dataset
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

TRAFFIC = ["distress", "weather", "position", "routine"]

LOG = [
    ("mayday mayday vessel taking water engine room flooding", "distress"),
    ("gale warning sea area forties wind southwest eight", "weather"),
    ("position report fifty six north two west course zero nine zero", "position"),
    ("radio check on channel sixteen loud and clear", "routine"),
    ("pan pan crew member injured request medical advice", "distress"),
    ("visibility poor fog patches sea state moderate", "weather"),
    ("arrived anchorage position logged at noon", "position"),
    ("switching to working channel for port traffic", "routine"),
    ("fire on board abandoning ship liferaft launched", "distress"),
    ("barometer falling rapidly storm expected overnight", "weather"),
    ("now passing buoy north cardinal speed ten knots", "position"),
    ("pilot boarding at breakwater ladder rigged port side", "routine"),
]

MODEL_DEFAULTS = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
    "num_labels": len(TRAFFIC),
}
TOKENIZER_DEFAULTS = {"padding": "max_length", "truncation": True, "max_length": 24}
LOADER_DEFAULTS = {"batch_size": 4, "shuffle": False, "drop_last": False}

# per-run profile; merged on top of the defaults
RUN_PROFILE = {
    "model": {"attention_probs_dropout_prob": 0.0},
    "tokenizer": {"padding": False},
    "loader": {"shuffle": True},
    "lr": 3e-4,
    "epochs": 2,
}


def merged(defaults, section):
    return {**defaults, **RUN_PROFILE.get(section, {})}


def make_tokenizer(lines):
    folder = tempfile.mkdtemp(prefix="radio_vocab_")
    counts = Counter(w for text, _ in lines for w in text.split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(counts)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class RadioLog(Dataset):
    def __init__(self, lines, tokenizer, tokenizer_kwargs):
        self.encoded = tokenizer([t for t, _ in lines], **tokenizer_kwargs)
        self.kinds = [TRAFFIC.index(k) for _, k in lines]
        lengths = [len(ids) for ids in self.encoded["input_ids"]]
        print(f"[data] {len(lines)} entries, token lengths {min(lengths)}..{max(lengths)}")

    def __len__(self):
        return len(self.kinds)

    def __getitem__(self, idx):
        entry = {name: torch.tensor(vals[idx]) for name, vals in self.encoded.items()}
        entry["labels"] = torch.tensor(self.kinds[idx])
        return entry


def train_one_epoch(accelerator, model, loader, optim, epoch):
    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
    accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")


def main():
    set_seed(7)
    random.seed(7)
    accelerator = Accelerator(cpu=True)

    tokenizer = make_tokenizer(LOG)
    tokenizer_kwargs = merged(TOKENIZER_DEFAULTS, "tokenizer")
    dataset = RadioLog(LOG, tokenizer, tokenizer_kwargs)

    model_kwargs = merged(MODEL_DEFAULTS, "model")
    model_kwargs["vocab_size"] = tokenizer.vocab_size
    model = BertForSequenceClassification(BertConfig(**model_kwargs))

    loader_kwargs = merged(LOADER_DEFAULTS, "loader")
    loader = DataLoader(dataset, **loader_kwargs)
    optim = torch.optim.AdamW(model.parameters(), lr=RUN_PROFILE["lr"])

    model, optim, loader = accelerator.prepare(model, optim, loader)
    for epoch in range(RUN_PROFILE["epochs"]):
        train_one_epoch(accelerator, model, loader, optim, epoch)
    accelerator.print("finished training radio traffic classifier")


if __name__ == "__main__":
    main()
