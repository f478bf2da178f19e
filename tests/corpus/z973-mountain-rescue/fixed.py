"""Route mountain rescue call-out logs to a response type with a tiny BERT, trained via Accelerate.

Logs use team shorthand for grid references and heights, so those markers are
added to the tokenizer as whole tokens instead of being split into word pieces.
"""
import functools
import os
import re
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(3)

data = {
    "text": [
        "walker slipped on scree [GRID] near the col ankle injury [ALT] high",
        "two climbers cragfast on ledge [GRID] below north face",
        "overdue party not returned from ridge [ALT] mist and rain",
        "fell runner collapsed on path [GRID] breathing but confused",
        "dog stuck on crag ledge [GRID] owner safe at top",
        "group lost in mist [ALT] phone battery low no map",
        "scrambler fall from slab [GRID] head injury conscious",
        "climber stuck above overhang [GRID] rope jammed",
        "solo walker overdue [ALT] last seen at summit cairn",
        "cyclist off trail [GRID] suspected broken wrist",
        "pair benighted on ridge [ALT] cold but uninjured",
        "sheep dog cragfast on gully wall [GRID]",
    ],
    "response": ["stretcher", "rope", "search", "stretcher",
                 "rope", "search", "stretcher", "rope",
                 "search", "stretcher", "search", "rope"],
}
response_levels = ["stretcher", "rope", "search"]
team_markers = ["[GRID]", "[ALT]"]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def build_tokenizer(folder):
    tok = BertTokenizer(write_vocab(data["text"], folder))
    return tok


def build_model(tok, n_classes):
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=n_classes)
    return BertForSequenceClassification(cfg)


def mutate_tokens(data, tok):
    out = dict(data)
    out["ids"] = [tok.encode(t) for t in data["text"]]
    return out


def match(x, table):
    return [table.index(v) + 1 for v in x]


def mutate_codes(data, levels):
    out = dict(data)
    out["code"] = [m - 1 for m in match(data["response"], levels)]
    return out


def summarise_lengths(data):
    n = [len(x) for x in data["ids"]]
    return {"n": len(n), "max": max(n), "mean": sum(n) / len(n)}


def collate_rows(rows, pad_id):
    width = max(len(r["ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    keep = torch.zeros((len(rows), width), dtype=torch.long)
    for k, r in enumerate(rows):
        ids[k, : len(r["ids"])] = torch.tensor(r["ids"])
        keep[k, : len(r["ids"])] = 1
    return {"input_ids": ids, "attention_mask": keep,
            "labels": torch.tensor([r["code"] for r in rows])}


def as_rows(data, cols):
    return [{c: data[c][i - 1] for c in cols} for i in range(1, len(data["text"]) + 1)]


def main():
    accelerator = Accelerator(cpu=True)
    folder = tempfile.mkdtemp()

    tok = build_tokenizer(folder)
    model = build_model(tok, len(response_levels))
    n_added = tok.add_tokens(team_markers)
    model.resize_token_embeddings(len(tok))
    accelerator.print(f"added {n_added} team markers, tokenizer now has {len(tok)} entries")

    prepared = mutate_codes(mutate_tokens(data, tok), response_levels)
    stats = summarise_lengths(prepared)
    accelerator.print(f"{stats['n']} call-outs, longest {stats['max']} tokens, mean {stats['mean']:.1f}")

    loader = DataLoader(as_rows(prepared, ["ids", "code"]), batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate_rows, pad_id=tok.pad_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(1, 3 + 1):
        running = 0.0
        for step, batch in enumerate(loader, start=1):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / step:.4f}")


if __name__ == "__main__":
    main()
