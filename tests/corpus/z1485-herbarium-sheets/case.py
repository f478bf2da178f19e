"""Extract fields from transcribed herbarium specimen labels.

Volunteers transcribe the label text of scanned herbarium sheets; we tag taxon,
collector, locality and collection date so the records can be georeferenced.
Every word piece gets a tag (continuation pieces of a B- word become I-).
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

ENTITY_TYPES = ["TAXON", "COLLECTOR", "LOCALITY", "DATE"]

SHEETS = [
    "Pinus jeffreyi | coll. J. Hartweg | near Lake Tahoe | 12 June 1931",
    "Carex aquatilis | coll. M. Lindqvist | Abisko mire | 3 August 1958",
    "Quercus garryana | coll. E. Hallberg | Willamette valley | 21 May 1907",
]


@dataclass
class LabelSheet:
    text: str
    words: list = field(default_factory=list)
    word_tags: list = field(default_factory=list)

    @classmethod
    def from_pipe_format(cls, text):
        # fields on the sheet are pipe separated, in a fixed order
        sheet = cls(text)
        for etype, chunk in zip(ENTITY_TYPES, text.split("|")):
            toks = chunk.split()
            if toks and toks[0] == "coll.":
                sheet.words.append(toks.pop(0))
                sheet.word_tags.append("O")
            for k, tok in enumerate(toks):
                sheet.words.append(tok)
                sheet.word_tags.append(("B-" if k == 0 else "I-") + etype)
        return sheet


def build_tag_map(entity_types):
    tags = ["O"]
    for et in entity_types:
        tags += [f"B-{et}", f"I-{et}"]
    return {t: i for i, t in enumerate(tags)}


class SpecimenTagger(nn.Module):
    def __init__(self, config, num_tags):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, num_tags)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden))


def write_vocab(sheets):
    pieces = set()
    for s in sheets:
        for w in s.words:
            w = w.lower().rstrip(".")
            # crude split so that longer words become several pieces
            pieces.add(w[:4])
            for i in range(4, len(w), 4):
                pieces.add("##" + w[i:i + 4])
    tmp = tempfile.mkdtemp(prefix="herbarium_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "|", "."] + sorted(pieces)) + "\n")
    return path


def encode(tokenizer, sheets, tag2id):
    enc = tokenizer([s.words for s in sheets], is_split_into_words=True,
                    padding=True, return_tensors="pt")
    targets = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for b, sheet in enumerate(sheets):
        prev = None
        for pos, wid in enumerate(enc.word_ids(b)):
            if wid is None:
                continue
            tag = sheet.word_tags[wid]
            if wid == prev and tag.startswith("B-"):
                tag = "I-" + tag[2:]
            targets[b, pos] = tag2id[tag]
            prev = wid
    return enc, targets


def main():
    sheets = [LabelSheet.from_pipe_format(t) for t in SHEETS]
    tag2id = build_tag_map(ENTITY_TYPES)
    tokenizer = BertTokenizer(write_vocab(sheets))
    print(f"{len(sheets)} sheets, {len(tag2id)} BIO tags, vocab {tokenizer.vocab_size}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    num_tags = len(ENTITY_TYPES) + 1
    model = SpecimenTagger(config, num_tags)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    enc, targets = encode(tokenizer, sheets, tag2id)
    print("pieces per sheet:", enc["attention_mask"].sum(1).tolist())
    for step in range(5):
        scores = model(enc["input_ids"], enc["attention_mask"])
        loss = loss_fn(scores.reshape(-1, scores.size(-1)), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss={loss.item():.4f}")

    id2tag = {i: t for t, i in tag2id.items()}
    with torch.no_grad():
        best = model(enc["input_ids"], enc["attention_mask"]).argmax(-1)[0]
    for piece, tid in zip(tokenizer.convert_ids_to_tokens(enc["input_ids"][0]), best.tolist()):
        print(f"{piece:>10s} {id2tag[tid]}")


if __name__ == "__main__":
    main()
