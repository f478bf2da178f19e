"""Tag cargo manifest lines (quantity, commodity, port, vessel) with a small BERT tagger.

Manifest lines come pre-split into words by the customs export tool, so we feed
them to the tokenizer with is_split_into_words=True.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

TAGS = ["O", "B-QTY", "I-QTY", "B-COMMODITY", "I-COMMODITY", "B-PORT", "I-PORT", "B-VESSEL", "I-VESSEL"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

MANIFEST = [
    (["40", "reefer", "containers", "frozen", "shrimp", "to", "Rotterdam"],
     ["B-QTY", "O", "O", "B-COMMODITY", "I-COMMODITY", "O", "B-PORT"]),
    (["MV", "Nordlys", "loading", "soybeans", "at", "Santos"],
     ["B-VESSEL", "I-VESSEL", "O", "B-COMMODITY", "O", "B-PORT"]),
    (["1200", "bales", "raw", "cotton", "ex", "Karachi", "aboard", "Oceanic", "Star"],
     ["B-QTY", "O", "B-COMMODITY", "I-COMMODITY", "O", "B-PORT", "O", "B-VESSEL", "I-VESSEL"]),
    (["transhipment", "of", "copper", "cathodes", "via", "Antwerpen"],
     ["O", "O", "B-COMMODITY", "I-COMMODITY", "O", "B-PORT"]),
]

WORD_PIECES = [
    "40", "12", "##00", "reef", "##er", "contain", "##ers", "frozen", "shrimp", "to", "rotter", "##dam",
    "mv", "nord", "##lys", "load", "##ing", "soy", "##beans", "at", "santos", "bale", "##s", "raw",
    "cotton", "ex", "kara", "##chi", "aboard", "ocean", "##ic", "star", "trans", "##ship", "##ment",
    "of", "copper", "cath", "##odes", "via", "antwerp", "##en",
]


def build_tokenizer():
    tmp = tempfile.mkdtemp(prefix="manifest_vocab_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORD_PIECES) + "\n")
    return BertTokenizer(path)


def pad_tag_ids(tag_lists, pad_value=-100):
    longest = max(len(t) for t in tag_lists)
    rows = []
    for tags in tag_lists:
        ids = [TAG2ID[t] for t in tags]
        rows.append(ids + [pad_value] * (longest - len(ids)))
    return torch.tensor(rows, dtype=torch.long)


def make_batch(tokenizer, records):
    words = [w for w, _ in records]
    tags = [t for _, t in records]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    enc["labels"] = pad_tag_ids(tags)
    return enc


def main():
    tokenizer = build_tokenizer()
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    model = BertForTokenClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    print(f"vocab={tokenizer.vocab_size} tags={len(TAGS)} lines={len(MANIFEST)}")

    model.train()
    for epoch in range(3):
        records = MANIFEST[:]
        random.shuffle(records)
        epoch_loss = 0.0
        for start in range(0, len(records), 2):
            batch = make_batch(tokenizer, records[start:start + 2])
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            epoch_loss += out.loss.item()
        print(f"epoch {epoch} loss {epoch_loss:.4f}")

    model.eval()
    with torch.no_grad():
        enc = tokenizer([MANIFEST[2][0]], is_split_into_words=True, return_tensors="pt")
        pred = model(**enc).logits.argmax(-1)[0].tolist()
    seen = set()
    for pos, wid in enumerate(enc.word_ids(0)):
        if wid is None or wid in seen:
            continue
        seen.add(wid)
        print(f"{MANIFEST[2][0][wid]:>12s} -> {TAGS[pred[pos]]}")


if __name__ == "__main__":
    main()
