import os
import random
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertTokenizer, BertForSequenceClassification

here = os.path.dirname(os.path.abspath(__file__))

MAX_POS = 128

vocab_words = ["acquired", "sold", "by", "to", "from", "the", "of", "in", "and", "with",
               "dealer", "auction", "christie's", "sotheby's", "estate", "heir", "count",
               "baron", "collection", "museum", "gift", "bequest", "purchase", "exchange",
               "confiscated", "restituted", "1890", "1912", "1923", "1938", "1945", "1951",
               "1967", "1982", "vienna", "berlin", "new", "york", "london", "munich",
               "zurich", "paris", "private", "family", "until", "after", "before", "lot",
               "sale", "unknown", "probably", "possibly", "dealer's", "stock", "number"]

object_types = ["painting", "drawing", "sculpture", "furniture", "ceramic"]


def make_vocab_file(fname):
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab_words
    with open(fname, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return len(lines)


def provenance_chain(rnd, n_owners):
    chunks = []
    for _ in range(n_owners):
        step = [rnd.choice(["acquired", "sold", "gift", "bequest", "purchase"]),
                rnd.choice(["by", "to", "from"]),
                rnd.choice(["dealer", "estate", "count", "baron", "private", "family", "museum"]),
                "in", rnd.choice(["vienna", "berlin", "london", "munich", "zurich", "paris"]),
                rnd.choice(["1890", "1912", "1923", "1938", "1945", "1951", "1967", "1982"])]
        if rnd.random() < 0.3:
            step += ["lot", "number", rnd.choice(["unknown", "probably", "possibly"])]
        chunks.append(" ".join(step))
    return " ; ".join(chunks)


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main():
    rnd = random.Random(3)
    torch.manual_seed(3)
    np.random.seed(3)

    vfile = os.path.join(here, "prov_vocab.txt")
    V = make_vocab_file(vfile)
    tokenizer = BertTokenizer(vfile)
    print("vocab", V, len(tokenizer))

    catalogue = []
    for n in range(50):
        if n % 10 == 9:
            owners = rnd.randint(20, 28)
        else:
            owners = rnd.randint(2, 8)
        catalogue.append({
            "obj_id": "INV.%04d" % (1000 + n),
            "prov": provenance_chain(rnd, owners),
            "type": rnd.randrange(len(object_types)),
        })
    print("records:", len(catalogue))
    print(catalogue[0]["obj_id"], catalogue[0]["prov"][:80], "...")
    lens = [len(tokenizer.tokenize(c["prov"])) for c in catalogue]
    print("token lengths min/max/mean", min(lens), max(lens), np.mean(lens))

    config = BertConfig(vocab_size=V, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=MAX_POS, num_labels=len(object_types))
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    train_recs = catalogue[:40]
    model.train()
    for epoch in range(2):
        rnd.shuffle(train_recs)
        eloss = 0.0
        for b in batches(train_recs, 8):
            enc = tokenizer([r["prov"] for r in b], padding=True, truncation=True,
                            max_length=MAX_POS, return_tensors="pt")
            lab = torch.tensor([r["type"] for r in b])
            out = model(**enc, labels=lab)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            eloss += out.loss.item()
            print("   enc", tuple(enc["input_ids"].shape), "loss %.4f" % out.loss.item())
        print("epoch", epoch, "loss", eloss)

    # eval on held-out records
    model.eval()
    test_recs = catalogue[40:]
    hits = 0
    with torch.no_grad():
        for b in batches(test_recs, 8):
            enc = tokenizer([r["prov"] for r in b], padding=True, truncation=True,
                            max_length=MAX_POS, return_tensors="pt")
            pred = model(**enc).logits.argmax(-1)
            hits += (pred == torch.tensor([r["type"] for r in b])).sum().item()
    print("held-out acc", hits / len(test_recs))

    # export [CLS] vectors for the whole catalogue -> nearest neighbour lookup
    all_vecs = []
    ids_out = []
    with torch.no_grad():
        for b in batches(catalogue, 16):
            enc2 = tokenizer([r["prov"] for r in b], padding=True, return_tensors="pt")
            print("export batch", enc2["input_ids"].shape)
            hs = model.bert(**enc2).last_hidden_state
            all_vecs.append(hs[:, 0].numpy())
            ids_out += [r["obj_id"] for r in b]
    vecs = np.concatenate(all_vecs, axis=0)
    vecs = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, -1)
    for q in range(3):
        j = int(sims[q].argmax())
        print(ids_out[q], "closest ->", ids_out[j], "sim %.3f" % sims[q, j])


if __name__ == "__main__":
    main()
