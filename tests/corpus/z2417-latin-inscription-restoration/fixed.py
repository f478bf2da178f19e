# Lacuna restoration for Latin stone inscriptions: a small BERT masked-LM over
# word-level transcriptions (expanded abbreviations, Leiden brackets stripped).
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "epigraphy_vocab.txt")

CFG = {
    "max_positions": 64,
    "hidden": 64,
    "layers": 2,
    "heads": 4,
    "batch_size": 8,
    "lr": 5e-4,
    "epochs": 1,
    "mask_prob": 0.15,
    "seed": 11,
}

NAMES = ["gaius", "marcus", "lucius", "titus", "quintus", "publius", "aurelia", "iulia", "claudia", "valeria"]
NOMINA = ["iulius", "valerius", "flavius", "aelius", "cornelius", "antonius", "claudius", "sempronius"]
UNITS = ["legionis", "secundae", "augustae", "cohortis", "primae", "thracum", "alae", "gallorum"]
OFFICES = ["quaestor", "aedilis", "praetor", "consul", "legatus", "augusti", "pro", "praetore",
           "tribunus", "militum", "curator", "viae", "proconsul", "provinciae", "asiae", "africae",
           "sodalis", "flamen", "pontifex", "patronus", "coloniae", "decurio", "duumvir"]
FORMULAE = ["dis", "manibus", "vixit", "annos", "menses", "dies", "hic", "situs", "est", "sit", "tibi",
            "terra", "levis", "coniugi", "bene", "merenti", "fecit", "heres", "posuit", "filio",
            "pientissimo", "stipendiorum", "miles", "centurio", "imperatori", "caesari", "divi",
            "filio", "pontifici", "maximo", "tribunicia", "potestate", "templum", "restituit",
            "sua", "pecunia", "ex", "decreto", "decurionum", "publice", "ob", "merita"]
NUMERALS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xx", "xxx", "xl", "l"]


def epitaph(rng):
    deceased = f"{rng.choice(NAMES)} {rng.choice(NOMINA)}"
    words = ["dis", "manibus", deceased, "vixit", "annos", rng.choice(NUMERALS)]
    if rng.random() < 0.5:
        words += ["menses", rng.choice(NUMERALS), "dies", rng.choice(NUMERALS)]
    if rng.random() < 0.4:
        words += ["miles", rng.choice(UNITS), rng.choice(UNITS), "stipendiorum", rng.choice(NUMERALS)]
    words += [rng.choice(["coniugi", "filio"]), "bene", "merenti", rng.choice(NAMES), "fecit"]
    words += ["hic", "situs", "est", "sit", "tibi", "terra", "levis"]
    return " ".join(words)


def honorific(rng):
    # cursus honorum on statue bases; some careers run very long
    honorand = f"{rng.choice(NAMES)} {rng.choice(NOMINA)}"
    steps = rng.randint(3, 26)
    career = [" ".join(rng.sample(OFFICES, 3)) for _ in range(steps)]
    return " ".join([honorand] + career + ["ex", "decreto", "decurionum", "publice", "ob", "merita"])


def build_corpus(n, seed):
    rng = random.Random(seed)
    return [honorific(rng) if rng.random() < 0.3 else epitaph(rng) for _ in range(n)]


def write_vocab(texts, path):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + words) + "\n")


class InscriptionCorpus(Dataset):
    def __init__(self, texts):
        self.texts = texts

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        return self.texts[i]


def make_mlm_collate(tokenizer, mask_prob, max_length):
    special = set(tokenizer.all_special_ids)

    def collate(texts):
        enc = tokenizer(texts, padding="longest", truncation=True, max_length=max_length, return_tensors="pt")
        input_ids = enc["input_ids"].clone()
        labels = input_ids.clone()
        maskable = torch.tensor(
            [[tok not in special for tok in row] for row in input_ids.tolist()], dtype=torch.bool
        )
        chosen = (torch.rand(input_ids.shape) < mask_prob) & maskable
        labels[~chosen] = -100
        input_ids[chosen] = tokenizer.mask_token_id
        enc["input_ids"] = input_ids
        enc["labels"] = labels
        return enc

    return collate


def main():
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    texts = build_corpus(120, CFG["seed"])
    write_vocab(texts, VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    lengths = [len(tokenizer.tokenize(t)) for t in texts]
    print(f"{len(texts)} inscriptions, vocab {tokenizer.vocab_size}, "
          f"mean {sum(lengths)/len(lengths):.1f} words, longest {max(lengths)}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=CFG["hidden"],
        num_hidden_layers=CFG["layers"],
        num_attention_heads=CFG["heads"],
        intermediate_size=CFG["hidden"] * 4,
        max_position_embeddings=CFG["max_positions"],
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForMaskedLM(config)

    loader = DataLoader(
        InscriptionCorpus(texts),
        batch_size=CFG["batch_size"],
        shuffle=True,
        collate_fn=make_mlm_collate(tokenizer, CFG["mask_prob"], CFG["max_positions"]),
    )
    optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    model.train()
    for epoch in range(CFG["epochs"]):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
            if step % 5 == 4:
                print(f"epoch {epoch} step {step+1}: mlm loss {running/5:.3f}")
                running = 0.0


if __name__ == "__main__":
    main()
