import os
import random
from dataclasses import dataclass, field
from typing import List

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vocab.txt")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[USR]", "[SYS]"]
WORDS = ("i want to book a table for two tonight please find me a cheap hotel "
         "in the north what time does the train leave cancel my reservation "
         "thanks bye hello sure anything else is there parking yes no maybe "
         "restaurant taxi to the airport how much does it cost weather tomorrow").split()

with open(VOCAB_PATH, "w") as fh:
    for tok in SPECIAL + sorted(set(WORDS)):
        fh.write(tok + "\n")

tokenizer = BertTokenizer(VOCAB_PATH, never_split=["[USR]", "[SYS]"])
tokenizer.add_special_tokens({"additional_special_tokens": ["[USR]", "[SYS]"]})
tokenizer.truncation_side = "left"

TRAIN_INTENTS = ["book_restaurant", "find_hotel", "train_schedule", "cancel_booking",
                 "book_taxi", "greeting", "goodbye"]
EXTRA_DEV_INTENTS = ["weather_query"]


@dataclass
class Dialogue:
    turns: List[str] = field(default_factory=list)
    intent: str = ""


def synth_dialogues(intents, n):
    out = []
    for _ in range(n):
        n_turns = random.randint(2, 6)
        turns = [" ".join(random.choices(WORDS, k=random.randint(3, 9))) for _ in range(n_turns)]
        out.append(Dialogue(turns=turns, intent=random.choice(intents)))
    return out


train_dialogues = synth_dialogues(TRAIN_INTENTS, 64)
dev_dialogues = synth_dialogues(TRAIN_INTENTS + EXTRA_DEV_INTENTS, 24)

intent2id = {name: i for i, name in enumerate(sorted({d.intent for d in train_dialogues}))}
FALLBACK_INTENT = len(intent2id)


def flatten_history(turns, max_turns=4):
    window = turns[-max_turns:]
    offset = len(turns) - len(window)
    pieces = []
    for i, utt in enumerate(window):
        speaker = "[USR]" if (i + offset) % 2 == 0 else "[SYS]"
        pieces.append(f"{speaker} {utt}")
    return " ".join(pieces)


class IntentDataset(Dataset):
    def __init__(self, dialogues, label_map):
        self.items = [
            (flatten_history(d.turns), label_map.get(d.intent, FALLBACK_INTENT))
            for d in dialogues
        ]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate(batch):
    texts, labels = zip(*batch)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=48,
                    return_tensors="pt")
    enc["labels"] = torch.tensor(labels, dtype=torch.long)
    return enc


config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(intent2id) + 1,
)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

train_loader = DataLoader(IntentDataset(train_dialogues, intent2id), batch_size=8, shuffle=True,
                          collate_fn=collate)
dev_loader = DataLoader(IntentDataset(dev_dialogues, intent2id), batch_size=8, collate_fn=collate)


def run_epoch(loader, train=True):
    model.train(train)
    total, correct, n = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(train):
            out = model(**batch)
        if train:
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
        total += out.loss.item() * batch["labels"].size(0)
        correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        n += batch["labels"].size(0)
    return total / n, correct / n


for epoch in range(2):
    tr_loss, tr_acc = run_epoch(train_loader, train=True)
    dv_loss, dv_acc = run_epoch(dev_loader, train=False)
    print(f"epoch {epoch}: train loss {tr_loss:.3f} acc {tr_acc:.2f} | "
          f"dev loss {dv_loss:.3f} acc {dv_acc:.2f}")
