import os
import random
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ["oil", "canvas", "bronze", "marble", "terracotta", "silk", "wool", "ink",
         "paper", "woodcut", "etching", "portrait", "landscape", "vessel", "bowl",
         "figure", "mask", "textile", "panel", "altarpiece", "donated", "purchased",
         "bequest", "estate", "collection", "gallery", "dealer", "auction", "london",
         "paris", "kyoto", "cairo", "private", "family", "acquired", "by", "from",
         "the", "of", "and", "in", "with", "gilt", "glaze", "lacquer", "study"]

DEPARTMENTS = ["paintings", "sculpture", "textiles", "works_on_paper"]


def write_vocab(path):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    with open(path, "w") as f:
        for t in toks:
            f.write(t + "\n")
    return len(toks)


def fake_record(rng):
    rec = {}
    rec["title"] = " ".join(rng.choice(WORDS[11:20]) for _ in range(rng.randint(2, 5)))
    rec["medium"] = " ".join(rng.choice(WORDS[:11]) for _ in range(rng.randint(1, 3)))
    rec["provenance"] = " ".join(rng.choice(WORDS[20:]) for _ in range(rng.randint(4, 12)))
    rec["dept"] = rng.randrange(len(DEPARTMENTS))
    return rec


def main():
    random.seed(7)
    torch.manual_seed(7)
    rng = random.Random(7)

    vocab_path = os.path.join(HERE, "museum_vocab.txt")
    n_vocab = write_vocab(vocab_path)
    print("vocab size", n_vocab)
    tok = BertTokenizer(vocab_path)

    records = [fake_record(rng) for _ in range(40)]
    print("num records", len(records))
    print("example", records[0])

    FIELDS = ["title", "medium", "provenance"]

    # build input ids by hand
    all_ids = []
    all_segs = []
    all_labels = []
    for r in records:
        ids = [tok.cls_token_id]
        segs = [0]
        for fi, field in enumerate(FIELDS):
            pieces = tok.convert_tokens_to_ids(tok.tokenize(r[field]))
            ids = ids + pieces + [tok.sep_token_id]
            segs = segs + [fi] * (len(pieces) + 1)
        all_ids.append(ids)
        all_segs.append(segs)
        all_labels.append(r["dept"])

    maxlen = max(len(x) for x in all_ids)
    print("longest record", maxlen)

    input_ids = torch.full((len(records), maxlen), tok.pad_token_id, dtype=torch.long)
    token_type = torch.zeros((len(records), maxlen), dtype=torch.long)
    attn = torch.zeros((len(records), maxlen), dtype=torch.long)
    for i in range(len(records)):
        L = len(all_ids[i])
        input_ids[i, :L] = torch.tensor(all_ids[i])
        token_type[i, :L] = torch.tensor(all_segs[i])
        attn[i, :L] = 1
    labels = torch.tensor(all_labels)
    print("input_ids", input_ids.shape, "token_type", token_type.shape)
    print("segs row0", token_type[0].tolist())

    cfg = BertConfig(
        vocab_size=n_vocab,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=2,
    )
    bert = BertModel(cfg)
    head = nn.Linear(cfg.hidden_size, len(DEPARTMENTS))
    params = list(bert.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=3e-4)
    lossf = nn.CrossEntropyLoss()

    bs = 8
    for epoch in range(2):
        perm = torch.randperm(len(records))
        tot = 0.0
        for s in range(0, len(records), bs):
            idx = perm[s:s + bs]
            batch_ids = input_ids[idx]
            batch_tt = token_type[idx]
            batch_mask = attn[idx]
            y = labels[idx]
            out = bert(input_ids=batch_ids, token_type_ids=batch_tt, attention_mask=batch_mask)
            cls_vec = out.last_hidden_state[:, 0]
            logits = head(cls_vec)
            loss = lossf(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            print("  batch", s // bs, "loss", round(loss.item(), 4))
        print("epoch", epoch, "total loss", tot)

    # quick eval copy of the loop above
    bert.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(records), bs):
            batch_ids = input_ids[s:s + bs]
            batch_tt = token_type[s:s + bs]
            batch_mask = attn[s:s + bs]
            y = labels[s:s + bs]
            out = bert(input_ids=batch_ids, token_type_ids=batch_tt, attention_mask=batch_mask)
            logits = head(out.last_hidden_state[:, 0])
            correct += (logits.argmax(-1) == y).sum().item()
    print("train acc", correct / len(records))


if __name__ == "__main__":
    main()
