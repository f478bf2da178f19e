"""Outcome predictor for pharmacy prior-authorization call transcripts.

Each call has turns from the patient, the pharmacist and the insurer rep. We tag
each token with its speaker as the segment id and classify the call outcome.
"""
import os
import functools
import tempfile

os.environ.setdefault("SEED", "3")
os.environ.setdefault("HIDDEN_SIZE", "32")
os.environ.setdefault("NUM_LAYERS", "1")
os.environ.setdefault("NUM_HEADS", "2")
os.environ.setdefault("SEGMENTS", "3")
os.environ.setdefault("MAX_POS", "128")
os.environ.setdefault("BATCH_SIZE", "2")

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = int(os.environ.get("SEED", "3"))
ROLES = {"patient": 0, "pharmacist": 1, "insurer": 2}
OUTCOMES = ["approved", "denied", "escalated"]

CALLS = [
    ([("patient", "my refill for the inhaler was rejected"),
      ("pharmacist", "the plan needs prior authorization for that brand"),
      ("insurer", "authorization is approved for twelve months")], "approved"),
    ([("pharmacist", "calling about a step therapy exception"),
      ("insurer", "the generic must be tried first so this is denied")], "denied"),
    ([("patient", "i cannot wait another week for this medication"),
      ("pharmacist", "can we get an urgent review"),
      ("insurer", "sending this to the clinical reviewer today")], "escalated"),
    ([("insurer", "quantity limit exceeded for this fill"),
      ("pharmacist", "prescriber documented the higher dose"),
      ("insurer", "override approved")], "approved"),
]


def tmp_vocab():
    words = sorted({w for turns, _ in CALLS for _, t in turns for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_call(tok, turns):
    ids, segs = [tok.cls_token_id], [0]
    for role, text in turns:
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids += piece
        segs += [ROLES[role]] * len(piece)
    return ids, segs


def collate(examples, tok):
    width = max(len(ids) for ids, _, _ in examples)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": [], "labels": []}
    for ids, segs, y in examples:
        gap = width - len(ids)
        out["input_ids"].append(ids + [tok.pad_token_id] * gap)
        out["token_type_ids"].append(segs + [0] * gap)
        out["attention_mask"].append([1] * len(ids) + [0] * gap)
        out["labels"].append(y)
    return {k: torch.tensor(v) for k, v in out.items()}


def make_config(**kw):
    return BertConfig(
        vocab_size=kw["vocab_size"],
        hidden_size=kw["hidden_size"],
        num_hidden_layers=kw["num_layers"],
        num_attention_heads=kw["num_heads"],
        intermediate_size=kw["hidden_size"] * 4,
        max_position_embeddings=kw.get("max_pos", int(os.environ.get("MAX_POS", "128"))),
        type_vocab_size=kw.get("segments", 2),
        num_labels=kw["num_labels"],
    )


def make_model(**kw):
    torch.manual_seed(kw.get("seed", 0))
    return BertForSequenceClassification(make_config(**kw))


def build(**cfg):
    model = make_model(**cfg)
    print(f"built bert: hidden={model.config.hidden_size} segments={model.config.type_vocab_size}")
    return model


def main():
    tok = BertTokenizer(tmp_vocab())
    data = []
    for turns, outcome in CALLS:
        ids, segs = encode_call(tok, turns)
        data.append((ids, segs, OUTCOMES.index(outcome)))

    cfg = dict(
        seed=SEED,
        vocab_size=len(tok),
        hidden_size=int(os.environ.get("HIDDEN_SIZE", "32")),
        num_layers=int(os.environ.get("NUM_LAYERS", "1")),
        num_heads=int(os.environ.get("NUM_HEADS", "2")),
        segments=int(os.environ.get("SEGMENTS", "3")),
        num_labels=len(OUTCOMES),
    )
    model = build(**cfg)
    loader = DataLoader(data, batch_size=int(os.environ.get("BATCH_SIZE", "2")), shuffle=True,
                        collate_fn=functools.partial(collate, tok=tok))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(3):
        losses = []
        for batch in loader:
            loss = model(**batch).loss
            loss.backward()
            optim.step()
            optim.zero_grad()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss={sum(losses) / len(losses):.4f}")

    model.eval()
    with torch.no_grad():
        batch = collate(data[:2], tok)
        batch.pop("labels")
        print("outcomes:", [OUTCOMES[i] for i in model(**batch).logits.argmax(-1).tolist()])


if __name__ == "__main__":
    main()
