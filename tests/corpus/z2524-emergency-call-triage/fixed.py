import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))

PRIORITY_CLASSES = ["P1_life_threat", "P2_urgent", "P3_non_urgent"]

SETTINGS = {
    "max_position_embeddings": 128,
    "hidden_size": 32,
    "batch_size": 4,
    "lr": 3e-4,
    "epochs": 1,
}

CALL_WORDS = [
    "caller", "reports", "smoke", "fire", "kitchen", "flooding", "basement", "water",
    "rising", "car", "crash", "highway", "injured", "unconscious", "breathing", "not",
    "bleeding", "heavy", "chest", "pain", "elderly", "male", "female", "child", "trapped",
    "second", "floor", "neighbor", "tree", "down", "power", "line", "sparking", "road",
    "blocked", "gas", "smell", "alarm", "going", "off", "dispatcher", "confirms", "address",
    "near", "bridge", "river", "evacuate", "shelter", "ambulance", "requested", "engine",
    "units", "en", "route", "patient", "conscious", "alert", "minor", "cut", "hand",
]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + sorted(set(CALL_WORDS)):
            f.write(tok + "\n")


def fake_transcript(priority):
    # long 911 calls run on; P1 calls tend to be the longest
    base = {0: (90, 170), 1: (40, 110), 2: (15, 60)}[priority]
    n = random.randint(*base)
    return " ".join(random.choice(CALL_WORDS) for _ in range(n))


def build_calls(n_calls=24):
    calls = []
    for i in range(n_calls):
        prio = random.randrange(len(PRIORITY_CLASSES))
        calls.append({"call_id": f"CAD-{2024000 + i}", "text": fake_transcript(prio), "priority": prio})
    return calls


class CallTranscriptDataset(Dataset):
    def __init__(self, calls):
        self.calls = calls

    def __len__(self):
        return len(self.calls)

    def __getitem__(self, idx):
        c = self.calls[idx]
        return c["text"], c["priority"]


class TranscriptCollator:
    def __init__(self, tokenizer, max_length):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        texts, prios = zip(*batch)
        enc = self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor(prios, dtype=torch.long)
        return enc


class TriageClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, settings):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=settings["hidden_size"],
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=settings["max_position_embeddings"],
        )
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(settings["hidden_size"], n_classes)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        cls = out.last_hidden_state[:, 0]
        return self.head(self.dropout(cls))


def main():
    vocab_path = os.path.join(HERE, "call_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    calls = build_calls()
    loader = DataLoader(CallTranscriptDataset(calls), batch_size=SETTINGS["batch_size"],
                        shuffle=True, collate_fn=TranscriptCollator(tokenizer, SETTINGS["max_position_embeddings"]))

    model = TriageClassifier(tokenizer.vocab_size, len(PRIORITY_CLASSES), SETTINGS)
    optim = torch.optim.AdamW(model.parameters(), lr=SETTINGS["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(SETTINGS["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
            if step % 2 == 0:
                print(f"epoch {epoch} step {step} seq_len {batch['input_ids'].shape[1]} loss {loss.item():.4f}")
        print(f"epoch {epoch} mean loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
