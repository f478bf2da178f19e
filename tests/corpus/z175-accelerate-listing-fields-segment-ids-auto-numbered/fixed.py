"""Classify marketplace listings into categories from their fields with a tiny BERT, trained with Accelerate."""
import os
import tempfile
from collections import defaultdict

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

CATEGORIES = ["electronics", "kitchen", "garden"]
LISTINGS = [
    {"title": "wireless earbuds", "description": "noise cancelling with charging case", "category": "electronics"},
    {"title": "cast iron pan", "description": "pre seasoned ten inch skillet", "category": "kitchen"},
    {"title": "garden hose", "description": "fifty foot expandable hose with nozzle", "category": "garden"},
    {"title": "usb c charger", "brand": "voltix", "description": "fast charging wall adapter", "category": "electronics"},
    {"title": "chef knife", "description": "stainless steel eight inch blade", "category": "kitchen"},
    {"title": "pruning shears", "brand": "greenhand", "description": "bypass blades for branches", "category": "garden"},
]
MAX_FIELD_PIECES = 12
SEGMENT_OF = defaultdict(lambda: 1, title=0)


def encode_listing(listing, tokenizer):
    ids, segments = [tokenizer.cls_token_id], [0]
    for field, text in listing.items():
        if field == "category":
            continue
        pieces = tokenizer.encode(text, add_special_tokens=False)[:MAX_FIELD_PIECES]
        ids += pieces + [tokenizer.sep_token_id]
        segments += [SEGMENT_OF[field]] * (len(pieces) + 1)
    return torch.tensor(ids), torch.tensor(segments), CATEGORIES.index(listing["category"])


def collate(batch):
    ids, segments, labels = zip(*batch)
    input_ids = pad_sequence(ids, batch_first=True, padding_value=0)
    return {"input_ids": input_ids, "token_type_ids": pad_sequence(segments, batch_first=True),
            "attention_mask": (input_ids != 0).long(), "labels": torch.tensor(labels)}


def build_tokenizer():
    words = sorted({w for item in LISTINGS for k, v in item.items() if k != "category" for w in v.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(path)


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer()
    features = [encode_listing(item, tokenizer) for item in LISTINGS]
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=len(CATEGORIES)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(features, batch_size=3, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    model.train()
    for epoch in range(3):
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} loss {out.loss.item():.4f}")


if __name__ == "__main__":
    main()
