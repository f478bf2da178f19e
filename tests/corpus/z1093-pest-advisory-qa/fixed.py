"""Pair classifier: does an extension-service advisory answer a grower's question?

Trained with Accelerate; every hyperparameter goes through Tracker so the
run can be rebuilt from the params dump.
"""
import functools
import json
import os
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

# shared preset for the small distilled encoders we ship to field tablets
TABLET_PRESET = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
    "type_vocab_size": 2,
}

PAIRS = [
    ("how do i stop aphids on peppers", "spray insecticidal soap on the underside of pepper leaves", 1),
    ("how do i stop aphids on peppers", "harvest maize when the husks turn dry", 0),
    ("what kills fall armyworm in maize", "apply bt spray into the maize whorl at dusk", 1),
    ("what kills fall armyworm in maize", "prune citrus after the last frost", 0),
    ("why are my tomato leaves curling", "whitefly spreads leaf curl virus in tomato", 1),
    ("why are my tomato leaves curling", "store seed potatoes in a cool dark shed", 0),
    ("when to set codling moth traps", "hang pheromone traps in apple trees at bloom", 1),
    ("when to set codling moth traps", "spray insecticidal soap on the underside of pepper leaves", 0),
]


class Tracker:
    def __init__(self, project):
        self.project = project
        self.params = {}
        self.history = []

    def log_params(self, **kw):
        self.params.update(kw)

    def get(self, key):
        return self.params[key]

    def log(self, step, **metrics):
        self.history.append(dict(step=step, **metrics))
        print(f"[{self.project}] step {step}: " + ", ".join(f"{k}={v:.4f}" for k, v in metrics.items()))

    def dump(self):
        return json.dumps(self.params, sort_keys=True)


def build_tokenizer(folder):
    words = sorted({w for q, a, _ in PAIRS for w in (q + " " + a).split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate_pairs(rows, tokenizer, max_len):
    questions, advisories, flags = zip(*rows)
    enc = tokenizer(list(questions), list(advisories), padding=True, truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor(flags)
    return dict(enc)


def main():
    tracker = Tracker("advisory-match")
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)

    tracker.log_params(**TABLET_PRESET, vocab_size=tokenizer.vocab_size, num_labels=2,
                       max_len=48, lr=3e-4, batch_size=4, epochs=3)
    print("params:", tracker.dump())

    config_keys = list(TABLET_PRESET) + ["vocab_size", "num_labels"]
    config = BertConfig(**{k: tracker.get(k) for k in config_keys})
    model = BertForSequenceClassification(config)

    loader = DataLoader(PAIRS, batch_size=tracker.get("batch_size"), shuffle=True,
                        collate_fn=functools.partial(collate_pairs, tokenizer=tokenizer,
                                                     max_len=tracker.get("max_len")))
    optimizer = torch.optim.AdamW(model.parameters(), lr=tracker.get("lr"))

    accelerator = Accelerator(cpu=True)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    step = 0
    for epoch in range(tracker.get("epochs")):
        model.train()
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            step += 1
            tracker.log(step, loss=out.loss.item(), epoch=float(epoch))

    print(f"done: {len(tracker.history)} steps, final loss {tracker.history[-1]['loss']:.4f}")


if __name__ == "__main__":
    main()
