import os
import random
from collections import defaultdict

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel

rng = random.Random(2024)
torch.manual_seed(2024)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
vocab_txt = os.path.join(WORKDIR, "taxi_vocab.txt")

base_words = ("i want a taxi to from the station airport museum college at leave after arrive by "
              "five six seven eight pm am please where are you going when sure booked car is red "
              "blue toyota honda what time [usr] [sys]").split()
with open(vocab_txt, "w") as fh:
    for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(base_words)):
        print(w, file=fh)

tokenizer = BertTokenizer(vocab_txt, never_split=["[usr]", "[sys]"])

SLOT_NAMES = ["taxi-departure", "taxi-destination", "taxi-leaveat"]
PLACES = ["station", "airport", "museum", "college"]
TIMES = ["five pm", "six pm", "seven am", "eight am"]


def synth_dialogue():
    src, dst = rng.sample(PLACES, 2)
    when = rng.choice(TIMES)
    state = {s: None for s in SLOT_NAMES}
    turns = []
    state = dict(state, **{"taxi-destination": dst})
    turns.append(("i want a taxi to the " + dst, "where are you going from", dict(state)))
    state = dict(state, **{"taxi-departure": src})
    turns.append(("from the " + src, "when do you want to leave", dict(state)))
    if rng.random() < 0.7:
        state = dict(state, **{"taxi-leaveat": when})
        turns.append(("leave after " + when, "sure booked car is " + rng.choice(["red", "blue"]), dict(state)))
    return turns


corpus = [synth_dialogue() for _ in range(30)]

slot_values = defaultdict(set)
for dlg in corpus:
    for _, _, st in dlg:
        for slot, val in st.items():
            if val is not None:
                slot_values[slot].add(val)

value_vocab = {slot: ["none"] + sorted(vals) for slot, vals in slot_values.items()}
value2id = {slot: {v: i for i, v in enumerate(vals)} for slot, vals in value_vocab.items()}


def turn_examples(dialogues, window=48):
    for dlg in dialogues:
        history = []
        for user, system, st in dlg:
            history += ["[usr]"] + tokenizer.tokenize(user)
            ids = tokenizer.convert_tokens_to_ids(["[CLS]"] + history[-(window - 2):] + ["[SEP]"])
            labels = [value2id[s]["none" if st[s] is None else st[s]] for s in SLOT_NAMES]
            yield ids, labels
            history += ["[sys]"] + tokenizer.tokenize(system)


def collate(batch):
    L = max(len(ids) for ids, _ in batch)
    input_ids = torch.tensor([ids + [tokenizer.pad_token_id] * (L - len(ids)) for ids, _ in batch])
    mask = (input_ids != tokenizer.pad_token_id).long()
    labels = torch.tensor([lab for _, lab in batch])
    return input_ids, mask, labels


class TurnStateTracker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.backbone = DistilBertModel(cfg)
        self.value_heads = nn.ModuleList(nn.Linear(cfg.dim, len(value_vocab[s])) for s in SLOT_NAMES)

    def forward(self, input_ids, mask):
        cls = self.backbone(input_ids=input_ids, attention_mask=mask).last_hidden_state[:, 0]
        return [head(cls) for head in self.value_heads]


cfg = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=32, n_layers=1, n_heads=2,
                       hidden_dim=64, max_position_embeddings=64)
tracker = TurnStateTracker(cfg)
optimizer = torch.optim.AdamW(tracker.parameters(), lr=5e-4)
ce = nn.CrossEntropyLoss()

examples = list(turn_examples(corpus))
loader = DataLoader(examples, batch_size=8, shuffle=True, collate_fn=collate)

for epoch in range(3):
    tracker.train()
    epoch_loss = 0.0
    for input_ids, mask, labels in loader:
        outs = tracker(input_ids, mask)
        loss = sum(ce(o, labels[:, k]) for k, o in enumerate(outs))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    print(f"epoch {epoch}: {epoch_loss / len(loader):.3f}")

tracker.eval()
with torch.no_grad():
    input_ids, mask, labels = collate(examples[:16])
    preds = torch.stack([o.argmax(-1) for o in tracker(input_ids, mask)], dim=-1)
    joint = (preds == labels).all(-1).float().mean().item()
print(f"joint goal accuracy: {joint:.2f}")
