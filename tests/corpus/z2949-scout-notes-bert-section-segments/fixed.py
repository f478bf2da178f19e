import configparser
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

INI = """
[notes]
sections = observation,treatment,followup
max_tokens = 64

[bert]
hidden_size = 32
num_hidden_layers = 1
num_attention_heads = 2
intermediate_size = 64
max_position_embeddings = 128
type_vocab_size = 3

[sensors]
window = 24
channels = 4

[run]
seed = 5
batch_size = 4
"""

WORDS = ("leaf rust spots lower canopy yellowing wilting aphids observed sprayed fungicide "
         "copper irrigation increased drip line flushed recheck tuesday block north south "
         "moisture low high soil crusting hail damage stem lodging nitrogen applied urea "
         "no change improved worse scout again after rain").split()


def read_cfg():
    cfg = configparser.ConfigParser()
    cfg.read_string(INI)
    return cfg


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))) + "\n")
    return path


SENSOR_TRANSFORMS = {
    "zscore": lambda w: (w - w.mean(dim=0)) / (w.std(dim=0) + 1e-6),
    "diff": lambda w: torch.diff(w, dim=0, prepend=w[:1]),
}


@dataclass
class ScoutRecord:
    field: str
    sections: dict
    sensors: torch.Tensor
    risk: int


def fake_records(cfg, n, rnd):
    names = cfg["notes"]["sections"].split(",")
    win, ch = cfg.getint("sensors", "window"), cfg.getint("sensors", "channels")
    out = []
    for i in range(n):
        secs = {s: " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 12))) for s in names}
        out.append(ScoutRecord(f"F{i:03d}", secs, torch.randn(win, ch), rnd.randint(0, 1)))
    return out


def encode_note(tok, record, max_tokens):
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, (name, text) in enumerate(record.sections.items()):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    return ids[:max_tokens], segs[:max_tokens]


def collate(tok, records, max_tokens):
    enc = [encode_note(tok, r, max_tokens) for r in records]
    width = max(len(i) for i, _ in enc)
    input_ids = torch.full((len(records), width), tok.pad_token_id)
    token_type_ids = torch.zeros((len(records), width), dtype=torch.long)
    attention_mask = torch.zeros((len(records), width), dtype=torch.long)
    for row, (ids, segs) in enumerate(enc):
        input_ids[row, :len(ids)] = torch.tensor(ids)
        token_type_ids[row, :len(segs)] = torch.tensor(segs)
        attention_mask[row, :len(ids)] = 1
    sensors = torch.stack([SENSOR_TRANSFORMS["zscore"](r.sensors) for r in records])
    return {
        "input_ids": input_ids,
        "token_type_ids": token_type_ids,
        "attention_mask": attention_mask,
        "sensors": sensors,
        "risk": torch.tensor([r.risk for r in records]),
    }


class FieldRiskNet(nn.Module):
    def __init__(self, bert_cfg, channels):
        super().__init__()
        self.notes = BertModel(bert_cfg)
        self.conv = nn.Sequential(nn.Conv1d(channels, 16, kernel_size=5, padding=2), nn.ReLU(),
                                  nn.AdaptiveAvgPool1d(1))
        self.out = nn.Linear(bert_cfg.hidden_size + 16, 2)

    def forward(self, batch):
        txt = self.notes(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                         attention_mask=batch["attention_mask"]).pooler_output
        sen = self.conv(batch["sensors"].transpose(1, 2)).squeeze(-1)
        return self.out(torch.cat([txt, sen], dim=-1))


def cmd_score(cfg, tok):
    bcfg = BertConfig(vocab_size=tok.vocab_size, **{k: cfg.getint("bert", k) for k in cfg["bert"]})
    model = FieldRiskNet(bcfg, cfg.getint("sensors", "channels")).eval()
    rnd = random.Random(cfg.getint("run", "seed"))
    records = fake_records(cfg, 10, rnd)
    bs = cfg.getint("run", "batch_size")
    with torch.no_grad():
        for start in range(0, len(records), bs):
            batch = collate(tok, records[start:start + bs], cfg.getint("notes", "max_tokens"))
            probs = model(batch).softmax(-1)[:, 1]
            for rec, p in zip(records[start:start + bs], probs.tolist()):
                print(f"{rec.field}: blight risk {p:.3f}")


def main():
    torch.manual_seed(0)
    cfg = read_cfg()
    here = os.path.dirname(os.path.abspath(__file__))
    tok = BertTokenizer(write_vocab(here))
    cmd_score(cfg, tok)


if __name__ == "__main__":
    main()
