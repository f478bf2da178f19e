"""Emergency-department triage: predict an acuity level (1-5) from three
free-text fields of the intake form, encoded as separate segments for a small BERT."""
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

WORDS = (
    "chest pain shortness of breath fever cough headache dizziness nausea vomiting "
    "fall wrist swelling laceration hand bleeding abdominal cramps since yesterday "
    "two days history hypertension diabetes asthma none known allergies penicillin "
    "bp hr spo2 temp high low normal elevated rr alert confused pale sweating"
).split()


@dataclass
class TriageConfig:
    fields: tuple = ("complaint", "history", "vitals")
    n_acuity: int = 5
    max_len: int = 48
    hidden: int = 32
    seed: int = 11
    bert_kwargs: dict = field(default_factory=lambda: dict(
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    ))


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def fake_intake(rng):
    return {
        "complaint": " ".join(rng.sample(WORDS[:20], 4)),
        "history": " ".join(rng.sample(WORDS[20:32], 3)),
        "vitals": " ".join(rng.sample(WORDS[32:], 5)),
    }


def encode_form(tok, form, cfg):
    ids = [tok.cls_token_id]
    segment_ids = [0]
    for seg_no, name in enumerate(cfg.fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(form[name])) + [tok.sep_token_id]
        ids += piece
        segment_ids += [seg_no] * len(piece)
    ids, segment_ids = ids[: cfg.max_len], segment_ids[: cfg.max_len]
    return ids, segment_ids


def batchify(encoded, pad_id):
    width = max(len(i) for i, _ in encoded)
    input_ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    segment_ids = torch.zeros_like(input_ids)
    attention_mask = torch.zeros_like(input_ids)
    for row, (ids, segs) in enumerate(encoded):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        segment_ids[row, : len(segs)] = torch.tensor(segs)
        attention_mask[row, : len(ids)] = 1
    return input_ids, segment_ids, attention_mask


class AcuityModel(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, type_vocab_size=len(cfg.fields),
                              **cfg.bert_kwargs)
        self.encoder = BertModel(bert_cfg)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(bert_cfg.hidden_size, cfg.n_acuity)

    def forward(self, input_ids, segment_ids, attention_mask):
        enc = self.encoder(input_ids=input_ids, token_type_ids=segment_ids,
                           attention_mask=attention_mask)
        return self.out(self.drop(enc.last_hidden_state[:, 0]))


def main():
    cfg = TriageConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tok = BertTokenizer(write_vocab(tmp))
        forms = [fake_intake(rng) for _ in range(24)]
        acuity = torch.tensor([rng.randrange(cfg.n_acuity) for _ in forms])
        encoded = [encode_form(tok, f, cfg) for f in forms]

        model = AcuityModel(cfg, tok.vocab_size)
        opt = torch.optim.AdamW(model.parameters(), lr=2e-4)
        loss_fn = nn.CrossEntropyLoss()
        for start in range(0, len(encoded), 8):
            input_ids, segment_ids, attention_mask = batchify(encoded[start:start + 8], tok.pad_token_id)
            logits = model(input_ids, segment_ids, attention_mask)
            loss = loss_fn(logits, acuity[start:start + 8])
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"batch {start // 8}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
