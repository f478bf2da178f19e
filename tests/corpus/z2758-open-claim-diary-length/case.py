"""Litigation-band classifier on adjuster narratives; scores the open-claim inventory for reserve review."""
import os
import numpy as np
import torch
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "adjuster_vocab.txt")
MAX_LEN = 64
BANDS = ["no_rep", "demand_letter", "suit_filed"]

BASE_WORDS = ("claimant called reported injury neck back soft tissue treatment chiropractor physical therapy "
              "er visit released same day mri ordered wage loss rental provided vehicle repaired "
              "recorded statement liability clear comparative negligence policy limits").split()
LIT_WORDS = {1: "attorney letter of representation demand package received".split(),
             2: "suit filed summons served defense counsel assigned".split()}
DIARY_WORDS = "diary followup left voicemail no response medical records requested reserve increased".split()


def write_vocab(path):
    toks = set(BASE_WORDS + DIARY_WORDS)
    for words in LIT_WORDS.values():
        toks.update(words)
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(toks)) + "\n")


def narrative(rng, band, n_diary):
    words = list(rng.choice(BASE_WORDS, rng.integers(8, 30)))
    if band > 0:
        pos = int(rng.integers(0, len(words)))
        words[pos:pos] = LIT_WORDS[band]
    for _ in range(n_diary):
        words += list(rng.choice(DIARY_WORDS, rng.integers(4, 9)))
    return " ".join(words)


def make_claims(rng, n, status):
    cols = {
        "claim_no": np.array([f"{status[0].upper()}{i:05d}" for i in range(n)]),
        "band": rng.choice(3, size=n, p=[0.6, 0.25, 0.15]),
        "case_reserve": np.round(rng.lognormal(9.0, 0.9, n), 0),
    }
    n_diary = rng.integers(0, 2, n) if status == "closed" else rng.integers(3, 12, n)
    cols["narrative"] = np.array([narrative(rng, b, d) for b, d in zip(cols["band"], n_diary)], dtype=object)
    return cols


def minibatches(cols, batch_size, rng=None):
    order = np.arange(len(cols["claim_no"]))
    if rng is not None:
        rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield {k: v[idx] for k, v in cols.items()}


def make_encoder(tok):
    def encode(texts):
        return tok(list(texts), padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return encode


def score_inventory(model, tok, open_cols, batch_size=32):
    model.eval()
    probs = []
    with torch.no_grad():
        for chunk in minibatches(open_cols, batch_size):
            enc = tok(list(chunk["narrative"]), padding="longest", return_tensors="pt")
            logits = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits
            probs.append(torch.softmax(logits, dim=-1).numpy())
    return np.concatenate(probs)


if __name__ == "__main__":
    torch.manual_seed(3)
    rng = np.random.default_rng(3)
    write_vocab(VOCAB_FILE)
    tokenizer = BertTokenizer(VOCAB_FILE)
    encode = make_encoder(tokenizer)

    closed = make_claims(rng, 300, "closed")
    open_inv = make_claims(rng, 90, "open")
    print("closed band mix:", np.bincount(closed["band"], minlength=3) / len(closed["band"]))

    config = DistilBertConfig(
        vocab_size=tokenizer.vocab_size,
        dim=32,
        n_layers=1,
        n_heads=2,
        hidden_dim=64,
        max_position_embeddings=MAX_LEN,
        num_labels=len(BANDS),
    )
    model = DistilBertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    for epoch in range(3):
        model.train()
        losses = []
        for batch in minibatches(closed, 24, rng):
            enc = encode(batch["narrative"])
            out = model(**enc, labels=torch.as_tensor(batch["band"], dtype=torch.long))
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch} mean loss {np.mean(losses):.4f}")

    p = score_inventory(model, tokenizer, open_inv)
    suit_prob = p[:, BANDS.index("suit_filed")]
    flagged = open_inv["case_reserve"][suit_prob > 0.3]
    print(f"{len(flagged)} open claims flagged, reserve at risk {flagged.sum():,.0f}")
