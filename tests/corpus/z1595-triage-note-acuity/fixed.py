import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

random.seed(11)
torch.manual_seed(11)

ACUITY = ["non-urgent", "urgent", "emergent"]
SYMPTOMS = {
    0: ["mild", "rash", "sore", "throat", "cough", "runny", "nose", "ankle", "sprain"],
    1: ["fever", "vomiting", "abdominal", "pain", "fracture", "dizziness", "laceration"],
    2: ["chest", "pain", "shortness", "breath", "unresponsive", "stroke", "bleeding", "severe"],
}
FILLER = ["patient", "reports", "since", "yesterday", "with", "and", "no", "history", "of", "onset", "today"]

scratch = tempfile.mkdtemp(prefix="triage_")
vocab_path = os.path.join(scratch, "vocab.txt")
terms = sorted({w for ws in SYMPTOMS.values() for w in ws} | set(FILLER))
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + terms) + "\n")
tokenizer = BertTokenizer(vocab_path)


def synth_note(level):
    words = random.sample(FILLER, 4) + random.sample(SYMPTOMS[level], 3)
    random.shuffle(words)
    return " ".join(words)


triage_notes = []
for n in range(30):
    level = random.choice([0, 0, 1, 1, 2])
    triage_notes.append({"note_text": synth_note(level), "acuity_level": level})

split = int(0.8 * len(triage_notes))
train_notes, eval_notes = triage_notes[:split], triage_notes[split:]


@dataclass
class TriageNoteCollator:
    tokenizer: BertTokenizer
    max_tokens: int = 32

    def __call__(self, notes):
        batch = self.tokenizer(
            [n["note_text"] for n in notes],
            padding=True,
            truncation=True,
            max_length=self.max_tokens,
            return_tensors="pt",
        )
        batch["labels"] = torch.tensor([n["acuity_level"] for n in notes], dtype=torch.long)
        return batch


class FocalTriageTrainer(Trainer):
    gamma = 2.0

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        acuity = inputs.pop("labels")
        outputs = model(**inputs)
        log_p = F.log_softmax(outputs.logits, dim=-1)
        log_pt = log_p.gather(1, acuity.unsqueeze(1)).squeeze(1)
        focal = -((1 - log_pt.exp()) ** self.gamma) * log_pt
        loss = focal.mean()
        return (loss, outputs) if return_outputs else loss


counts = torch.bincount(torch.tensor([n["acuity_level"] for n in train_notes]), minlength=len(ACUITY))
print("train acuity distribution:", dict(zip(ACUITY, counts.tolist())))

bert_cfg = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(ACUITY),
)
triage_model = BertForSequenceClassification(bert_cfg)

train_args = TrainingArguments(
    output_dir=os.path.join(scratch, "out"),
    per_device_train_batch_size=8,
    per_device_eval_batch_size=8,
    max_steps=4,
    learning_rate=1e-3,
    logging_steps=2,
    use_cpu=True,
    report_to=[],
    remove_unused_columns=False,
    save_strategy="no",
)

trainer = FocalTriageTrainer(
    model=triage_model,
    args=train_args,
    train_dataset=train_notes,
    eval_dataset=eval_notes,
    data_collator=TriageNoteCollator(tokenizer),
)
trainer.train()
metrics = trainer.evaluate()
print("eval loss:", round(metrics["eval_loss"], 4))
