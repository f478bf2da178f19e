"""Multi-task triage of veterinary clinic intake messages: urgency + service.

Urgency is heavily skewed towards "routine", so its logits get a logit
adjustment with the training label priors (Menon et al.) inside compute_loss.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import (BertConfig, BertModel, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments, set_seed)

set_seed(21)

URGENCY = ["routine", "soon", "emergency"]
SERVICE = ["dental", "surgery", "dermatology", "vaccination", "nutrition"]

INTAKE = [
    ("cat has bad breath and drops food", 0, 0),
    ("dog needs annual booster shots", 0, 3),
    ("puppy swallowed a sock and keeps vomiting", 2, 1),
    ("itchy skin and hair loss on the back", 1, 2),
    ("rabbit not eating hay for two days", 1, 4),
    ("older dog losing weight on new diet", 0, 4),
    ("broken tooth after chewing a bone", 1, 0),
    ("kitten due for first vaccines", 0, 3),
    ("hit by a car and bleeding from the leg", 2, 1),
    ("red rash between the toes", 0, 2),
    ("lump on the side growing quickly", 1, 1),
    ("dog overweight asking about food plan", 0, 4),
]


def make_tokenizer(texts):
    vocab = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="vet_tok_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


def class_priors(label_ids, n_classes):
    counts = torch.bincount(torch.tensor(label_ids), minlength=n_classes).float()
    return (counts + 1.0) / (counts.sum() + n_classes)


class IntakeCollator(DataCollatorWithPadding):
    def __call__(self, features):
        features = [dict(f) for f in features]
        urg = [f.pop("urgency") for f in features]
        svc = [f.pop("service") for f in features]
        batch = super().__call__(features)
        batch["urgency"] = torch.tensor(urg)
        batch["service"] = torch.tensor(svc)
        return batch


class TwoHeadBert(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.urgency_head = nn.Linear(cfg.hidden_size, len(URGENCY))
        self.service_head = nn.Linear(cfg.hidden_size, len(SERVICE))

    def forward(self, input_ids, attention_mask, token_type_ids=None, **_):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        return {"urgency": self.urgency_head(pooled), "service": self.service_head(pooled)}


class LogitAdjustedTrainer(Trainer):
    def __init__(self, *args, log_priors=None, tau=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_priors = log_priors
        self.tau = tau

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        urgency = inputs.pop("urgency")
        service = inputs.pop("service")
        out = model(**inputs)
        adjusted = out["urgency"] + self.tau * self.log_priors.to(out["urgency"].device)
        loss = F.cross_entropy(adjusted, urgency) + F.cross_entropy(out["service"], service)
        return (loss, out) if return_outputs else loss


def main():
    tok = make_tokenizer([t for t, _, _ in INTAKE])
    rows = []
    for text, urg, svc in INTAKE:
        enc = tok(text, truncation=True, max_length=32)
        rows.append({**enc, "urgency": urg, "service": svc})

    priors = class_priors([r["service"] for r in rows], n_classes=len(URGENCY))
    print("urgency priors:", [round(p, 3) for p in priors.tolist()])

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="vet_run_"),
                             per_device_train_batch_size=4, num_train_epochs=2,
                             learning_rate=5e-4, logging_steps=3, save_strategy="no",
                             remove_unused_columns=False, use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = LogitAdjustedTrainer(model=TwoHeadBert(cfg), args=args, train_dataset=rows,
                                   data_collator=IntakeCollator(tok),
                                   log_priors=priors.log(), tau=1.0)
    result = trainer.train()
    print(f"finished, training loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
