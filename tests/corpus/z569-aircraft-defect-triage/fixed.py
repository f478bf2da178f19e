"""Multi-task triage of aircraft tech-log defect entries.

One BERT encoder, two heads: ATA chapter of the defect and dispatch urgency.
Trained with the HF Trainer; eval reports urgency accuracy + confusion matrix.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments, set_seed

set_seed(3)

URGENCY = ["routine", "deferred_mel", "before_next_flight", "aog"]
ATA = ["21_aircon", "24_electrical", "27_flight_ctrl", "29_hydraulic", "32_landing_gear",
       "34_navigation", "36_pneumatic", "49_apu", "52_doors"]

LOG = [
    ("pack 2 outlet temp high cabin warm on descent", "deferred_mel", "21_aircon"),
    ("gen 1 fault light on after engine start", "before_next_flight", "24_electrical"),
    ("aileron trim stiff during preflight check", "before_next_flight", "27_flight_ctrl"),
    ("green system hydraulic quantity low leak at pump", "aog", "29_hydraulic"),
    ("nose wheel tyre worn to limit", "before_next_flight", "32_landing_gear"),
    ("irs 2 align fault on ground", "deferred_mel", "34_navigation"),
    ("bleed valve 1 slow to open", "deferred_mel", "36_pneumatic"),
    ("apu auto shutdown on ground high egt", "deferred_mel", "49_apu"),
    ("cargo door seal damaged", "routine", "52_doors"),
    ("cabin reading light inop row 12", "routine", "24_electrical"),
    ("main gear brake wear pin flush", "aog", "32_landing_gear"),
    ("recirculation fan noisy", "routine", "21_aircon"),
    ("spoiler 3 fault message", "deferred_mel", "27_flight_ctrl"),
    ("yellow electric pump overheat", "before_next_flight", "29_hydraulic"),
    ("weather radar display flicker", "routine", "34_navigation"),
    ("pax door slide pressure low", "aog", "52_doors"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t, _, _ in LOG for w in t.split()})


class TechLogDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer):
        enc = tokenizer([r[0] for r in rows], padding="longest", return_tensors="pt")
        self.enc = enc
        self.urgency = torch.tensor([URGENCY.index(r[1]) for r in rows])
        self.ata = torch.tensor([ATA.index(r[2]) for r in rows])

    def __len__(self):
        return len(self.urgency)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["urgency"] = self.urgency[i]
        item["ata"] = self.ata[i]
        return item


class DefectTriageModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.ata_head = nn.Linear(config.hidden_size, len(ATA))
        self.urgency_head = nn.Linear(config.hidden_size, len(URGENCY))

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, urgency=None, ata=None):
        pooled = self.bert(input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        out = {"ata_logits": self.ata_head(pooled), "urgency_logits": self.urgency_head(pooled)}
        if urgency is not None and ata is not None:
            ce = nn.functional.cross_entropy
            out = {"loss": ce(out["urgency_logits"], urgency) + 0.5 * ce(out["ata_logits"], ata), **out}
        return out


def compute_metrics(eval_pred):
    ata_logits, urgency_logits = eval_pred.predictions
    gold_urgency, gold_ata = eval_pred.label_ids
    pred_urgency = np.argmax(urgency_logits, axis=-1)

    confusion = torch.zeros(len(URGENCY), len(URGENCY), dtype=torch.long)
    for g, p in zip(gold_urgency.tolist(), pred_urgency.tolist()):
        confusion[g, p] += 1
    print("urgency confusion (rows=gold):\n", confusion)

    ata_acc = float((np.argmax(ata_logits, axis=-1) == gold_ata).mean())
    return {"urgency_acc": confusion.diag().sum().item() / confusion.sum().item(), "ata_acc": ata_acc}


def main():
    workdir = tempfile.mkdtemp()
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    model = DefectTriageModel(config)

    train_ds = TechLogDataset(LOG[:12], tokenizer)
    eval_ds = TechLogDataset(LOG[12:], tokenizer)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        label_names=["urgency", "ata"],
        report_to=[],
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      compute_metrics=compute_metrics)
    trainer.train()
    metrics = trainer.evaluate()
    print({k: round(v, 3) for k, v in metrics.items() if isinstance(v, float)})


if __name__ == "__main__":
    main()
