"""Price-band classifier for short real-estate listing blurbs.

Numbers and street addresses are replaced by placeholder tokens before
tokenisation so the model learns from the wording, not the raw figures.
"""
import os
import random
import re
import tempfile

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CFG = {
    "seed": 3,
    "n_listings": 96,
    "max_length": 40,
    "batch_size": 16,
    "lr": 5e-4,
    "epochs": 2,
    "bands": ["budget", "mid", "premium", "luxury"],
}

WORDS = (
    "bright spacious cozy renovated charming modern apartment house condo loft studio "
    "bedroom bedrooms bathroom bathrooms kitchen garden balcony garage parking pool view "
    "near park school station quiet street with and a the of in on sq ft new roof open "
    "plan fireplace hardwood floors walk to shops downtown waterfront terrace gym"
).split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PLACEHOLDERS = ["[NUM]", "[ADDR]"]

ADDR_RE = re.compile(r"\b\d+\s+\w+\s+(?:st|ave|rd|blvd)\b", re.IGNORECASE)
NUM_RE = re.compile(r"\b\d+(?:[.,]\d+)?\b")


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIAL + sorted(set(WORDS))) + "\n")
    tok = BertTokenizer(vocab_path, do_lower_case=True)
    tok.add_special_tokens({"additional_special_tokens": PLACEHOLDERS})
    return tok


def scrub(text):
    text = ADDR_RE.sub(" [ADDR] ", text)
    return NUM_RE.sub(" [NUM] ", text)


def synth_listing(rng, band):
    adjectives = ["cozy", "bright", "charming", "spacious", "renovated", "modern"]
    perks = ["pool", "view", "garden", "terrace", "gym", "fireplace", "garage"]
    n_perks = band + rng.randint(0, 1)
    beds = band + rng.randint(1, 2)
    text = (
        f"{rng.choice(adjectives)} {rng.choice(['apartment', 'condo', 'house', 'loft'])} "
        f"with {beds} bedrooms and {rng.randint(1, 3)} bathrooms on "
        f"{rng.randint(10, 999)} {rng.choice(['oak', 'main', 'elm'])} st "
        f"{rng.randint(400, 4000)} sq ft " + " ".join(rng.sample(perks, n_perks))
    )
    return text


def make_dataset(tok, rng):
    texts, labels = [], []
    for _ in range(CFG["n_listings"]):
        band = rng.randrange(len(CFG["bands"]))
        texts.append(scrub(synth_listing(rng, band)))
        labels.append(band)
    enc = tok(
        texts,
        padding="max_length",
        truncation=True,
        max_length=CFG["max_length"],
        return_tensors="pt",
    )
    return TensorDataset(enc["input_ids"], enc["attention_mask"], torch.tensor(labels))


def main():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    workdir = tempfile.mkdtemp(prefix="listings_")
    tok = build_tokenizer(workdir)
    data = make_dataset(tok, rng)

    config = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(CFG["bands"]),
        pad_token_id=tok.pad_token_id,
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loader = DataLoader(data, batch_size=CFG["batch_size"], shuffle=True)

    model.train()
    for epoch in range(CFG["epochs"]):
        losses = []
        for input_ids, attention_mask, labels in loader:
            out = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
