import os
import random
from collections import defaultdict

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
torch.manual_seed(21)

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))

ONTOLOGY = {
    "restaurant-area": ["north", "south", "centre", "east", "west"],
    "restaurant-pricerange": ["cheap", "moderate", "expensive"],
    "restaurant-food": ["italian", "chinese", "indian", "british"],
    "hotel-stars": ["three", "four", "five"],
}
SPECIAL_VALUES = ["none", "dontcare"]
slot_names = sorted(ONTOLOGY)
value_vocab = {s: SPECIAL_VALUES + ONTOLOGY[s] for s in slot_names}

filler = "i want a place to eat in the please find me something actually forget about any is fine with stars hotel".split()
all_values = sorted({v for vs in ONTOLOGY.values() for v in vs})
vocab_path = os.path.join(SCRIPT_DIR, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[usr]", "[sys]"]
                       + sorted(set(filler)) + all_values + ["dontcare"]) + "\n")
tokenizer = BertTokenizer(vocab_path, do_lower_case=True)


def synth_dialogue(n_turns):
    turns = []
    for t in range(n_turns):
        update = {}
        for slot in random.sample(slot_names, k=random.randint(0, 2)):
            r = random.random()
            if r < 0.15 and t > 0:
                update[slot] = "none"
            elif r < 0.25:
                update[slot] = "dontcare"
            else:
                update[slot] = random.choice(ONTOLOGY[slot])
        words = random.choices(filler, k=4) + [v for v in update.values() if v not in SPECIAL_VALUES]
        random.shuffle(words)
        turns.append({"user": " ".join(words), "system": " ".join(random.choices(filler, k=5)),
                      "turn_update": update})
    return turns


def accumulate_states(dialogue):
    state = {}
    per_turn = []
    for turn in dialogue:
        for slot, value in turn["turn_update"].items():
            if value != "none":
                state[slot] = value
        for slot, value in list(state.items()):
            if turn["turn_update"].get(slot) == "none":
                del state[slot]
        per_turn.append(dict(state))
    return per_turn


def history_text(dialogue, upto, max_turns=3):
    chunks = []
    for turn in dialogue[max(0, upto - max_turns + 1): upto + 1]:
        chunks.append(f"[sys] {turn['system']} [usr] {turn['user']}")
    return " ".join(chunks)


class DSTExamples(Dataset):
    def __init__(self, dialogues):
        self.rows = []
        for dial in dialogues:
            for t, belief in enumerate(accumulate_states(dial)):
                labels = [value_vocab[s].index(belief.get(s, "none")) for s in slot_names]
                self.rows.append((history_text(dial, t), labels))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def collate(rows):
    texts, labels = zip(*rows)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=60, return_tensors="pt")
    return enc, torch.tensor(labels, dtype=torch.long)


class SlotGateTracker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.heads = nn.ModuleDict({s.replace("-", "_"): nn.Linear(cfg.hidden_size, len(value_vocab[s]))
                                    for s in slot_names})

    def forward(self, enc):
        pooled = self.bert(**enc).pooler_output
        return [self.heads[s.replace("-", "_")](pooled) for s in slot_names]


tokenizer.truncation_side = "left"
config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
tracker = SlotGateTracker(config)
optim = torch.optim.Adam(tracker.parameters(), lr=1e-3)
ce = nn.CrossEntropyLoss()

dialogues = [synth_dialogue(random.randint(3, 7)) for _ in range(30)]
loader = DataLoader(DSTExamples(dialogues), batch_size=8, shuffle=True, collate_fn=collate)

for epoch in range(2):
    stats = defaultdict(float)
    for enc, labels in loader:
        logits = tracker(enc)
        loss = sum(ce(lg, labels[:, j]) for j, lg in enumerate(logits))
        optim.zero_grad()
        loss.backward()
        optim.step()
        preds = torch.stack([lg.argmax(-1) for lg in logits], dim=1)
        stats["loss"] += loss.item()
        stats["joint_correct"] += (preds == labels).all(dim=1).sum().item()
        stats["n"] += labels.size(0)
        stats["steps"] += 1
    print(f"epoch {epoch}: loss {stats['loss'] / stats['steps']:.3f} "
          f"joint goal acc {stats['joint_correct'] / stats['n']:.3f}")
