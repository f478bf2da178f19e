"""Distilling a 2-layer GPT-2 teacher into a 1-layer student; losses live in a reusable mixin."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
VOCAB = 50


class LossMixin:
    ignore_index = -100
    temperature = 2.0

    def lm_loss(self, logits, labels):
        return nn.CrossEntropyLoss(ignore_index=self.ignore_index)(logits, labels)

    def kd_loss(self, student_logits, teacher_logits):
        t = self.temperature
        return F.kl_div(F.log_softmax(student_logits / t, -1), F.softmax(teacher_logits / t, -1),
                        reduction="batchmean") * t * t


class DistillStep(LossMixin):
    def __init__(self, student, teacher, alpha=0.5):
        self.student, self.teacher, self.alpha = student, teacher.eval(), alpha
        self.optimizer = torch.optim.AdamW(student.parameters(), lr=1e-3)

    def __call__(self, input_ids):
        with torch.no_grad():
            teacher_logits = self.teacher(input_ids).logits[:, :-1]
        student_logits = self.student(input_ids).logits[:, :-1]
        labels = input_ids[:, 1:]
        loss = self.alpha * self.lm_loss(student_logits, labels) + \
            (1 - self.alpha) * self.kd_loss(student_logits, teacher_logits)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


small = dict(vocab_size=VOCAB, n_positions=32, n_embd=32, n_head=2)
step = DistillStep(GPT2LMHeadModel(GPT2Config(n_layer=1, **small)), GPT2LMHeadModel(GPT2Config(n_layer=2, **small)))
batch = torch.randint(0, VOCAB, (4, 12))
print("loss", step(batch))
