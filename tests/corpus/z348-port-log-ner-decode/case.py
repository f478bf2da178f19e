# Tag vessel names, ports and dates in harbour-master voyage remarks.
# Tiny random-init BERT so the extraction pipeline can be wired up end to end.
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

CFG = {
    "max_seq_len": 40,
    "hidden": 32,
    "batch_size": 8,
    "train_steps": 10,
    "lr": 5e-4,
    "seed": 11,
}

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-PORT", "B-DATE", "I-DATE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

VESSELS = [["nordic", "star"], ["ocean", "pearl"], ["maersk", "kobe"], ["blue", "heron"]]
PORTS = ["rotterdam", "hamburg", "antwerp", "gdansk", "felixstowe", "bilbao"]
MONTHS = ["january", "march", "june", "september", "november"]
FILLER = ["vessel", "departed", "arrived", "at", "from", "on", "berth", "delayed", "pilot", "boarded", "cargo"]


def build_tokenizer(workdir):
    words = sorted(set(FILLER + PORTS + MONTHS + [w for v in VESSELS for w in v]))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + [str(d) for d in range(1, 32)]
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def synth_remark(rng):
    words, tags = [], []

    def add(ws, first, inner):
        for k, w in enumerate(ws):
            words.append(w)
            tags.append(first if k == 0 else inner)

    add(["vessel"], "O", "O")
    add(rng.choice(VESSELS), "B-VESSEL", "I-VESSEL")
    add([rng.choice(["departed", "arrived"])], "O", "O")
    add([rng.choice(["from", "at"])], "O", "O")
    add([rng.choice(PORTS)], "B-PORT", "B-PORT")
    if rng.random() < 0.6:
        add(["on"], "O", "O")
        add([str(rng.randint(1, 31)), rng.choice(MONTHS)], "B-DATE", "I-DATE")
    if rng.random() < 0.4:
        add(rng.sample(["pilot", "boarded", "delayed", "berth", "cargo"], k=rng.randint(1, 3)), "O", "O")
    return words, [TAG2ID[t] for t in tags]


def encode(tokenizer, batch):
    words = [w for w, _ in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True, truncation=True,
                    max_length=CFG["max_seq_len"], return_tensors="pt")
    labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for b, (_, tag_ids) in enumerate(batch):
        prev = None
        for pos, wid in enumerate(enc.word_ids(b)):
            if wid is not None and wid != prev:
                labels[b, pos] = tag_ids[wid]
            prev = wid
    return enc, labels


def extract_entities(tokenizer, enc, pred_ids):
    results = []
    for b in range(pred_ids.size(0)):
        pred_row = pred_ids[b]
        word_ids = enc.word_ids(b)
        spans, current = [], None
        for tok_pos in range(CFG["max_seq_len"]):
            tag = TAGS[pred_row[tok_pos].item()]
            wid = word_ids[tok_pos]
            if wid is None:
                continue
            token = tokenizer.convert_ids_to_tokens(enc["input_ids"][b, tok_pos].item())
            if tag.startswith("B-"):
                current = [tag[2:], token]
                spans.append(current)
            elif tag.startswith("I-") and current is not None and current[0] == tag[2:]:
                current.append(token)
            else:
                current = None
        results.append([(label, " ".join(toks)) for label, *toks in spans])
    return results


def main():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    workdir = tempfile.mkdtemp(prefix="portlog_")
    tokenizer = build_tokenizer(workdir)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CFG["hidden"], num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS))
    model = BertForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    model.train()
    for step in range(CFG["train_steps"]):
        batch = [synth_remark(rng) for _ in range(CFG["batch_size"])]
        enc, labels = encode(tokenizer, batch)
        out = model(**enc, labels=labels)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        if step % 10 == 0:
            print(f"step {step:3d}  loss {out.loss.item():.4f}")

    model.eval()
    eval_batch = [synth_remark(rng) for _ in range(CFG["batch_size"])]
    enc, _ = encode(tokenizer, eval_batch)
    with torch.no_grad():
        pred_ids = model(**enc).logits.argmax(-1)
    for (words, _), ents in zip(eval_batch, extract_entities(tokenizer, enc, pred_ids)):
        print(" ".join(words), "->", ents)


if __name__ == "__main__":
    main()
