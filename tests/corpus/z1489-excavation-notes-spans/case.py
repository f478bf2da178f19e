"""Span tagging for excavation field notes, trained with Accelerate.

Annotators mark character spans (artifact, material, context number, period)
in free-text trench notes. We project those spans onto word pieces through the
tokenizer's offset mapping and fine-tune a token classifier.
"""
import functools
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

set_seed(3)

ENTITY_TYPES = ["ARTIFACT", "MATERIAL", "CONTEXT", "PERIOD"]
TAG2ID = {"O": 0}
for etype in ENTITY_TYPES:
    TAG2ID[f"B-{etype}"] = len(TAG2ID)
    TAG2ID[f"I-{etype}"] = len(TAG2ID)


def annotate(text, *mentions):
    """mentions are (surface string, type); turn them into char spans."""
    spans = []
    for surface, etype in mentions:
        start = text.index(surface)
        spans.append((start, start + len(surface), etype))
    return {"text": text, "spans": spans}


TRENCH_NOTES = [
    annotate("bronze fibula recovered from context 1043 near the hearth",
             ("bronze", "MATERIAL"), ("fibula", "ARTIFACT"), ("context 1043", "CONTEXT")),
    annotate("sherds of samian ware suggest a roman occupation layer",
             ("samian ware", "ARTIFACT"), ("roman", "PERIOD")),
    annotate("flint scraper in context 2210 sealed beneath the rampart",
             ("flint", "MATERIAL"), ("scraper", "ARTIFACT"), ("context 2210", "CONTEXT")),
    annotate("iron age loomweights of fired clay along the north baulk",
             ("iron age", "PERIOD"), ("loomweights", "ARTIFACT"), ("fired clay", "MATERIAL")),
    annotate("medieval antler comb fragment from pit fill",
             ("medieval", "PERIOD"), ("antler", "MATERIAL"), ("comb", "ARTIFACT")),
    annotate("context 3307 produced a neolithic polished axehead",
             ("context 3307", "CONTEXT"), ("neolithic", "PERIOD"), ("axehead", "ARTIFACT")),
]


def build_tokenizer(folder):
    words = sorted({w for n in TRENCH_NOTES for w in n["text"].split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for w in words:
        vocab.extend([w] if len(w) <= 5 else [w[:3], "##" + w[3:]])
    vocab.extend(str(d) for d in range(10))
    vocab.extend("##" + str(d) for d in range(10))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(vocab)) + "\n")
    return BertTokenizerFast(path)


def spans_to_piece_tags(offsets, spans):
    """Every piece inside a span gets a tag: B- on the first piece, I- after."""
    tags = []
    for start, end in offsets:
        if start == end:           # [CLS], [SEP], padding
            tags.append(-100)
            continue
        tag = "O"
        for s_start, s_end, etype in spans:
            if start >= s_start and end <= s_end:
                tag = ("B-" if start == s_start else "I-") + etype
                break
        tags.append(TAG2ID[tag])
    return tags


def collate_notes(batch, tokenizer, max_length=40):
    enc = tokenizer([n["text"] for n in batch], padding=True, truncation=True,
                    max_length=max_length, return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").tolist()
    enc["labels"] = torch.tensor([spans_to_piece_tags(o, n["spans"]) for o, n in zip(offsets, batch)])
    return dict(enc)


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="trench_vocab_"))
    accelerator.print(f"{len(TAG2ID)} tags: {list(TAG2ID)}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=1 + len(ENTITY_TYPES))
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(TRENCH_NOTES, batch_size=3, shuffle=True,
                        collate_fn=functools.partial(collate_notes, tokenizer=tokenizer))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            outputs = model(**batch)
            accelerator.backward(outputs.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += outputs.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("done, trained on", len(TRENCH_NOTES), "notes")


if __name__ == "__main__":
    main()
