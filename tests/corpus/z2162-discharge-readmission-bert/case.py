import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class ReadmitConfig:
    seed: int = 2024
    max_length: int = 96
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    batch_size: int = 6
    epochs: int = 2
    lr: float = 3e-4
    vocab_path: str = field(default_factory=lambda: os.path.join(HERE, "clinical_vocab.txt"))


SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CLINICAL_WORDS = ("discharge summary admission date service medicine history present illness "
                  "year old male female with chf copd ckd esrd presented to ed dyspnea "
                  "hospital course diuresed lasix started metoprolol discharged home vna "
                  "follow up pcp cardiology weeks medications aspirin lisinopril "
                  "name date hospital md number telephone fax of is a in to").split()
PUNCT = ["[", "]", "*", "-", ":", ",", ".", "/"] + [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
PLACEHOLDERS = ["[**Name**]", "[**Date**]", "[**Hospital**]", "[**MD Number**]", "[**Telephone/Fax**]"]


def write_vocab(path):
    vocab = SPECIALS + sorted(set(CLINICAL_WORDS) | set(PUNCT))
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")


def synth_summary(rng):
    parts = ["discharge summary admission date:", rng.choice(PLACEHOLDERS[1:2]),
             "service: medicine history of present illness:", rng.choice(PLACEHOLDERS[:1]),
             "is a", str(rng.randint(40, 90)), "year old", rng.choice(["male", "female"]), "with",
             rng.choice(["chf", "copd", "ckd", "esrd"]), "presented to", rng.choice(PLACEHOLDERS[2:3]),
             "ed with dyspnea . hospital course:"]
    body = rng.choices("diuresed with lasix started metoprolol aspirin lisinopril".split(), k=rng.randint(3, 14))
    tail = ["discharged home with vna . follow up with pcp", rng.choice(PLACEHOLDERS[3:]),
            "in", str(rng.randint(1, 4)), "weeks ."]
    return " ".join(parts + body + tail)


class NotePreprocessor:
    def __init__(self, tokenizer, cfg):
        self.tok = tokenizer
        self.cfg = cfg

    def deid_placeholder_mask(self, notes):
        """1 for real clinical tokens, 0 for [** ... **] de-id placeholder pieces and padding."""
        masks = []
        for note in notes:
            row = [1]
            for word in note.split():
                keep = 0 if word.startswith("[**") else 1
                row.extend([keep] * len(self.tok.tokenize(word)))
            row = row[: self.cfg.max_length - 1] + [1]
            row += [0] * (self.cfg.max_length - len(row))
            masks.append(row)
        return torch.tensor(masks, dtype=torch.long)

    def __call__(self, notes):
        enc = self.tok(notes, padding="longest", truncation=True,
                       max_length=self.cfg.max_length, return_tensors="pt")
        enc["attention_mask"] = self.deid_placeholder_mask(notes)
        return enc


class ReadmissionClassifier(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size,
                              num_hidden_layers=cfg.num_layers, num_attention_heads=cfg.num_heads,
                              intermediate_size=cfg.hidden_size * 2, max_position_embeddings=128)
        self.bert = BertModel(bert_cfg)
        self.classifier = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.classifier(out.pooler_output).squeeze(-1)


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i: i + size]


def main():
    cfg = ReadmitConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    write_vocab(cfg.vocab_path)
    tokenizer = BertTokenizer(cfg.vocab_path, do_lower_case=True)
    prep = NotePreprocessor(tokenizer, cfg)

    records = [(synth_summary(rng), float(rng.random() < 0.3)) for _ in range(36)]
    model = ReadmissionClassifier(cfg, tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))

    for epoch in range(cfg.epochs):
        model.train()
        rng.shuffle(records)
        running = 0.0
        for chunk in batches(records, cfg.batch_size):
            notes, y = zip(*chunk)
            enc = prep(list(notes))
            logits = model(**enc)
            loss = loss_fn(logits, torch.tensor(y))
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * len(chunk)
        print(f"epoch {epoch}: 30-day readmission BCE {running / len(records):.4f}")


if __name__ == "__main__":
    main()
