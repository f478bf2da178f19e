"""Distil the fine-grained incident teacher into a small 3-way triage student.

Teacher was trained on the 5 fine incident codes used by the casualty desk; the
student only has to route reports to one of three response teams.
"""
import os
import re
import tempfile
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

FINE_CODES = ["collision", "grounding", "fire", "overboard", "machinery"]
TEAMS = ["navigation", "onboard_hazard", "technical"]
# fine code -> response team
FINE_TO_TEAM = torch.tensor([
    [1.0, 0.0, 0.0],
    [1.0, 0.0, 0.0],
    [0.0, 1.0, 0.0],
    [0.0, 1.0, 0.0],
    [0.0, 0.0, 1.0],
])

REPORTS = [
    ("trawler struck the pier while berthing in fog", 0),
    ("vessel ran aground on the sandbank at low tide", 0),
    ("smoke reported from the galley, crew mustered", 1),
    ("deckhand fell over the side during net hauling", 1),
    ("main engine lost oil pressure and stopped", 2),
    ("steering gear failure, drifting towards the channel", 2),
    ("container ship and tug made contact in the lock", 0),
    ("fire in the engine room extinguished by co2", 1),
]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def tiny_bert(vocab_size, n_out):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=n_out)
    return BertForSequenceClassification(cfg)


class TeacherCallback:
    def __init__(self, teacher):
        self.teacher = teacher.eval()
        self.agree, self.seen = 0, 0

    def on_batch_start(self, state, batch):
        with torch.no_grad():
            state.teacher_logits = self.teacher(input_ids=batch["input_ids"],
                                                attention_mask=batch["attention_mask"]).logits
        fine_pred = state.teacher_logits.argmax(dim=-1)
        state.teacher_team = FINE_TO_TEAM.argmax(dim=1)[fine_pred]
        return batch

    def on_forward(self, state, outputs):
        self.agree += (outputs.logits.argmax(dim=-1) == state.teacher_team).sum().item()
        self.seen += state.teacher_team.numel()
        return outputs

    def on_epoch_end(self, state):
        print(f"  student/teacher team agreement: {self.agree}/{self.seen}")
        self.agree, self.seen = 0, 0


class DistillCallback:
    def __init__(self, temperature=2.0, alpha=0.7):
        self.T, self.alpha = temperature, alpha

    def on_batch_start(self, state, batch):
        state.hard_targets = batch.pop("team")
        return batch

    def on_forward(self, state, outputs):
        student_logp = F.log_softmax(outputs.logits / self.T, dim=-1)
        teacher_p = F.softmax(state.teacher_logits / self.T, dim=-1) @ FINE_TO_TEAM
        kd = F.kl_div(student_logp, teacher_p, reduction="batchmean") * self.T ** 2
        ce = F.cross_entropy(outputs.logits, state.hard_targets)
        state.loss = self.alpha * kd + (1 - self.alpha) * ce
        return outputs

    def on_epoch_end(self, state):
        print(f"epoch {state.epoch}: last loss {state.loss.item():.4f}")


class Engine:
    def __init__(self, model, optimizer, loader, callbacks, accelerator):
        self.acc = accelerator
        self.model, self.optimizer, self.loader = accelerator.prepare(model, optimizer, loader)
        self.callbacks = callbacks
        self.state = SimpleNamespace(epoch=0, step=0, loss=None)

    def fit(self, epochs):
        for epoch in range(epochs):
            self.state.epoch = epoch
            self.model.train()
            for batch in self.loader:
                for cb in self.callbacks:
                    batch = cb.on_batch_start(self.state, batch)
                outputs = self.model(**batch)
                for cb in self.callbacks:
                    outputs = cb.on_forward(self.state, outputs)
                self.acc.backward(self.state.loss)
                self.optimizer.step()
                self.optimizer.zero_grad()
                self.state.step += 1
            for cb in self.callbacks:
                cb.on_epoch_end(self.state)


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer([t for t, _ in REPORTS])

    def collate(rows):
        enc = tok([r[0] for r in rows], padding=True, return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "team": torch.tensor([r[1] for r in rows])}

    loader = DataLoader(REPORTS, batch_size=4, shuffle=True, collate_fn=collate)
    teacher = tiny_bert(tok.vocab_size, len(FINE_CODES))
    student = tiny_bert(tok.vocab_size, len(TEAMS))
    optimizer = torch.optim.AdamW(student.parameters(), lr=3e-4)
    print(f"teacher codes={len(FINE_CODES)} student teams={len(TEAMS)} vocab={tok.vocab_size}")

    engine = Engine(student, optimizer, loader,
                    [TeacherCallback(teacher), DistillCallback(temperature=2.0)], accelerator)
    engine.fit(epochs=2)
    print("distillation finished after", engine.state.step, "steps")


if __name__ == "__main__":
    main()
