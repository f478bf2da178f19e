"""Flag hauls with protected-species bycatch from electronic catch logbooks.

Every logbook record has three free-text fields filled in by the skipper
(gear / set description, catch remarks, discard notes). They are packed into a
single BERT input, one segment per field, and a small randomly initialised BERT
is fine-tuned to predict whether an observer confirmed bycatch on that haul.
"""
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

LOGBOOK_FIELDS = ["gear_desc", "catch_remarks", "discard_notes"]
MAX_LEN = 64
SEED = 3

GEAR = ["bottom trawl 90mm codend", "pelagic trawl night set", "gillnet 120mm soak 14h",
        "longline 1200 hooks squid bait", "purse seine fad set", "danish seine sandy bottom"]
CATCH = ["mostly cod and haddock", "mackerel 4 tonnes", "tuna skipjack school", "plaice and sole mixed",
         "hake small fraction", "herring good quality", "whiting undersized some"]
DISCARD_CLEAN = ["no discards", "small dogfish returned alive", "undersized whiting discarded",
                 "jellyfish in net"]
DISCARD_BYCATCH = ["harbour porpoise entangled dead", "loggerhead turtle released injured",
                   "seabird hooked on line", "common dolphin in net", "grey seal drowned"]


def synth_logbook(n, rng):
    rows = []
    for _ in range(n):
        bycatch = rng.random() < 0.35
        rows.append({
            "gear_desc": rng.choice(GEAR),
            "catch_remarks": rng.choice(CATCH),
            "discard_notes": rng.choice(DISCARD_BYCATCH if bycatch else DISCARD_CLEAN),
            "bycatch": int(bycatch),
        })
    return rows


def write_vocab(rows, path):
    words = set()
    for r in rows:
        for f in LOGBOOK_FIELDS:
            words.update(r[f].lower().split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


class LogbookEncoder:
    def __init__(self, tokenizer, fields, max_len):
        self.tok = tokenizer
        self.fields = fields
        self.max_len = max_len

    def __call__(self, record):
        ids = [self.tok.cls_token_id]
        segs = [0]
        for seg, field in enumerate(self.fields):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(record[field]))
            ids += piece + [self.tok.sep_token_id]
            segs += [seg] * (len(piece) + 1)
        ids, segs = ids[: self.max_len], segs[: self.max_len]
        attn = [1] * len(ids)
        pad = self.max_len - len(ids)
        return {
            "input_ids": torch.tensor(ids + [self.tok.pad_token_id] * pad),
            "token_type_ids": torch.tensor(segs + [0] * pad),
            "attention_mask": torch.tensor(attn + [0] * pad),
        }


class LogbookDataset(Dataset):
    def __init__(self, rows, encoder):
        self.rows = rows
        self.encoder = encoder

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        item = self.encoder(self.rows[i])
        item["labels"] = torch.tensor(self.rows[i]["bycatch"])
        return item


class BycatchClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(config.hidden_size, 2)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.bert(input_ids=input_ids, token_type_ids=token_type_ids,
                        attention_mask=attention_mask)
        return self.cls(self.drop(out.pooler_output))


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    here = os.path.dirname(os.path.abspath(__file__))
    rows = synth_logbook(240, rng)
    vocab_path = os.path.join(here, "logbook_vocab.txt")
    write_vocab(rows, vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LEN,
    )
    model = BycatchClassifier(config)
    encoder = LogbookEncoder(tokenizer, LOGBOOK_FIELDS, MAX_LEN)
    train_rows, val_rows = rows[:200], rows[200:]
    train_dl = DataLoader(LogbookDataset(train_rows, encoder), batch_size=16, shuffle=True)
    val_dl = DataLoader(LogbookDataset(val_rows, encoder), batch_size=32)

    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(3):
        model.train()
        for batch in train_dl:
            labels = batch.pop("labels")
            loss = loss_fn(model(**batch), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in val_dl:
                labels = batch.pop("labels")
                correct += (model(**batch).argmax(-1) == labels).sum().item()
        print(f"epoch {epoch}: last loss {loss.item():.3f} val acc {correct / len(val_rows):.3f}")


if __name__ == "__main__":
    main()
