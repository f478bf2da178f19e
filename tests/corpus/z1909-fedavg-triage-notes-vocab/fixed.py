"""FedAvg over three hospitals for emergency-department triage notes.

Every site tokenizes its notes with the shared clinical word list; PHI is
replaced by placeholder tokens before anything leaves the site. A tiny BERT
is trained locally at each hospital and the weights are averaged centrally.
"""
import copy
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

WORDS = ("patient reports chest pain shortness of breath fever cough headache nausea "
         "vomiting dizziness since yesterday today mild severe sudden onset left right arm "
         "abdominal back fall injury bleeding stable history of diabetes hypertension asthma "
         "denies allergies on arrival bp hr elevated low normal").split()
PHI_PLACEHOLDERS = ["[PATIENT]", "[DATE]", "[HOSPITAL]", "[PHONE]"]
TRIAGE_LEVELS = ["non-urgent", "urgent", "emergent"]
ROUNDS = 2
LOCAL_EPOCHS = 1


def write_vocab(folder):
    path = os.path.join(folder, "clinical_vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
    return path


def make_site_notes(n_notes, severity_bias):
    notes, levels = [], []
    for _ in range(n_notes):
        body = " ".join(random.choices(WORDS, k=random.randint(6, 14)))
        note = f"[PATIENT] seen on [DATE] at [HOSPITAL] . {body}"
        if random.random() < 0.3:
            note += " callback [PHONE]"
        level = min(2, int(random.random() * 3 + severity_bias))
        notes.append(note)
        levels.append(level)
    return notes, levels


def make_loader(tokenizer, notes, levels):
    def collate(batch):
        texts = [b[0] for b in batch]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=40, return_tensors="pt")
        enc["labels"] = torch.tensor([b[1] for b in batch])
        return enc

    return DataLoader(list(zip(notes, levels)), batch_size=8, shuffle=True, collate_fn=collate)


def local_update(global_model, loader):
    site_model = copy.deepcopy(global_model)
    site_model.train()
    opt = torch.optim.AdamW(site_model.parameters(), lr=5e-4)
    for _ in range(LOCAL_EPOCHS):
        for batch in loader:
            out = site_model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
    return site_model.state_dict(), out.loss.item()


def fedavg(site_states, site_sizes):
    total = float(sum(site_sizes))
    merged = {}
    for key, ref in site_states[0].items():
        if not ref.is_floating_point():
            merged[key] = ref.clone()
            continue
        merged[key] = sum(s[key] * (n / total) for s, n in zip(site_states, site_sizes))
    return merged


@torch.no_grad()
def evaluate(model, loaders):
    model.eval()
    hits = seen = 0
    for loader in loaders:
        for batch in loader:
            pred = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
            hits += (pred == batch["labels"]).sum().item()
            seen += len(pred)
    return hits / seen


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))
    tokenizer.add_tokens(PHI_PLACEHOLDERS, special_tokens=True)

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TRIAGE_LEVELS),
        pad_token_id=tokenizer.pad_token_id,
    )
    global_model = BertForSequenceClassification(config)

    sites = {"north": (40, 0.2), "riverside": (56, 0.6), "st_anne": (32, 1.0)}
    site_loaders, site_sizes = [], []
    for name, (n_notes, bias) in sites.items():
        notes, levels = make_site_notes(n_notes, bias)
        site_loaders.append(make_loader(tokenizer, notes, levels))
        site_sizes.append(n_notes)

    for rnd in range(ROUNDS):
        states, losses = [], []
        for loader in site_loaders:
            state, loss = local_update(global_model, loader)
            states.append(state)
            losses.append(loss)
        global_model.load_state_dict(fedavg(states, site_sizes))
        acc = evaluate(global_model, site_loaders)
        print(f"round {rnd}: site losses={[round(l, 3) for l in losses]} pooled acc={acc:.3f}")


if __name__ == "__main__":
    main()
