import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "dst_vocab.txt")

WORDS = ("i need a cheap hotel in the north centre east expensive moderate restaurant "
         "for two people tonight book table please what area would you like sure "
         "booked reference number is there anything else no thanks calling api "
         "find_hotel find_restaurant results found one italian chinese indian").split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[USR]", "[SYS]", "[API]"]

with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(SPECIAL + sorted(set(WORDS))) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH)

SLOTS = {
    "hotel-area": ["none", "north", "centre", "east"],
    "hotel-price": ["none", "cheap", "moderate", "expensive"],
    "restaurant-food": ["none", "italian", "chinese", "indian"],
}


@dataclass
class Turn:
    speaker: str
    text: str


@dataclass
class Dialogue:
    turns: list
    labels: dict = field(default_factory=dict)


def synth_dialogue():
    area = random.choice(SLOTS["hotel-area"][1:])
    price = random.choice(SLOTS["hotel-price"][1:])
    food = random.choice(SLOTS["restaurant-food"])
    turns = [
        Turn("user", f"i need a {price} hotel in the {area}"),
        Turn("system", "what area would you like"),
        Turn("user", f"the {area} please"),
    ]
    if random.random() < 0.5:
        turns.append(Turn("api", "calling api find_hotel results found one"))
    if food != "none":
        turns.append(Turn("user", f"book table for two people {food} restaurant"))
    return Dialogue(turns, {"hotel-area": area, "hotel-price": price, "restaurant-food": food})


dialogues = [synth_dialogue() for _ in range(24)]

SPEAKER_TOKEN = {"user": "[USR]", "system": "[SYS]", "api": "[API]"}
speaker2seg = {spk: i for i, spk in enumerate(sorted({t.speaker for d in dialogues for t in d.turns}))}


def flatten(dialogue, max_len=96):
    ids, segs = [tokenizer.cls_token_id], [0]
    for turn in dialogue.turns:
        piece = tokenizer.convert_tokens_to_ids([SPEAKER_TOKEN[turn.speaker]] + tokenizer.tokenize(turn.text))
        ids.extend(piece)
        segs.extend([speaker2seg[turn.speaker]] * len(piece))
    ids.append(tokenizer.sep_token_id)
    segs.append(segs[-1])
    return ids[-max_len:], segs[-max_len:]


def collate(batch):
    flat = [flatten(d) for d in batch]
    width = max(len(ids) for ids, _ in flat)
    input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
    token_type_ids = torch.zeros_like(input_ids)
    attention_mask = torch.zeros_like(input_ids)
    for row, (ids, segs) in enumerate(flat):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        token_type_ids[row, : len(segs)] = torch.tensor(segs)
        attention_mask[row, : len(ids)] = 1
    labels = {
        slot: torch.tensor([SLOTS[slot].index(d.labels[slot]) for d in batch]) for slot in SLOTS
    }
    return {"input_ids": input_ids, "token_type_ids": token_type_ids,
            "attention_mask": attention_mask, "labels": labels}


class SlotTracker(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.heads = nn.ModuleDict({
            slot.replace("-", "_"): nn.Linear(config.hidden_size, len(values))
            for slot, values in SLOTS.items()
        })

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        pooled = out.last_hidden_state[:, 0]
        return {slot: self.heads[slot.replace("-", "_")](pooled) for slot in SLOTS}


config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=128,
    type_vocab_size=2,
)
model = SlotTracker(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
criterion = nn.CrossEntropyLoss()

loader = torch.utils.data.DataLoader(dialogues, batch_size=8, shuffle=True, collate_fn=collate)

model.train()
for epoch in range(2):
    total = 0.0
    for batch in loader:
        logits = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
        loss = sum(criterion(logits[s], batch["labels"][s]) for s in SLOTS) / len(SLOTS)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(loader):.4f}")

model.eval()
with torch.no_grad():
    batch = collate(dialogues[:8])
    preds = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
    for slot in SLOTS:
        acc = (preds[slot].argmax(-1) == batch["labels"][slot]).float().mean().item()
        print(f"{slot}: joint acc {acc:.2f}")
