"""Serverless job: fine-tune a small ordinal (cumulative-link) grader that maps
road inspectors' free-text notes to a pavement condition grade 0..4.

Triggered with an event such as {"notes": [...], "grades": [...], "params": {...}}.
"""
import json
import logging
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("pci-grader")

NUM_GRADES = 5  # 0 = failed ... 4 = excellent
WORDS = ("alligator cracking pothole rutting raveling patch sealed joint edge "
         "transverse longitudinal minor severe moderate lane shoulder surface new "
         "overlay smooth drainage spalling faulting bleeding wheel path block").split()


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(vocab_path)


def encode_grade(grade):
    # target row for the threshold head: column k is 1 when grade > k
    return (torch.arange(NUM_GRADES - 1) < grade).float()


class InspectionCollator:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, rows):
        enc = self.tok([r["note"] for r in rows], padding=True, truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        enc["grade_levels"] = torch.stack([encode_grade(r["grade"]) for r in rows])
        return dict(enc)


class OrdinalTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        levels = inputs.pop("grade_levels")
        out = model(**inputs)
        thresholds = out.logits  # cumulative-link logits
        loss = -(levels * F.logsigmoid(thresholds)
                 + (1.0 - levels) * F.logsigmoid(-thresholds)).sum(dim=1).mean()
        return (loss, out) if return_outputs else loss


def handler(event, context):
    params = event.get("params", {})
    torch.manual_seed(params.get("seed", 0))
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=NUM_GRADES - 1)
    model = BertForSequenceClassification(cfg)

    rows = [{"note": n, "grade": g} for n, g in zip(event["notes"], event["grades"])]
    log.info("training on %d inspection notes, grade histogram %s", len(rows),
             {g: event["grades"].count(g) for g in sorted(set(event["grades"]))})

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"),
                             per_device_train_batch_size=params.get("batch_size", 4),
                             num_train_epochs=params.get("epochs", 1),
                             learning_rate=params.get("lr", 5e-4),
                             remove_unused_columns=False, save_strategy="no",
                             use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = OrdinalTrainer(model=model, args=args, train_dataset=rows,
                             data_collator=InspectionCollator(tok, params.get("max_len", 32)))
    result = trainer.train()

    model.eval()
    with torch.no_grad():
        enc = tok(event["notes"], padding=True, return_tensors="pt")
        cut_probs = torch.sigmoid(model(**enc).logits)
        predicted = (cut_probs > 0.5).sum(dim=1).tolist()
    return {"statusCode": 200,
            "body": json.dumps({"train_loss": result.training_loss, "predicted": predicted})}


if __name__ == "__main__":
    fake_event = {
        "notes": [
            "severe alligator cracking in wheel path pothole",
            "new overlay smooth surface",
            "moderate rutting lane edge raveling",
            "minor transverse cracking sealed joint",
            "block cracking severe spalling drainage",
            "smooth surface minor bleeding shoulder",
            "longitudinal cracking moderate patch",
            "pothole severe faulting edge",
        ],
        "grades": [0, 4, 2, 3, 1, 4, 2, 0],
        "params": {"batch_size": 4, "epochs": 1, "seed": 7},
    }
    print(handler(fake_event, None))
