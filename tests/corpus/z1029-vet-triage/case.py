"""Urgency triage for veterinary clinic intake forms with a tiny BERT.

Each intake form has three fields (species, presenting complaint, history), which
are packed into one sequence:

    [CLS] species [SEP] complaint [SEP] history [SEP]

and every field gets its own segment id so the model can tell them apart.
Shapes: B = forms per batch, T = padded sequence length, C = urgency levels.
"""
import os
import tempfile
from functools import partial

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

URGENCY = ["routine", "soon", "emergency"]
FORMS = [
    {"species": "dog", "complaint": "vomiting after eating chocolate", "history": "no prior illness", "urgency": "emergency"},
    {"species": "cat", "complaint": "not eating for two days", "history": "kidney disease", "urgency": "soon"},
    {"species": "rabbit", "complaint": "overgrown teeth", "history": "annual check", "urgency": "routine"},
    {"species": "horse", "complaint": "rolling and pawing colic signs", "history": "colic last year", "urgency": "emergency"},
    {"species": "parrot", "complaint": "feather plucking", "history": "new cage", "urgency": "routine"},
    {"species": "dog", "complaint": "limping on front leg", "history": "hip dysplasia", "urgency": "soon"},
]
FIELDS = ("species", "complaint", "history")


def write_vocab(forms):
    words = sorted({w for f in forms for k in FIELDS for w in f[k].split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def pack_form(form, tokenizer):
    """Return (token ids, segment ids) for one form, both plain lists of length L."""
    ids = [tokenizer.cls_token_id]
    segment_ids = [0]
    for seg, field in enumerate(FIELDS):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(form[field]))
        ids += piece + [tokenizer.sep_token_id]
        segment_ids += [seg] * (len(piece) + 1)
    assert len(ids) == len(segment_ids)
    return ids, segment_ids


def collate(forms, tokenizer):
    """Pad a list of forms into a dict batch of (B, T) tensors plus (B,) labels."""
    packed = [pack_form(f, tokenizer) for f in forms]
    T = max(len(ids) for ids, _ in packed)
    B = len(packed)
    input_ids = torch.full((B, T), tokenizer.pad_token_id, dtype=torch.long)   # (B, T)
    token_type_ids = torch.zeros((B, T), dtype=torch.long)                     # (B, T)
    attention_mask = torch.zeros((B, T), dtype=torch.long)                     # (B, T)
    for i, (ids, segs) in enumerate(packed):
        input_ids[i, : len(ids)] = torch.tensor(ids)                           # (L_i,)
        token_type_ids[i, : len(segs)] = torch.tensor(segs)                    # (L_i,)
        attention_mask[i, : len(ids)] = 1
    labels = torch.tensor([URGENCY.index(f["urgency"]) for f in forms])        # (B,)
    return {"input_ids": input_ids, "token_type_ids": token_type_ids,
            "attention_mask": attention_mask, "labels": labels}


def main():
    tokenizer = BertTokenizer(write_vocab(FORMS))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(URGENCY),
    )
    model = BertForSequenceClassification(config)
    print(f"vocab={config.vocab_size} hidden={config.hidden_size} "
          f"segments={config.type_vocab_size} labels={config.num_labels}")

    make_batch = partial(collate, tokenizer=tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for epoch in range(2):
        for start in range(0, len(FORMS), 3):
            batch = make_batch(FORMS[start:start + 3])
            assert batch["input_ids"].shape == batch["token_type_ids"].shape
            assert batch["input_ids"].shape == batch["attention_mask"].shape
            assert batch["input_ids"].shape[0] == batch["labels"].shape[0]
            assert batch["input_ids"].shape[1] <= config.max_position_embeddings
            assert int(batch["input_ids"].max()) < config.vocab_size

            out = model(**batch)                      # logits: (B, C)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            print(f"epoch {epoch} step {start // 3}: loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        probe = make_batch([FORMS[0]])
        probe.pop("labels")
        logits = model(**probe).logits                # (1, C)
    print("triage:", URGENCY[logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
