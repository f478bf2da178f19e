"""Classify ship logbook entries into watch categories with a tiny BERT."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

CONF = {
    "model": {"hidden": 32, "layers": 2, "heads": 2, "positions": 40},
    "data": {"max_tokens": 40, "batch_size": 4},
    "labels": ["navigation", "weather", "engine", "cargo"],
}

WORDS = (
    "course speed knots heading wind force sea state swell barometer falling rising "
    "engine room oil pressure temperature rpm cargo hold lashings checked pumped bilge "
    "port starboard bow stern anchor moored pilot boarded visibility fog rain squall "
    "north south east west degrees nm miles noon position log watch officer relieved "
    "at of the and to with no on in a"
).split()

LOG = [
    ("noon position logged course 270 degrees speed 12 knots", 0),
    ("wind force 7 from north west sea state rough swell heavy barometer falling", 1),
    ("engine room oil pressure low rpm reduced temperature rising", 2),
    ("cargo hold lashings checked and bilge pumped", 3),
    ("pilot boarded at 0600 course altered to starboard speed 6 knots heading east "
     "visibility poor in fog watch officer relieved at 0800 anchor ready at bow "
     "position 12 nm south of the light vessel log checked course 090 degrees "
     "speed reduced to 4 knots with rain squall and swell from the west moored at noon", 0),
    ("barometer rising wind force 3 visibility good", 1),
]


def write_vocab(directory):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = list("0123456789")
    path = os.path.join(directory, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS)) + digits) + "\n")
    return path


def build_model(vocab_size):
    mc = CONF["model"]
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=mc["hidden"],
        num_hidden_layers=mc["layers"],
        num_attention_heads=mc["heads"],
        intermediate_size=mc["hidden"] * 2,
        max_position_embeddings=mc["positions"],
        num_labels=len(CONF["labels"]),
    )
    return BertForSequenceClassification(cfg)


def batches(tok, entries):
    size = CONF["data"]["batch_size"]
    for i in range(0, len(entries), size):
        chunk = entries[i:i + size]
        enc = tok(
            [text for text, _ in chunk],
            padding=True,
            truncation=True,
            max_length=CONF["data"]["max_tokens"],
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([label for _, label in chunk])
        yield enc


def main():
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    model = build_model(tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    print(f"vocab={tok.vocab_size} entries={len(LOG)}")
    model.train()
    for epoch in range(2):
        total = 0.0
        for batch in batches(tok, LOG):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total:.4f}")
    model.eval()
    with torch.no_grad():
        enc = tok(["wind force 8 barometer falling"], return_tensors="pt")
        pred = model(**enc).logits.argmax(-1).item()
    print("prediction:", CONF["labels"][pred])


if __name__ == "__main__":
    main()
