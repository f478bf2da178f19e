"""Train a small cross-encoder that decides whether a maintenance-manual task answers a pilot squawk."""
import functools
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class Registry:
    def __init__(self):
        self.providers = {}
        self.cache = {}

    def register(self, key, factory):
        if key in self.providers:
            raise KeyError(f"{key} registered twice")
        self.providers[key] = factory
        return self

    def resolve(self, key):
        try:
            return self.cache[key]
        except KeyError:
            obj = self.cache[key] = self.providers[key](self)
            return obj


SQUAWKS = [
    ("left main gear tire worn to cord", "inspect and replace main landing gear wheel assembly", 1),
    ("number two engine oil pressure fluctuating", "check engine oil pressure transmitter and wiring", 1),
    ("cabin reading light row 12 inop", "replace passenger service unit lamp", 1),
    ("pitot heat caution on climb", "test pitot probe heater element resistance", 1),
    ("left main gear tire worn to cord", "test pitot probe heater element resistance", 0),
    ("number two engine oil pressure fluctuating", "replace passenger service unit lamp", 0),
    ("cabin reading light row 12 inop", "check engine oil pressure transmitter and wiring", 0),
    ("pitot heat caution on climb", "inspect and replace main landing gear wheel assembly", 0),
    ("lav smoke detector chirping", "replace lavatory smoke detector battery", 1),
    ("lav smoke detector chirping", "check engine oil pressure transmitter and wiring", 0),
]

# keep the student tiny so the nightly job runs on CPU
ARCH = {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "positions": 96, "type_vocab": 2}


def make_tokenizer(reg):
    words = set()
    for squawk, task, _ in reg.resolve("pairs"):
        words.update(squawk.split())
        words.update(task.split())
    tmp = tempfile.mkdtemp(prefix="squawk_")
    vocab = os.path.join(tmp, "vocab.txt")
    with open(vocab, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(words)]:
            fh.write(tok + "\n")
    return BertTokenizer(vocab)


def collate(rows, tokenizer, max_len):
    squawks, tasks, flags = zip(*rows)
    enc = tokenizer(list(squawks), list(tasks), padding=True, truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor(flags)
    return enc


def wire():
    reg = Registry()
    reg.register("arch", lambda r: ARCH)
    reg.register("pairs", lambda r: list(SQUAWKS))
    reg.register("tokenizer", make_tokenizer)
    reg.register("bert_config", lambda r: BertConfig(
        vocab_size=r.resolve("tokenizer").vocab_size,
        hidden_size=r.resolve("arch")["hidden"],
        num_hidden_layers=r.resolve("arch")["layers"],
        num_attention_heads=r.resolve("arch")["heads"],
        intermediate_size=r.resolve("arch")["ffn"],
        max_position_embeddings=r.resolve("arch")["positions"],
        type_vocab_size=r.resolve("arch")["type_vocab"],
        num_labels=2,
    ))
    reg.register("model", lambda r: BertForSequenceClassification(r.resolve("bert_config")))
    reg.register("optimizer", lambda r: torch.optim.AdamW(r.resolve("model").parameters(), lr=5e-4))
    reg.register("loader", lambda r: DataLoader(
        r.resolve("pairs"), batch_size=4, shuffle=True,
        collate_fn=functools.partial(collate, tokenizer=r.resolve("tokenizer"),
                                     max_len=r.resolve("arch")["positions"]),
    ))
    reg.register("accelerator", lambda r: Accelerator(cpu=True))
    return reg


def run_epoch(accelerator, model, optimizer, loader, epoch):
    model.train()
    total, steps = 0.0, 0
    for batch in loader:
        out = model(**batch)
        accelerator.backward(out.loss)
        optimizer.step()
        optimizer.zero_grad()
        total += out.loss.item()
        steps += 1
    accelerator.print(f"epoch {epoch}: mean loss {total / max(steps, 1):.4f} over {steps} steps")


def main():
    random.seed(11)
    torch.manual_seed(11)
    reg = wire()
    accelerator = reg.resolve("accelerator")
    model, optimizer, loader = accelerator.prepare(
        reg.resolve("model"), reg.resolve("optimizer"), reg.resolve("loader"))
    accelerator.print(f"{len(reg.resolve('pairs'))} squawk/task pairs on {accelerator.device}")
    for epoch in range(2):
        run_epoch(accelerator, model, optimizer, loader, epoch)

    model.eval()
    tok = reg.resolve("tokenizer")
    probe = tok("pitot heat caution on climb", "test pitot probe heater element resistance", return_tensors="pt")
    with torch.no_grad():
        p = model(**probe).logits.softmax(-1)[0, 1].item()
    accelerator.print(f"match probability for known pair: {p:.3f}")


if __name__ == "__main__":
    main()
