"""Classify drill-core logging notes by lithology with a tiny BERT and an Accelerate training loop."""
import os
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SETTINGS = {
    "model": {"hidden_size": 32, "layers": 1, "heads": 2, "ffn": 64, "max_positions": 64},
    "data": {"max_len": 40, "markers": ["[DEPTH]", "[RQD]", "[BOX]"],
             "lithologies": ["sandstone", "shale", "granite"]},
    "train": {"batch_size": 3, "epochs": 2, "lr": 3e-4, "seed": 7, "grad_clip": 1.0},
}

CORE_LOG = [
    ("[BOX] 14 [DEPTH] 212.4 fine grained quartz rich well sorted [RQD] 85", "sandstone"),
    ("[BOX] 15 [DEPTH] 215.0 cross bedded medium grains iron staining [RQD] 78", "sandstone"),
    ("[BOX] 22 [DEPTH] 301.7 fissile dark grey laminated [RQD] 40", "shale"),
    ("[BOX] 23 [DEPTH] 305.2 carbonaceous partings soft laminated [RQD] 35", "shale"),
    ("[BOX] 41 [DEPTH] 488.9 coarse feldspar phenocrysts massive [RQD] 97", "granite"),
    ("[BOX] 42 [DEPTH] 492.3 pink feldspar biotite massive jointed [RQD] 90", "granite"),
]


def build_tokenizer():
    workdir = tempfile.mkdtemp(prefix="core_tok_")
    words = set()
    for note, _ in CORE_LOG:
        for w in note.replace(".", " . ").split():
            if not w.startswith("["):
                words.add(w.lower())
    vocab_file = os.path.join(workdir, "vocab.txt")
    with open(vocab_file, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words):
            fh.write(tok + "\n")
    tok = BertTokenizer(vocab_file)
    # keep logging markers as single tokens
    tok.add_special_tokens({"additional_special_tokens": SETTINGS["data"]["markers"]})
    return tok


def build_model(tokenizer):
    m = SETTINGS["model"]
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=m["hidden_size"],
        num_hidden_layers=m["layers"],
        num_attention_heads=m["heads"],
        intermediate_size=m["ffn"],
        max_position_embeddings=m["max_positions"],
        num_labels=len(SETTINGS["data"]["lithologies"]),
    )
    return BertForSequenceClassification(config)


def collate_core(rows, tokenizer, litho_index):
    notes = [r[0] for r in rows]
    enc = tokenizer(notes, padding=True, truncation=True,
                    max_length=SETTINGS["data"]["max_len"], return_tensors="pt")
    enc["labels"] = torch.tensor([litho_index[r[1]] for r in rows])
    return enc


def build_dataloader(tokenizer):
    litho_index = {name: i for i, name in enumerate(SETTINGS["data"]["lithologies"])}
    collate = partial(collate_core, tokenizer=tokenizer, litho_index=litho_index)
    return DataLoader(CORE_LOG, batch_size=SETTINGS["train"]["batch_size"], shuffle=True, collate_fn=collate)


class RunningMeter:
    def __init__(self, name):
        self.name = name
        self.total = 0.0
        self.count = 0

    def update(self, value, n=1):
        if n <= 0:
            return
        self.total += value * n
        self.count += n

    @property
    def avg(self):
        return self.total / self.count if self.count else float("nan")


def train_one_epoch(accelerator, model, loader, optimizer, epoch):
    model.train()
    meter = RunningMeter("loss")
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        if accelerator.sync_gradients:
            accelerator.clip_grad_norm_(model.parameters(), SETTINGS["train"]["grad_clip"])
        optimizer.step()
        optimizer.zero_grad()
        meter.update(out.loss.item(), batch["labels"].size(0))
        accelerator.print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
    return meter.avg


def main():
    set_seed(SETTINGS["train"]["seed"])
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer()
    model = build_model(tokenizer)
    loader = build_dataloader(tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=SETTINGS["train"]["lr"])
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    accelerator.print(f"core notes: {len(CORE_LOG)}, tokenizer size: {len(tokenizer)}")
    for epoch in range(SETTINGS["train"]["epochs"]):
        avg = train_one_epoch(accelerator, model, loader, optimizer, epoch)
        accelerator.print(f"epoch {epoch} mean loss {avg:.4f}")
    accelerator.wait_for_everyone()


if __name__ == "__main__":
    main()
