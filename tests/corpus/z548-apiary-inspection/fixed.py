# quick triage classifier for hive inspection notes -> needs action / fine / requeen
# tiny bert from scratch, just to sanity check the pipeline before the real run
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


def main():
    random.seed(7)
    torch.manual_seed(7)

    notes = {
        "text": [
            "brood pattern spotty [VARROA] mites on drone brood",
            "strong colony capped brood queen seen calm bees",
            "no eggs no queen seen queen cells on frame",
            "[VARROA] count high after sugar roll treat now",
            "honey flow good supers heavy calm bees",
            "queenless roar no eggs laying workers [DRONE_LAYER]",
            "chalkbrood on frames [VARROA] low count",
            "calm bees eggs seen capped brood solid",
        ],
        "label": ["action", "fine", "requeen", "action", "fine", "requeen", "action", "fine"],
    }
    label_names = sorted(set(notes["label"]))
    lab2id = {l: i for i, l in enumerate(label_names)}
    print(f"[data] {len(notes['text'])} notes, classes={lab2id}")

    # vocab from the notes themselves, special tags handled separately below
    extra_tokens = ["[VARROA]", "[DRONE_LAYER]"]
    words = sorted({w for t in notes["text"] for w in t.split() if w not in extra_tokens})
    base_vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    vdir = tempfile.mkdtemp()
    vpath = os.path.join(vdir, "vocab.txt")
    with open(vpath, "w") as fh:
        fh.write("\n".join(base_vocab) + "\n")
    tok = BertTokenizer(vpath)
    print(f"[tok] base vocab {len(base_vocab)} words")

    cfg = BertConfig(
        vocab_size=len(base_vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(label_names),
    )
    model = BertForSequenceClassification(cfg)

    # keep the inspection tags as single tokens, otherwise they get shredded into [UNK]
    n_added = tok.add_tokens(extra_tokens)
    print(f"[tok] added {n_added} tags -> tokenizer size {len(tok)}")
    model.resize_token_embeddings(len(tok))

    enc = lambda texts: tok(texts, padding=True, return_tensors="pt")
    to_ids = lambda labs: torch.tensor([lab2id[l] for l in labs])
    batches = lambda idx, bs: [idx[i:i + bs] for i in range(0, len(idx), bs)]

    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    idx = list(range(len(notes["text"])))
    model.train()
    for epoch in range(3):
        random.shuffle(idx)
        running = []
        for b in batches(idx, 4):
            batch = dict(enc([notes["text"][i] for i in b]))
            batch["labels"] = to_ids([notes["label"][i] for i in b])
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running.append(out.loss.item())
        print(f"[train] epoch {epoch} loss {sum(running) / len(running):.4f}")

    model.eval()
    with torch.no_grad():
        probe = ["[VARROA] mites everywhere treat", "calm bees queen seen"]
        logits = model(**enc(probe)).logits
        preds = [label_names[i] for i in logits.argmax(-1).tolist()]
    for t, p in zip(probe, preds):
        print(f"[eval] {t!r} -> {p}")


if __name__ == "__main__":
    main()
