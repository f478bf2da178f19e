"""Genre tagging for transcribed Latin inscriptions (EDH-style diplomatic text).

Each monument can carry text on several faces; every face's transcription is fed
as its own segment so the encoder knows which face a token came from.
"""
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))

FACE_ORDER = ["front", "back", "side"]

ENCODER_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=96,
    type_vocab_size=len(FACE_ORDER),
)
MAX_LEN = 80
GENRES = ["funerary", "votive", "honorific", "building"]

FORMULAE = {
    "funerary": ["d m", "h s e", "s t t l", "vixit annis", "b m f", "coniugi"],
    "votive": ["i o m", "v s l m", "pro salute", "deae", "posuit"],
    "honorific": ["ob merita", "ordo decurionum", "d d", "patrono", "statuam"],
    "building": ["templum", "a solo", "restituit", "sua pecunia", "fecit"],
}
NAMES = ["aurelius", "iulia", "flavius", "valeria", "marcus", "gaius", "claudia"]


def write_vocab(path):
    words = set(NAMES)
    for phrases in FORMULAE.values():
        for p in phrases:
            words.update(p.split())
    words.update(["leg", "coh", "mil", "filius", "filia", "et", "[", "]"])
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(special + sorted(words)) + "\n")


def fake_monument(genre):
    """One monument: dict face -> transcription (some faces are empty)."""
    faces = {}
    faces["front"] = " ".join(random.sample(NAMES, 2) + random.sample(FORMULAE[genre], 3))
    if random.random() < 0.5:
        faces["back"] = " ".join(random.sample(FORMULAE[genre], 2))
    if random.random() < 0.4:
        faces["side"] = " ".join(random.sample(NAMES, 1) + ["filius", "et"])
    return faces


def encode_monument(tokenizer, faces, max_len=MAX_LEN):
    ids = [tokenizer.cls_token_id]
    type_ids = [0]
    for face_idx, face in enumerate(FACE_ORDER):
        text = faces.get(face)
        if not text:
            continue
        piece = tokenizer.encode(text, add_special_tokens=False)
        ids += piece + [tokenizer.sep_token_id]
        type_ids += [face_idx] * (len(piece) + 1)
    ids, type_ids = ids[:max_len], type_ids[:max_len]
    attn = [1] * len(ids)
    pad = max_len - len(ids)
    return {
        "input_ids": ids + [tokenizer.pad_token_id] * pad,
        "token_type_ids": type_ids + [0] * pad,
        "attention_mask": attn + [0] * pad,
    }


def build_corpus(tokenizer, n=96):
    records = []
    for _ in range(n):
        genre = random.choice(GENRES)
        enc = encode_monument(tokenizer, fake_monument(genre))
        enc["label"] = GENRES.index(genre)
        records.append(enc)
    return records


def collate(records):
    return {k: torch.tensor([r[k] for r in records]) for k in records[0]}


class InscriptionGenreTagger(nn.Module):
    def __init__(self, vocab_size, n_genres):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, **ENCODER_CFG)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(cfg.hidden_size, n_genres)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids,
                           token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        return self.classifier(self.dropout(cls))


def main():
    vocab_path = os.path.join(HERE, "epigraphy_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    corpus = build_corpus(tokenizer)
    loader = DataLoader(corpus, batch_size=8, shuffle=True, collate_fn=collate)

    model = InscriptionGenreTagger(len(tokenizer), len(GENRES))
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            labels = batch.pop("label")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
