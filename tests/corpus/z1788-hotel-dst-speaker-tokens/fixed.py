"""Dialogue-state tracking for a hotel booking assistant.

Each example is the dialogue history (user and system turns, marked with speaker
tokens) and the target is the value of a few categorical slots after the last turn.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

BASE_WORDS = (
    "i need a hotel room in the north south east west centre cheap moderate expensive "
    "for two three four people nights please book it is there any with free parking wifi "
    "yes no sure what area price range would you like how many guests staying found "
    "guesthouse that has ok thanks great"
).split()

SLOTS = {
    "area": ["none", "north", "south", "east", "west", "centre"],
    "pricerange": ["none", "cheap", "moderate", "expensive"],
    "parking": ["none", "yes", "no"],
}

DIALOGUES = [
    (["i need a hotel in the north", "what price range would you like", "cheap please"],
     {"area": "north", "pricerange": "cheap", "parking": "none"}),
    (["is there any guesthouse with free parking", "yes what area", "the centre"],
     {"area": "centre", "pricerange": "none", "parking": "yes"}),
    (["book a room for two people", "how many nights", "three nights expensive"],
     {"area": "none", "pricerange": "expensive", "parking": "none"}),
    (["i need a hotel in the west with wifi", "found a guesthouse that has parking", "no parking is ok"],
     {"area": "west", "pricerange": "none", "parking": "no"}),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    entries = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(BASE_WORDS))
    with open(path, "w") as fh:
        fh.write("\n".join(entries) + "\n")
    return path


def flatten_history(turns):
    parts = []
    for i, utt in enumerate(turns):
        speaker = "[USR]" if i % 2 == 0 else "[SYS]"
        parts.append(f"{speaker} {utt}")
    return " ".join(parts)


class StateTracker(nn.Module):
    def __init__(self, config, slot_values):
        super().__init__()
        self.encoder = BertModel(config)
        self.slot_heads = nn.ModuleDict({
            name: nn.Linear(config.hidden_size, len(values)) for name, values in slot_values.items()
        })

    def forward(self, history_ids, history_mask):
        enc = self.encoder(input_ids=history_ids, attention_mask=history_mask)
        pooled = enc.last_hidden_state[:, 0]
        return {name: head(pooled) for name, head in self.slot_heads.items()}


def build_batch(tok, dialogues):
    texts = [flatten_history(turns) for turns, _ in dialogues]
    enc = tok(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
    gold = {
        slot: torch.tensor([SLOTS[slot].index(state[slot]) for _, state in dialogues])
        for slot in SLOTS
    }
    return enc, gold


def main():
    workdir = tempfile.mkdtemp(prefix="hotel_dst_")
    tok = BertTokenizer(write_vocab(workdir))
    tok.add_special_tokens({"additional_special_tokens": ["[USR]", "[SYS]"]})

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    tracker = StateTracker(cfg, SLOTS)
    optim = torch.optim.AdamW(tracker.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    enc, gold = build_batch(tok, DIALOGUES)
    tracker.train()
    for epoch in range(3):
        optim.zero_grad()
        slot_logits = tracker(enc["input_ids"], enc["attention_mask"])
        loss = sum(loss_fn(slot_logits[s], gold[s]) for s in SLOTS) / len(SLOTS)
        loss.backward()
        optim.step()
        print(f"epoch {epoch} joint slot loss {loss.item():.4f}")

    tracker.eval()
    with torch.no_grad():
        slot_logits = tracker(enc["input_ids"], enc["attention_mask"])
    for i in range(len(DIALOGUES)):
        state = {s: SLOTS[s][slot_logits[s][i].argmax().item()] for s in SLOTS}
        print(i, state)


if __name__ == "__main__":
    main()
