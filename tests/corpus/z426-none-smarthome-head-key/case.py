"""Joint device + action classifier for a smart-home voice assistant (tiny BERT, two heads)."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

DEVICES = ["light", "thermostat", "tv", "speaker", "blinds", "fan", "oven",
           "washer", "doorbell", "camera", "vacuum", "sprinkler"]
ACTIONS = ["turn_on", "turn_off", "increase", "decrease", "open", "close", "status"]
ROOMS = ["kitchen", "bedroom", "garage", "garden", "hallway", "office"]

PHRASES = {
    "turn_on": ["turn on the", "switch on the", "start the"],
    "turn_off": ["turn off the", "switch off the", "stop the"],
    "increase": ["turn up the", "raise the"],
    "decrease": ["turn down the", "lower the"],
    "open": ["open the"],
    "close": ["close the", "shut the"],
    "status": ["what is the status of the", "is the"],
}

HPARAMS = {"batch_size": 16, "epochs": 3, "lr": 2e-3, "max_len": 16, "n_utterances": 400}


def build_corpus(n, seed=3):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        dev, act, room = rng.randrange(len(DEVICES)), rng.randrange(len(ACTIONS)), rng.choice(ROOMS)
        text = f"{rng.choice(PHRASES[ACTIONS[act]])} {room} {DEVICES[dev]} please"
        rows.append({"text": text, "device": dev, "action": act})
    return rows


def write_vocab(folder, rows):
    words = sorted({w for r in rows for w in r["text"].split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class CommandModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.device_head = nn.Linear(config.hidden_size, len(DEVICES))
        self.action_head = nn.Linear(config.hidden_size, len(ACTIONS))

    def forward(self, input_ids, attention_mask):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.device_head(pooled), self.action_head(pooled)


def make_collate(tokenizer):
    def collate(rows):
        enc = tokenizer([r["text"] for r in rows], padding=True, truncation=True,
                        max_length=HPARAMS["max_len"], return_tensors="pt")
        enc["device"] = torch.tensor([r["device"] for r in rows])
        enc["action"] = torch.tensor([r["action"] for r in rows])
        return enc
    return collate


def run_epoch(model, loader, optimizer, ce):
    model.train()
    total = 0.0
    for step, batch in enumerate(loader):
        device_logits, action_logits = model(batch["input_ids"], batch["attention_mask"])
        device_loss = ce(device_logits, batch["device"])
        action_loss = ce(action_logits, batch["device"])
        loss = device_loss + action_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


def main():
    torch.manual_seed(0)
    rows = build_corpus(HPARAMS["n_utterances"])
    tmp = tempfile.mkdtemp(prefix="smarthome_")
    tokenizer = BertTokenizer(write_vocab(tmp, rows))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = CommandModel(config)
    loader = DataLoader(rows, batch_size=HPARAMS["batch_size"], shuffle=True,
                        collate_fn=make_collate(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=HPARAMS["lr"])
    ce = nn.CrossEntropyLoss()
    for epoch in range(HPARAMS["epochs"]):
        avg = run_epoch(model, loader, optimizer, ce)
        print(f"epoch {epoch}: loss {avg:.4f}")


if __name__ == "__main__":
    main()
