"""Urgency classifier for veterinary triage forms (accelerate training loop).

Each form has three free-text boxes (species, complaint, history). They are
packed into one BERT input with a separate segment id per box.
"""
import os
import random
import tempfile
from collections import Counter, deque, namedtuple

import torch
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

SEGMENTS = ("species", "complaint", "history")

EncoderSpec = namedtuple(
    "EncoderSpec",
    ["hidden", "layers", "heads", "max_positions", "type_vocab_size"],
    defaults=[32, 1, 2, 64, 2],
)

FORMS = [
    {"species": "dog", "complaint": "ate chocolate an hour ago", "history": "healthy vaccinated", "urgent": 1},
    {"species": "cat", "complaint": "straining in litter box no urine", "history": "male indoor", "urgent": 1},
    {"species": "dog", "complaint": "itchy ears for a week", "history": "allergies last spring", "urgent": 0},
    {"species": "rabbit", "complaint": "not eating since yesterday", "history": "dental work last year", "urgent": 1},
    {"species": "cat", "complaint": "annual checkup and vaccines", "history": "healthy indoor", "urgent": 0},
    {"species": "dog", "complaint": "limping on back leg", "history": "active runs daily", "urgent": 0},
    {"species": "parrot", "complaint": "fluffed up on cage floor", "history": "new bird in house", "urgent": 1},
    {"species": "dog", "complaint": "nail trim request", "history": "healthy vaccinated", "urgent": 0},
]


def write_vocab(forms, folder):
    words = Counter(w for f in forms for seg in SEGMENTS for w in f[seg].split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def pack_form(form, tokenizer):
    """[CLS] species [SEP] complaint [SEP] history [SEP], one segment id per box."""
    ids = [tokenizer.cls_token_id]
    seg_ids = [0]
    for seg_no, box in enumerate(SEGMENTS):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(form[box])) + [tokenizer.sep_token_id]
        ids.extend(piece)
        seg_ids.extend([seg_no] * len(piece))
    return {"ids": torch.tensor(ids), "segs": torch.tensor(seg_ids), "y": form["urgent"]}


def collate(items, pad_id):
    ids = pad_sequence([it["ids"] for it in items], batch_first=True, padding_value=pad_id)
    segs = pad_sequence([it["segs"] for it in items], batch_first=True, padding_value=0)
    return {
        "input_ids": ids,
        "token_type_ids": segs,
        "attention_mask": (ids != pad_id).long(),
        "labels": torch.tensor([it["y"] for it in items]),
    }


def build_model(spec, vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=spec.hidden,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        intermediate_size=spec.hidden * 2,
        max_position_embeddings=spec.max_positions,
        type_vocab_size=spec.type_vocab_size,
        num_labels=2,
    )
    return BertForSequenceClassification(cfg)


def main():
    accelerator = Accelerator(cpu=True)
    tmp = tempfile.mkdtemp(prefix="vet_")
    tokenizer = BertTokenizer(write_vocab(FORMS, tmp))

    spec = EncoderSpec(type_vocab_size=len(SEGMENTS))
    model = build_model(spec, tokenizer.vocab_size)
    accelerator.print(f"encoder spec: {spec}")

    packed = [pack_form(f, tokenizer) for f in FORMS]
    loader = DataLoader(packed, batch_size=4, shuffle=True,
                        collate_fn=lambda b: collate(b, tokenizer.pad_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    recent = deque(maxlen=4)
    model.train()
    for epoch in range(3):
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            recent.append(out.loss.item())
            if step % 2 == 0:
                accelerator.print(f"epoch {epoch} step {step} loss(avg4) {sum(recent) / len(recent):.4f}")

    model.eval()
    with torch.no_grad():
        probe = collate([pack_form(FORMS[0], tokenizer)], tokenizer.pad_token_id)
        probs = model(**{k: v.to(accelerator.device) for k, v in probe.items()}).logits.softmax(-1)
    accelerator.print(f"urgent prob for first form: {probs[0, 1]:.3f}")


if __name__ == "__main__":
    main()
