import copy
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

TERMS = [
    "patient", "presents", "with", "chest", "pain", "fever", "cough", "dyspnea", "nausea", "history",
    "of", "hypertension", "diabetes", "asthma", "no", "acute", "distress", "vitals", "stable", "elevated",
    "troponin", "ecg", "normal", "abnormal", "admitted", "discharged", "follow", "up", "clinic", "days",
    "medication", "adjusted", "lisinopril", "metformin", "albuterol", "imaging", "shows", "infiltrate",
    "consolidation", "clear", "lungs", "heart", "rate", "pressure", "saturation", "oxygen", "room", "air",
]
URGENCY = ["routine", "soon", "urgent"]


def write_vocab(folder):
    path = os.path.join(folder, "clinical_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + TERMS) + "\n")
    return path


def make_notes(n_notes, min_words, max_words):
    notes = []
    for _ in range(n_notes):
        length = random.randint(min_words, max_words)
        text = " ".join(random.choice(TERMS) for _ in range(length))
        notes.append((text, random.randrange(len(URGENCY))))
    return notes


# triage notes from three hospitals
hospital_notes = {
    "north_er": make_notes(40, 8, 20),
    "city_clinic": make_notes(40, 10, 24),
    "rehab_center": make_notes(40, 30, 60),
}

workdir = tempfile.mkdtemp()
tokenizer = BertTokenizer(write_vocab(workdir))

# tiny position table, rounded up to a multiple of 8
note_lengths = [
    len(tokenizer(text)["input_ids"]) for notes in hospital_notes.values() for text, _ in notes
]
position_budget = ((max(note_lengths) + 7) // 8) * 8

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=position_budget,
    num_labels=len(URGENCY),
)
global_model = BertForSequenceClassification(config)


def collate_notes(batch):
    texts = [text for text, _ in batch]
    urgency = torch.tensor([label for _, label in batch])
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    return enc, urgency


site_loaders = {
    site: DataLoader(notes, batch_size=8, shuffle=True, collate_fn=collate_notes)
    for site, notes in hospital_notes.items()
}


def local_update(model, loader, epochs=1, lr=5e-4):
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    running = 0.0
    for _ in range(epochs):
        for enc, urgency in loader:
            out = model(**enc, labels=urgency)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
    return running / (epochs * len(loader))


def fed_average(states, weights):
    total = float(sum(weights))
    averaged = {}
    for key in states[0]:
        stacked = torch.stack([s[key].float() * (w / total) for s, w in zip(states, weights)])
        averaged[key] = stacked.sum(0).to(states[0][key].dtype)
    return averaged


for rnd in range(3):
    site_states, site_sizes = [], []
    for site, loader in site_loaders.items():
        local = copy.deepcopy(global_model)
        loss = local_update(local, loader)
        site_states.append(local.state_dict())
        site_sizes.append(len(loader.dataset))
        print(f"round {rnd} site {site:13s} loss {loss:.4f}")
    global_model.load_state_dict(fed_average(site_states, site_sizes))

global_model.eval()
with torch.no_grad():
    correct = 0
    for site, loader in site_loaders.items():
        for enc, urgency in loader:
            pred = global_model(**enc).logits.argmax(-1)
            correct += (pred == urgency).sum().item()
print("global triage accuracy", correct / sum(len(n) for n in hospital_notes.values()))
