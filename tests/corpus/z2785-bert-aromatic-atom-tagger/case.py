import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 7
MAX_LEN = 48
BATCH_SIZE = 8
N_EPOCHS = 2
LR = 5e-4
IGNORE = -100
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SMILES_CHARS = list("CNOSPFIBrclnos()[]=#+-123456@H/\\")
LABELS = ["aliphatic", "aromatic", "bond_or_branch", "ring_digit"]
LABEL2ID = {lab: i for i, lab in enumerate(LABELS)}

RINGS = ["c1ccccc1", "c1ccncc1", "C1CCCCC1", "c1ccoc1", "C1CCNCC1"]
CHAINS = ["CC", "CCO", "C(=O)N", "OC", "C#N", "CCl", "C(F)(F)F", "N(C)C", "S(=O)(=O)C"]


def write_vocab(path):
    pieces = sorted(set(SMILES_CHARS))
    tokens = SPECIAL_TOKENS + pieces + [f"##{p}" for p in pieces]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def make_smiles(rng):
    parts = [rng.choice(CHAINS)] + [rng.choice(RINGS)] + [rng.choice(CHAINS) for _ in range(rng.randint(0, 2))]
    return "".join(parts)


def char_label(ch):
    if ch.islower():
        return LABEL2ID["aromatic"]
    if ch.isdigit():
        return LABEL2ID["ring_digit"]
    if ch in "()=#[]+-@/\\":
        return LABEL2ID["bond_or_branch"]
    return LABEL2ID["aliphatic"]


def tag_smiles(smi):
    return [char_label(ch) for ch in smi]


def pad_labels(tags, length):
    row = [IGNORE] + tags[: length - 2] + [IGNORE]
    return row + [IGNORE] * (length - len(row))


class AtomTagDataset(Dataset):
    def __init__(self, smiles):
        self.smiles = smiles
        self.tags = [tag_smiles(s) for s in smiles]

    def __len__(self):
        return len(self.smiles)

    def __getitem__(self, idx):
        return {"smiles": self.smiles[idx], "tags": self.tags[idx]}


def make_collate(tokenizer):
    def collate(items):
        texts = [it["smiles"] for it in items]
        enc = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        enc["labels"] = torch.tensor([pad_labels(it["tags"], MAX_LEN) for it in items])
        return enc
    return collate


def token_accuracy(logits, labels):
    preds = logits.argmax(-1)
    mask = labels != IGNORE
    return (preds[mask] == labels[mask]).float().mean().item()


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    vocab_path = write_vocab(os.path.join(HERE, "smiles_char_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

    smiles = [make_smiles(rng) for _ in range(96)]
    train_ds, valid_ds = AtomTagDataset(smiles[:80]), AtomTagDataset(smiles[80:])
    collate = make_collate(tokenizer)
    train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate)
    valid_dl = DataLoader(valid_ds, batch_size=BATCH_SIZE, collate_fn=collate)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LEN,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL2ID,
    )
    model = BertForTokenClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=LR)

    for epoch in range(N_EPOCHS):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            accs = [token_accuracy(model(**b).logits, b["labels"]) for b in valid_dl]
        print(f"epoch {epoch}: last loss {out.loss.item():.3f}, valid acc {sum(accs) / len(accs):.3f}")


if __name__ == "__main__":
    main()
