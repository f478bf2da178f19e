"""Predict habitat type of a survey site from its bird checklist.

Each eBird-style checklist is a list of 4-letter species alpha codes. We treat
a checklist as a "sentence", tokenize it with a WordPiece vocab built from the
regional species list, and fine-tune a tiny BERT encoder to predict the
habitat class of the site (forest / wetland / grassland / urban).
"""
import os
import random
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "species_vocab.txt")

HABITAT_SPECIES = {
    "forest":    ["woth", "oven", "revi", "bbwa", "hawo", "piwo", "scta", "bhvi"],
    "wetland":   ["grhe", "gbhe", "mall", "wodu", "rwbl", "cowy", "sora", "virg"],
    "grassland": ["eame", "bobo", "grsp", "savs", "hola", "dick", "uppl", "noha"],
    "urban":     ["hosp", "eust", "rodo", "amcr", "hofi", "moch", "amro", "noca"],
}
# vagrants / recent splits reported by the regional review committee
NEW_RECORDS = ["cacg", "mago", "wiwr", "pawa"]
HABITATS = list(HABITAT_SPECIES)

cfg = {
    "max_len": 32,
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "batch_size": 8,
    "epochs": 2,
    "lr": 5e-4,
}


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    species = sorted({s for lst in HABITAT_SPECIES.values() for s in lst})
    with open(path, "w") as fh:
        fh.write("\n".join(special + species) + "\n")
    return len(special) + len(species)


def simulate_checklists(n):
    rows = []
    everything = [s for lst in HABITAT_SPECIES.values() for s in lst]
    for _ in range(n):
        hab = random.choice(HABITATS)
        core = random.sample(HABITAT_SPECIES[hab], k=random.randint(3, 6))
        noise = random.sample(everything, k=random.randint(0, 3))
        if random.random() < 0.25:
            noise.append(random.choice(NEW_RECORDS))
        random.shuffle(core)
        rows.append((" ".join(core + noise), HABITATS.index(hab)))
    return rows


def build_tokenizer():
    tok = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    n_added = tok.add_tokens(NEW_RECORDS)
    print(f"added {n_added} species codes to tokenizer -> {len(tok)} tokens")
    return tok


def make_collate(tok):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tok(list(texts), padding=True, truncation=True,
                  max_length=cfg["max_len"], return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        return enc
    return collate


def main():
    base_vocab_size = write_vocab(VOCAB_PATH)
    tok = build_tokenizer()

    bert_cfg = BertConfig(
        vocab_size=base_vocab_size,
        hidden_size=cfg["hidden"],
        num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"],
        intermediate_size=cfg["hidden"] * 2,
        max_position_embeddings=64,
        num_labels=len(HABITATS),
        pad_token_id=tok.pad_token_id,
    )
    model = BertForSequenceClassification(bert_cfg)

    train_rows = simulate_checklists(120)
    test_rows = simulate_checklists(40)
    collate = make_collate(tok)
    train_dl = DataLoader(train_rows, batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    test_dl = DataLoader(test_rows, batch_size=cfg["batch_size"], collate_fn=collate)

    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        model.eval()
        hits = total = 0
        with torch.no_grad():
            for batch in test_dl:
                labels = batch.pop("labels")
                pred = model(**batch).logits.argmax(-1)
                hits += (pred == labels).sum().item()
                total += labels.numel()
        print(f"epoch {epoch}: loss {running / (step + 1):.3f}  habitat acc {hits / total:.3f}")


if __name__ == "__main__":
    main()
