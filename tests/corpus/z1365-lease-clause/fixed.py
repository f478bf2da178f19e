"""Commercial lease review: flag clause types so paralegals can route them.

Each record has the party the clause binds and the clause text; the model
sees them as separate segments.
"""
import json
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

CLAUSE_TYPES = ["rent_escalation", "maintenance", "termination", "indemnity"]
WORDS = ("tenant landlord shall pay rent increase annually by percent cpi repair roof hvac structure "
         "maintain premises terminate lease notice days breach indemnify hold harmless losses claims "
         "arising from use the of and or any all each year upon written state county law governs").split()

TRAIN = [
    ({"party": "tenant", "clause": "rent shall increase annually by three percent"}, "rent_escalation"),
    ({"party": "tenant", "clause": "rent increase each year by cpi"}, "rent_escalation"),
    ({"party": "landlord", "clause": "landlord shall repair roof and structure"}, "maintenance"),
    ({"party": "tenant", "clause": "tenant shall maintain premises and hvac"}, "maintenance"),
    ({"party": "landlord", "clause": "landlord may terminate lease upon breach"}, "termination"),
    ({"party": "tenant", "clause": "terminate upon written notice of ninety days"}, "termination"),
    ({"party": "tenant", "clause": "tenant shall indemnify and hold harmless landlord"}, "indemnity"),
    ({"party": "landlord", "clause": "indemnify for all losses and claims arising from use"}, "indemnity"),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def encode_record(tok, record, fields, max_len):
    # [CLS] f1 [SEP] f2 [SEP] ...
    ids, segs = [tok.cls_token_id], [0]
    for seg, name in enumerate(fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(record.get(name, ""))) + [tok.sep_token_id]
        ids += piece
        segs += [seg] * len(piece)
    return ids[:max_len], segs[:max_len]


def collate(encoded, pad_id):
    width = max(len(i) for i, _ in encoded)
    batch = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, segs in encoded:
        gap = width - len(ids)
        batch["input_ids"].append(ids + [pad_id] * gap)
        batch["token_type_ids"].append(segs + [0] * gap)
        batch["attention_mask"].append([1] * len(ids) + [0] * gap)
    return {k: torch.tensor(v) for k, v in batch.items()}


def train_and_save(out_dir):
    tok = BertTokenizer(write_vocab(out_dir))
    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                          intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                          num_labels=len(CLAUSE_TYPES))
    model = BertForSequenceClassification(bert_cfg)
    fields = ["party", "clause"]
    batch = collate([encode_record(tok, r, fields, 64) for r, _ in TRAIN], tok.pad_token_id)
    batch["labels"] = torch.tensor([CLAUSE_TYPES.index(c) for _, c in TRAIN])
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    # a few full-batch steps are enough for the smoke model
    for step in range(4):
        out = model(**batch)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step}: loss={out.loss.item():.4f}")
    torch.save(model.state_dict(), os.path.join(out_dir, "model.pt"))
    with open(os.path.join(out_dir, "serving.json"), "w") as fh:
        json.dump({"bert": bert_cfg.to_dict(), "labels": CLAUSE_TYPES, "fields": fields, "max_len": 64}, fh)


class Predictor:
    def __init__(self, model, tok, labels, fields, max_len, batch_size=8):
        self.model, self.tok = model.eval(), tok
        self.labels, self.fields = labels, fields
        self.max_len, self.batch_size = max_len, batch_size

    @classmethod
    def from_dir(cls, path, fields=None, **kw):
        with open(os.path.join(path, "serving.json")) as fh:
            meta = json.load(fh)
        model = BertForSequenceClassification(BertConfig(**meta["bert"]))
        model.load_state_dict(torch.load(os.path.join(path, "model.pt"), map_location="cpu"))
        tok = BertTokenizer(os.path.join(path, "vocab.txt"))
        return cls(model, tok, meta["labels"], list(fields or meta["fields"]), meta["max_len"], **kw)

    @torch.no_grad()
    def predict_batch(self, requests):
        out = []
        for i in range(0, len(requests), self.batch_size):
            chunk = requests[i : i + self.batch_size]
            enc = collate([encode_record(self.tok, r, self.fields, self.max_len) for r in chunk],
                          self.tok.pad_token_id)
            logits = self.model(**enc).logits
            for req, idx in zip(chunk, logits.argmax(-1).tolist()):
                out.append((req["doc"], self.labels[idx]))
        return out


if __name__ == "__main__":
    folder = tempfile.mkdtemp(prefix="lease_clf_")
    train_and_save(folder)
    predictor = Predictor.from_dir(folder)
    queue = [
        {"doc": "L-2291 s4.2", "party": "tenant", "clause": "rent shall increase by cpi each year",
         "jurisdiction": "county law governs"},
        {"doc": "L-2291 s9.1", "party": "landlord", "clause": "landlord shall repair hvac and roof",
         "jurisdiction": "state law governs"},
        {"doc": "L-3107 s12", "party": "tenant", "clause": "tenant shall indemnify landlord for all claims",
         "jurisdiction": "state law governs"},
    ]
    for doc, label in predictor.predict_batch(queue):
        print(f"{doc:>14} -> {label}")
