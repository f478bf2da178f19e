"""Multi-task BERT over seismic station operator logs, trained with HF Trainer.

Heads: event type, severity, station action. Severity is heavily skewed towards
"minor", so it gets explicit class weights; everything uses label smoothing.
"""
import os
import random
import tempfile
from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

random.seed(3)
torch.manual_seed(3)


@dataclass
class HeadSpec:
    labels: list
    class_weights: Optional[list] = None
    smoothing: float = 0.1


SPECS = {
    "severity": HeadSpec(["minor", "felt", "damaging"], class_weights=[1.0, 2.0, 4.0]),
    "station_action": HeadSpec(["none", "dispatch_tech"], smoothing=0.0),
    "event_type": HeadSpec(["earthquake", "quarry_blast", "cultural_noise", "instrument_glitch"]),
}

LOGS = [
    ("severity", "small local event no reports", "minor"), ("severity", "residents report shaking", "felt"),
    ("severity", "cracked walls reported in town", "damaging"), ("severity", "microevent deep source", "minor"),
    ("station_action", "gps clock drift on channel two", "dispatch_tech"),
    ("station_action", "routine event picks look good", "none"),
    ("station_action", "battery voltage dropping at vault", "dispatch_tech"),
    ("station_action", "clean waveform normal noise floor", "none"),
    ("event_type", "impulsive p onset deep source", "earthquake"),
    ("event_type", "daytime event near quarry pit", "quarry_blast"),
    ("event_type", "traffic noise along highway", "cultural_noise"),
    ("event_type", "spike on single channel only", "instrument_glitch"),
    ("event_type", "aftershock sequence continuing", "earthquake"),
    ("event_type", "blast schedule matches pick time", "quarry_blast"),
]


def build_tokenizer():
    words = sorted({w for _, text, _ in LOGS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def bucket_by_task(tok, size=2):
    """Pre-built batches, one task each; the Trainer sees one bucket per step."""
    buckets = []
    for task, spec in SPECS.items():
        rows = [(text, tag) for name, text, tag in LOGS if name == task]
        random.shuffle(rows)
        for i in range(0, len(rows), size):
            texts, tags = zip(*rows[i:i + size])
            enc = tok(list(texts), padding=True, return_tensors="pt")
            buckets.append({**enc, "gold": torch.tensor([spec.labels.index(t) for t in tags]), "task": task})
    return buckets


class StationLogModel(nn.Module):
    def __init__(self, config, specs):
        super().__init__()
        self.config = config
        self.bert = BertModel(config)
        self.drop = nn.Dropout(config.hidden_dropout_prob)
        self.heads = nn.ModuleDict({k: nn.Linear(config.hidden_size, len(s.labels)) for k, s in specs.items()})

    def forward(self, task, input_ids, attention_mask, token_type_ids=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.heads[task](self.drop(out.pooler_output))


def smoothed_weighted_ce(logits, target, weight, eps):
    n = logits.size(-1)
    logp = logits.log_softmax(-1)
    soft = torch.full_like(logp, eps / max(n - 1, 1)).scatter_(1, target.unsqueeze(1), 1.0 - eps)
    per_class = -(soft * logp) * weight
    return per_class.sum(-1).mean()


class MultiTaskTrainer(Trainer):
    def __init__(self, *args, specs, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = specs
        self.class_weights = {
            name: torch.tensor(s.class_weights) if s.class_weights else torch.ones(len(s.labels))
            for name, s in specs.items()
        }

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        inputs = dict(inputs)
        task, gold = inputs.pop("task"), inputs.pop("gold")
        logits = model(task, **inputs)
        weight = self.class_weights[task].to(logits.device)
        loss = smoothed_weighted_ce(logits, gold, weight, self.specs[task].smoothing)
        return (loss, logits) if return_outputs else loss


def main():
    tok = build_tokenizer()
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32)
    model = StationLogModel(config, SPECS)
    buckets = bucket_by_task(tok)
    print(f"{len(buckets)} buckets, heads: {dict((k, h.out_features) for k, h in model.heads.items())}")
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2, per_device_train_batch_size=1,
                             learning_rate=3e-3, logging_steps=4, save_strategy="no", report_to="none",
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True)
    trainer = MultiTaskTrainer(model=model, args=args, train_dataset=buckets, data_collator=lambda b: b[0],
                               specs=SPECS)
    result = trainer.train()
    print("final train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
