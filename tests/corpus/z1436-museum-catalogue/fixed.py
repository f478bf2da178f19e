"""Classify museum catalogue descriptions into the material of the object.

Small pilot before running on the full accession register: a tiny BERT trained
from scratch on curator notes, split by department so every gallery is seen.
"""
import os
import random
import tempfile

import numpy as np
import torch
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# (description, department, material)
CATALOGUE = [
    ("hand thrown bowl with celadon glaze and crackle", "asian_art", "ceramic"),
    ("lidded jar glazed stoneware with incised lotus", "asian_art", "ceramic"),
    ("bronze ritual vessel with taotie mask and green patina", "asian_art", "metal"),
    ("cast bronze mirror with cloud pattern on the back", "asian_art", "metal"),
    ("hanging scroll ink on silk with mountain landscape", "asian_art", "textile"),
    ("embroidered silk robe with dragon roundels", "asian_art", "textile"),
    ("carved jade cup with handle shaped as a dragon", "asian_art", "stone"),
    ("folding fan paper leaf painted with plum blossom", "asian_art", "paper"),
    ("tin glazed earthenware dish painted in blue", "decorative_arts", "ceramic"),
    ("porcelain teapot with gilt rim and floral sprays", "decorative_arts", "ceramic"),
    ("silver candlestick pair with gadrooned base", "decorative_arts", "metal"),
    ("wrought iron gate panel with scroll work", "decorative_arts", "metal"),
    ("tapestry fragment wool and silk hunting scene", "decorative_arts", "textile"),
    ("lace collar linen bobbin lace with floral border", "decorative_arts", "textile"),
    ("walnut side chair with carved back splat", "decorative_arts", "wood"),
    ("oak chest with linenfold panels and iron lock", "decorative_arts", "wood"),
    ("marble bust of a young woman with veil", "sculpture", "stone"),
    ("limestone relief panel with kneeling figures", "sculpture", "stone"),
    ("alabaster figure of a saint with traces of gilding", "sculpture", "stone"),
    ("bronze statuette of a running horse lost wax cast", "sculpture", "metal"),
    ("carved lime wood figure of a bishop with paint", "sculpture", "wood"),
    ("polychrome wood angel with outstretched wings", "sculpture", "wood"),
    ("terracotta model for a fountain figure", "sculpture", "ceramic"),
    ("etching on laid paper of a harbour at dusk", "prints", "paper"),
    ("woodcut on paper with hand colouring", "prints", "paper"),
    ("lithograph poster for a theatre season", "prints", "paper"),
    ("engraving on paper portrait of a cardinal", "prints", "paper"),
    ("mezzotint on paper after a landscape painting", "prints", "paper"),
]

CONFIG = dict(hidden=32, layers=1, heads=2, ffn=64, max_len=24, epochs=1, batch_size=4, lr=3e-3)


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab_dir = tempfile.mkdtemp(prefix="catalogue_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def batches(idx, bs, shuffle):
    idx = list(idx)
    if shuffle:
        random.shuffle(idx)
    for i in range(0, len(idx), bs):
        yield idx[i:i + bs]


def main():
    texts = [c[0] for c in CATALOGUE]
    departments = [c[1] for c in CATALOGUE]
    materials = [c[2] for c in CATALOGUE]

    dept_enc = LabelEncoder().fit(departments)
    material_enc = LabelEncoder().fit(materials)
    y = material_enc.transform(materials)
    print(f"{len(texts)} records, materials={', '.join(material_enc.classes_)}")

    # stratify on department: some materials only have a couple of objects
    tr_idx, te_idx = train_test_split(
        np.arange(len(texts)), test_size=0.25, random_state=SEED,
        stratify=dept_enc.transform(departments),
    )

    tok = build_tokenizer(texts)
    enc = tok(texts, padding="max_length", truncation=True, max_length=CONFIG["max_len"], return_tensors="pt")
    y_t = torch.from_numpy(y).long()

    cfg = BertConfig(
        vocab_size=tok.vocab_size, hidden_size=CONFIG["hidden"], num_hidden_layers=CONFIG["layers"],
        num_attention_heads=CONFIG["heads"], intermediate_size=CONFIG["ffn"],
        max_position_embeddings=64, num_labels=len(material_enc.classes_),
    )
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])

    for epoch in range(CONFIG["epochs"]):
        model.train()
        running = 0.0
        for b in batches(tr_idx, CONFIG["batch_size"], shuffle=True):
            out = model(input_ids=enc["input_ids"][b], attention_mask=enc["attention_mask"][b], labels=y_t[b])
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item() * len(b)
        print(f"epoch {epoch + 1}: train loss {running / len(tr_idx):.4f}")

    model.eval()
    with torch.no_grad():
        logits = model(input_ids=enc["input_ids"][te_idx], attention_mask=enc["attention_mask"][te_idx]).logits
    preds = logits.argmax(-1).numpy()
    print(classification_report(
        y[te_idx], preds, labels=np.arange(len(material_enc.classes_)),
        target_names=list(material_enc.classes_), zero_division=0,
    ))


if __name__ == "__main__":
    main()
