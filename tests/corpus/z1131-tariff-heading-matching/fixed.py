"""Bi-encoder that matches importers' free-text goods descriptions to HS tariff heading texts.

Tiny BERT encoder + mean pooling, trained with sentence-transformers' old_fit and CosineSimilarityLoss.
Shippers' descriptions carry SKUs and part numbers, so the model's collate normalises both sides
before tokenizing.
"""
import os
import re
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

TRAIN_CFG = {"epochs": 1, "batch_size": 4, "max_tokens": 96, "lr": 1e-4, "warmup": 1}

HEADINGS = {
    "0901": "coffee whether or not roasted or decaffeinated",
    "6109": "t shirts singlets and other vests knitted or crocheted",
    "8471": "automatic data processing machines and units thereof",
    "9403": "other furniture and parts thereof",
}

DESCRIPTIONS = [
    ("roasted arabica coffee beans 1kg bags SKU-44821", "0901", 0.9),
    ("mens cotton t shirts knitted crew neck assorted sizes PO#7781", "6109", 0.9),
    ("laptop computers with charger units model X13-220", "8471", 0.85),
    ("flat pack oak dining table with parts and fittings", "9403", 0.9),
    ("green coffee not roasted sacks", "0901", 0.8),
    ("knitted cotton vests for women and girls in plain colours with printed logo on front and "
     "reinforced shoulder seams packed in cartons of forty eight pieces each carton labelled with "
     "style number size ratio and country of origin as required by the consignee for retail display "
     "in department stores across the region during the spring season", "6109", 0.85),
    ("office chair parts gas lift and castors REF 00912", "9403", 0.7),
    ("keyboard and mouse units for data processing machines", "8471", 0.75),
    ("decaffeinated coffee roasted ground", "8471", 0.05),
    ("oak table", "0901", 0.0),
]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


class TariffPair(InputExample):
    """InputExample that remembers which heading the description was paired with."""

    def __init__(self, description, heading_code, score):
        super().__init__(texts=[description, HEADINGS[heading_code]], label=float(score))
        self.heading_code = heading_code


def normalise(text):
    text = re.sub(r"\b(SKU|PO#|REF|model)\s*[-#]?\s*[\w-]+", " ", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip().lower()


class TariffMatcher(SentenceTransformer):
    def smart_batching_collate(self, batch):
        columns = list(zip(*[ex.texts for ex in batch]))
        features = []
        for col in columns:
            cleaned = [normalise(t) for t in col]
            enc = self.tokenizer(cleaned, padding=True, truncation=True,
                                 max_length=self.max_seq_length, return_tensors="pt")
            features.append(dict(enc))
        scores = torch.tensor([ex.label for ex in batch], dtype=torch.float)
        return features, scores


def build_encoder_dir():
    words = sorted({w for d, _, _ in DESCRIPTIONS for w in normalise(d).split()} |
                   {w for h in HEADINGS.values() for w in h.split()})
    out = tempfile.mkdtemp()
    with open(os.path.join(out, "vocab.txt"), "w") as fh:
        fh.write("\n".join(SPECIAL + words) + "\n")
    tok = BertTokenizer(os.path.join(out, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(SPECIAL) + len(words), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=48)
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def main():
    enc_dir = build_encoder_dir()
    word = models.Transformer(enc_dir)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    model = TariffMatcher(modules=[word, pool], device="cpu")
    print("encoder max_seq_length:", model.max_seq_length)

    pairs = [TariffPair(d, code, s) for d, code, s in DESCRIPTIONS]
    loader = DataLoader(pairs, batch_size=TRAIN_CFG["batch_size"], shuffle=True)
    loss = losses.CosineSimilarityLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=TRAIN_CFG["epochs"],
                  warmup_steps=TRAIN_CFG["warmup"], optimizer_params={"lr": TRAIN_CFG["lr"]},
                  show_progress_bar=False)

    emb = model.encode([normalise(d) for d, _, _ in DESCRIPTIONS[:3]], convert_to_tensor=True)
    heads = model.encode(list(HEADINGS.values()), convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(emb.unsqueeze(1), heads.unsqueeze(0), dim=-1)
    for row, (d, code, _) in zip(sims, DESCRIPTIONS[:3]):
        best = list(HEADINGS)[int(row.argmax())]
        print(f"{d[:40]:40s} gold={code} predicted={best}")


if __name__ == "__main__":
    main()
