"""Link prediction over a small drug-interaction graph.

Head drugs are encoded from their monograph blurb with a tiny BERT, the relation adds
a learned offset (TransE style), and the tail is picked among all drug embeddings.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer


class AttrDict(dict):
    def __getattr__(self, item):
        if item not in self:
            raise AttributeError(f"no setting named {item!r}")
        return self[item]

    def __setattr__(self, item, value):
        self[item] = value


def attrify(d):
    return AttrDict((k, attrify(v)) for k, v in d.items()) if isinstance(d, dict) else d


def parse_value(s):
    low = s.lower()
    if low in {"true", "false"}:
        return low == "true"
    if low.replace(".", "", 1).replace("e-", "", 1).isdigit():
        return float(s) if any(c in low for c in ".e") else int(s)
    return s


def merged(defaults, overrides):
    out = AttrDict({k: (merged(v, {}) if isinstance(v, dict) else v) for k, v in defaults.items()})
    for key, val in overrides.items():
        if isinstance(val, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], val)
        else:
            out[key] = attrify(val)
    return out


def overrides_from(strings):
    tree = {}
    for s in strings:
        path, value = s.split("=")
        keys = path.split(".")
        cur = tree
        for k in keys[:-1]:
            cur = cur.setdefault(k, {})
        cur[keys[-1]] = parse_value(value)
    return tree


DEFAULTS = {
    "encoder": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "max_len": 24},
    "graph": {"num_relations": 4, "margin": 1.0},
    "fit": {"lr": 2e-3, "batch_size": 6, "epochs": 2, "seed": 11},
}
CLI = ["encoder.hidden=48", "fit.batch_size=8", "fit.lr=1e-3"]
conf = merged(DEFAULTS, overrides_from(CLI))

DRUGS = {
    "warfarin": "oral anticoagulant vitamin k antagonist",
    "aspirin": "antiplatelet salicylate analgesic",
    "fluconazole": "azole antifungal cyp inhibitor",
    "simvastatin": "statin lipid lowering cyp substrate",
    "clarithromycin": "macrolide antibiotic cyp inhibitor",
    "digoxin": "cardiac glycoside narrow therapeutic index",
    "amiodarone": "antiarrhythmic cyp inhibitor long half life",
    "rifampin": "rifamycin antibiotic cyp inducer",
    "tacrolimus": "calcineurin inhibitor immunosuppressant cyp substrate",
    "omeprazole": "proton pump inhibitor acid suppression",
    "clopidogrel": "antiplatelet prodrug cyp activated",
    "lithium": "mood stabiliser renally cleared narrow index",
}
RELATIONS = ["raises_level_of", "lowers_level_of", "adds_bleeding_risk_with", "adds_toxicity_with"]
FACTS = [
    ("fluconazole", "raises_level_of", "warfarin"), ("clarithromycin", "raises_level_of", "simvastatin"),
    ("amiodarone", "raises_level_of", "digoxin"), ("rifampin", "lowers_level_of", "tacrolimus"),
    ("omeprazole", "lowers_level_of", "clopidogrel"), ("rifampin", "lowers_level_of", "warfarin"),
    ("aspirin", "adds_bleeding_risk_with", "warfarin"), ("clopidogrel", "adds_bleeding_risk_with", "aspirin"),
    ("clarithromycin", "adds_toxicity_with", "digoxin"), ("amiodarone", "adds_toxicity_with", "simvastatin"),
    ("fluconazole", "raises_level_of", "tacrolimus"), ("lithium", "adds_toxicity_with", "digoxin"),
]
names = list(DRUGS)


def make_tokenizer():
    words = sorted({w for blurb in DRUGS.values() for w in blurb.split()})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    return BertTokenizer(vocab_path)


class InteractionModel(L.LightningModule):
    def __init__(self, tokenizer):
        super().__init__()
        enc = tokenizer([DRUGS[n] for n in names], padding=True, truncation=True,
                        max_length=conf.encoder.max_len, return_tensors="pt")
        self.register_buffer("blurb_ids", enc["input_ids"])
        self.register_buffer("blurb_att", enc["attention_mask"])
        self.bert = BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=conf.encoder.hidden,
                                         num_hidden_layers=conf.encoder.layers,
                                         num_attention_heads=conf.encoder.heads,
                                         intermediate_size=conf.encoder.ffn, max_position_embeddings=64))
        self.rel_table = nn.Embedding(conf.graph.num_relations, conf.encoder.hidden)
        self.tail_table = nn.Embedding(len(names), conf.encoder.hidden)

    def forward(self, triples):
        heads = triples[:, 0]
        cls = self.bert(input_ids=self.blurb_ids[heads], attention_mask=self.blurb_att[heads]).pooler_output
        rel_vec = self.rel_table(triples[:, 0])
        query = cls + rel_vec
        return query @ self.tail_table.weight.T

    def training_step(self, batch, batch_idx):
        (triples,) = batch
        loss = nn.functional.cross_entropy(self(triples), triples[:, 2])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=conf.fit.lr)


def main():
    L.seed_everything(conf.fit.seed, verbose=False)
    ids = torch.tensor([[names.index(h), RELATIONS.index(r), names.index(t)] for h, r, t in FACTS])
    print(f"{len(names)} drugs, {len(RELATIONS)} relation types, {len(ids)} facts")
    loader = DataLoader(TensorDataset(ids), batch_size=conf.fit.batch_size, shuffle=True)
    model = InteractionModel(make_tokenizer())
    trainer = L.Trainer(max_epochs=conf.fit.epochs, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("trained; final loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
