"""Score whether a customs declaration line matches the tariff heading it was filed under.

Each example packs three fields into one BERT input (goods description, claimed heading text,
origin/packing notes), each field getting its own segment id. Trained with Accelerate.
"""
import os
import random
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


def configure():
    os.environ.setdefault("DECL_FIELDS", "description,heading,origin")
    os.environ.setdefault("MAX_FIELD_TOKENS", "12")
    os.environ.setdefault("TYPE_VOCAB_SIZE", "2")
    os.environ.setdefault("BATCH_SIZE", "3")
    os.environ.setdefault("LR", "3e-4")


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def env_list(name):
    return [p.strip() for p in os.environ.get(name, "").split(",") if p.strip()]


DECLARATIONS = [
    ({"description": "frozen boneless cod fillets in cartons",
      "heading": "fish fillets frozen",
      "origin": "norway reefer container"}, 1),
    ({"description": "ceramic brake pads for passenger cars",
      "heading": "parts of motor vehicles brakes",
      "origin": "germany pallets"}, 1),
    ({"description": "roasted coffee beans decaffeinated",
      "heading": "fish fillets frozen",
      "origin": "colombia jute bags"}, 0),
    ({"description": "lithium ion cells for laptops",
      "heading": "electric accumulators lithium",
      "origin": "china cartons"}, 1),
    ({"description": "wool knitted sweaters for men",
      "heading": "parts of motor vehicles brakes",
      "origin": "peru cartons"}, 0),
    ({"description": "decaffeinated coffee roasted whole bean",
      "heading": "coffee roasted decaffeinated",
      "origin": "colombia jute bags"}, 1),
]


def write_vocab(dirpath):
    words = set()
    for fields, _ in DECLARATIONS:
        for text in fields.values():
            words.update(text.split())
    path = os.path.join(dirpath, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def encode_declaration(tokenizer, fields, field_order, per_field):
    ids = [tokenizer.cls_token_id]
    segs = [0]
    for seg_no, name in enumerate(field_order):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(fields[name]))[:per_field]
        piece.append(tokenizer.sep_token_id)
        ids.extend(piece)
        segs.extend([seg_no] * len(piece))
    return ids, segs


def collate(batch, tokenizer, field_order, per_field):
    encoded = [encode_declaration(tokenizer, f, field_order, per_field) for f, _ in batch]
    width = max(len(ids) for ids, _ in encoded)
    pad = tokenizer.pad_token_id
    tok = torch.full((len(batch), width), pad, dtype=torch.long)
    seg = torch.zeros((len(batch), width), dtype=torch.long)
    att = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, segs) in enumerate(encoded):
        tok[row, :len(ids)] = torch.tensor(ids)
        seg[row, :len(segs)] = torch.tensor(segs)
        att[row, :len(ids)] = 1
    target = torch.tensor([y for _, y in batch], dtype=torch.long)
    return {"input_ids": tok, "token_type_ids": seg, "attention_mask": att, "labels": target}


def main():
    configure()
    random.seed(11)
    torch.manual_seed(11)
    field_order = env_list("DECL_FIELDS")
    per_field = env_int("MAX_FIELD_TOKENS", 12)

    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="tariff_")))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        type_vocab_size=env_int("TYPE_VOCAB_SIZE", 2), num_labels=2)
    model = BertForSequenceClassification(config)

    accelerator = Accelerator(cpu=True)
    loader = DataLoader(DECLARATIONS, batch_size=env_int("BATCH_SIZE", 3), shuffle=True,
                        collate_fn=partial(collate, tokenizer=tokenizer, field_order=field_order,
                                           per_field=per_field))
    optim = torch.optim.AdamW(model.parameters(), lr=float(os.environ["LR"]))
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        accelerator.print(f"step {step} loss {out.loss.item():.4f}")
    accelerator.print("finished declaration matcher run")


if __name__ == "__main__":
    main()
