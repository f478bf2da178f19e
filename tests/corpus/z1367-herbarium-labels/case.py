"""Digitising herbarium sheets: tag the words of a transcribed specimen label
(taxon, collector, locality, date) so they can go into the collection DB."""
import json
import os
import tempfile
from functools import partial

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(21)

TAGS = ["O", "TAXON", "COLLECTOR", "LOCALITY", "DATE"]
SHEETS = [
    ("Quercus robur leg. Smith near Oxford 1898", "TAXON TAXON O COLLECTOR O LOCALITY DATE"),
    ("Carex flacca coll. Brown Dover cliffs 1921", "TAXON TAXON O COLLECTOR LOCALITY LOCALITY DATE"),
    ("leg. Jones 1874 Salix alba river bank", "O COLLECTOR DATE TAXON TAXON LOCALITY LOCALITY"),
    ("Primula veris Kent downs 1903 leg. Hart", "TAXON TAXON LOCALITY LOCALITY DATE O COLLECTOR"),
]


def write_vocab(folder):
    words = sorted({w.lower() for text, _ in SHEETS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode(tok, words, max_len):
    ids = tok.convert_tokens_to_ids([w.lower() for w in words][: max_len - 2])
    return [tok.cls_token_id] + ids + [tok.sep_token_id]


def collate(rows, pad_id, width=None):
    width = width or max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return {"input_ids": ids, "attention_mask": (ids != pad_id).long()}


def train_and_save(save_dir, max_len=24):
    tok = BertTokenizer(write_vocab(save_dir))
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
    model = BertForTokenClassification(config)
    rows = [encode(tok, text.split(), max_len) for text, _ in SHEETS]
    batch = collate(rows, tok.pad_token_id, width=max_len)
    # only real words get a tag; [CLS], [SEP] and padding are ignored by the loss
    gold = torch.full_like(batch["input_ids"], -100)
    for i, (_, tags) in enumerate(SHEETS):
        seq = [TAGS.index(t) for t in tags.split()]
        gold[i, 1 : 1 + len(seq)] = torch.tensor(seq)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.train()
    for step in range(5):
        loss = model(**batch, labels=gold).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        print(f"[train] step={step} loss={loss.item():.4f}")
    torch.save(model.state_dict(), os.path.join(save_dir, "tagger.bin"))
    with open(os.path.join(save_dir, "tagger.json"), "w") as fh:
        json.dump({"bert": config.to_dict(), "tags": TAGS, "max_len": max_len}, fh)


class Predictor:
    def __init__(self, model, tok, tags, max_len, batch_size=8):
        self.model, self.tok, self.tags = model.eval(), tok, tags
        self.max_len, self.batch_size = max_len, batch_size
        self.collate = partial(collate, pad_id=tok.pad_token_id)

    @classmethod
    def from_dir(cls, path, **kwargs):
        with open(os.path.join(path, "tagger.json")) as fh:
            saved = json.load(fh)
        model = BertForTokenClassification(BertConfig(**saved["bert"]))
        model.load_state_dict(torch.load(os.path.join(path, "tagger.bin"), map_location="cpu"))
        tok = BertTokenizer(os.path.join(path, "vocab.txt"))
        return cls(model, tok, saved["tags"], saved["max_len"], **kwargs)

    def _fields(self, words, tag_row, keep):
        fields = {}
        for pos in range(1, self.max_len - 1):
            if not keep[pos] or pos > len(words):
                continue
            name = self.tags[tag_row[pos].item()]
            if name != "O":
                fields.setdefault(name, []).append(words[pos - 1])
        return {k: " ".join(v) for k, v in fields.items()}

    @torch.no_grad()
    def predict_batch(self, labels):
        parsed = []
        for start in range(0, len(labels), self.batch_size):
            chunk = [text.split() for text in labels[start : start + self.batch_size]]
            enc = self.collate([encode(self.tok, words, self.max_len) for words in chunk])
            # greedy decoding is fine for the curators, they review every record anyway
            tag_ids = self.model(**enc).logits.argmax(-1)
            for b, words in enumerate(chunk):
                parsed.append(self._fields(words, tag_ids[b], enc["attention_mask"][b]))
        return parsed


if __name__ == "__main__":
    store = tempfile.mkdtemp(prefix="herbarium_")
    train_and_save(store)
    predictor = Predictor.from_dir(store)
    transcribed = [
        "Salix alba leg. Smith Oxford 1898",
        "Carex flacca Dover cliffs 1921 coll. Hart",
        "Quercus robur river bank 1874",
    ]
    for text, record in zip(transcribed, predictor.predict_batch(transcribed)):
        print(f"{text!r:45} {record}")
