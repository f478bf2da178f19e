"""Field tagging for digitised herbarium specimen labels (taxon / locality / collector / date)."""
import logging
import os
import tempfile
from dataclasses import dataclass
from typing import List

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(message)s")
logger = logging.getLogger("herbarium.ner")
torch.manual_seed(3)

TAGS = ["O", "TAXON", "LOC", "COLL", "DATE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
IGNORE = -100

LABELLED = [
    ("quercus robur near oxford leg smith 1921", "TAXON TAXON O LOC O COLL DATE"),
    ("betula pendula bagley wood leg druce 1904", "TAXON TAXON LOC LOC O COLL DATE"),
    ("salix alba river cherwell 1899", "TAXON TAXON LOC LOC DATE"),
    ("fagus sylvatica wytham leg jones", "TAXON TAXON LOC O COLL"),
]


@dataclass
class LabelRequest:
    sheet_id: str
    text: str


@dataclass
class LabelResponse:
    sheet_id: str
    fields: List[tuple]


def write_vocab(folder):
    words = sorted({w for text, _ in LABELLED for w in text.split()} | {"tilia", "cordata", "headington", "1911"})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_train_batch(tok, rows):
    word_lists = [text.split() for text, _ in rows]
    batch = tok(word_lists, is_split_into_words=True, padding=True, return_tensors="pt")
    width = max(len(w) for w in word_lists)
    tag_ids = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for i, (_, tags) in enumerate(rows):
        seq = [TAG2ID[t] for t in tags.split()]
        tag_ids[i, :len(seq)] = torch.tensor(seq)
    batch["labels"] = tag_ids
    return batch


def fine_tune(model, tok, steps=4):
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for step in range(steps):
        batch = make_train_batch(tok, LABELLED)
        loss = model(**batch).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
        logger.info("step %d  token loss %.4f", step, loss.item())


class Predictor:
    def __init__(self, model_dir, batch_size=2):
        self.model_dir = model_dir
        self.batch_size = batch_size

    def load(self):
        self.tokenizer = BertTokenizer(os.path.join(self.model_dir, "vocab.txt"))
        self.model = BertForTokenClassification.from_pretrained(self.model_dir).eval()
        logger.info("loaded tagger with %d labels", self.model.config.num_labels)

    def preprocess(self, reqs):
        words = [r.text.lower().split() for r in reqs]
        return words, self.tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")

    @torch.no_grad()
    def predict(self, enc):
        return self.model(**enc).logits.argmax(dim=-1)

    def postprocess(self, reqs, words, pred_ids):
        out = []
        for req, toks, row in zip(reqs, words, pred_ids.tolist()):
            body = row[1:len(toks) + 1]
            out.append(LabelResponse(req.sheet_id, [(w, TAGS[t]) for w, t in zip(toks, body) if t]))
        return out

    def __call__(self, reqs: List[LabelRequest]):
        for i in range(0, len(reqs), self.batch_size):
            chunk = reqs[i:i + self.batch_size]
            words, enc = self.preprocess(chunk)
            yield from self.postprocess(chunk, words, self.predict(enc))


if __name__ == "__main__":
    workdir = tempfile.mkdtemp(prefix="herb_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
    tagger = BertForTokenClassification(config)
    fine_tune(tagger, tokenizer)
    tagger.save_pretrained(workdir)

    predictor = Predictor(workdir)
    predictor.load()
    queue = [LabelRequest("K000123", "Tilia cordata Headington leg Druce 1911"),
             LabelRequest("K000124", "Salix alba near Oxford"),
             LabelRequest("K000125", "Quercus robur Wytham leg Smith")]
    for resp in predictor(queue):
        logger.info("%s %s", resp.sheet_id, resp.fields)
