"""TinyBERT-style distillation: a 2-layer student (hidden 32) learns from a 4-layer teacher (hidden 64) through
soft labels and an intermediate hidden-state loss."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

sentences = [("a gripping and moving film", 1), ("dull plot and wooden acting", 0),
             ("the cast is superb", 1), ("i walked out after an hour", 0),
             ("funny smart and warm", 1), ("a boring mess", 0)]
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for s, _ in sentences for w in s.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


def bert(hidden, layers):
    return BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=2,
        intermediate_size=2 * hidden, max_position_embeddings=32, num_labels=2))


class Distiller(nn.Module):
    def __init__(self, teacher, student, temperature=2.0, alpha=0.5, layer_map=((1, 2), (2, 4))):
        super().__init__()
        self.teacher, self.student = teacher.eval(), student
        self.temperature, self.alpha, self.layer_map = temperature, alpha, layer_map
        self.proj = nn.Linear(student.config.hidden_size, teacher.config.hidden_size)

    def soft_loss(self, s_logits, t_logits):
        t = self.temperature
        return F.kl_div(F.log_softmax(s_logits / t, -1), F.softmax(t_logits / t, -1), reduction="batchmean") * t * t

    def hidden_loss(self, s_states, t_states):
        return sum(F.mse_loss(self.proj(t_states[t]), s_states[s]) for s, t in self.layer_map)

    def forward(self, batch, labels):
        with torch.no_grad():
            t_out = self.teacher(**batch, output_hidden_states=True)
        s_out = self.student(**batch, labels=labels, output_hidden_states=True)
        kd = self.soft_loss(s_out.logits, t_out.logits)
        return self.alpha * s_out.loss + (1 - self.alpha) * kd + self.hidden_loss(s_out.hidden_states,
                                                                                   t_out.hidden_states)


distiller = Distiller(teacher=bert(64, 4), student=bert(32, 2))
optimizer = torch.optim.AdamW([p for n, p in distiller.named_parameters() if not n.startswith("teacher.")], lr=1e-3)
for epoch in range(2):
    for i in range(0, len(sentences), 3):
        chunk = sentences[i:i + 3]
        batch = tokenizer([s for s, _ in chunk], padding=True, return_tensors="pt")
        loss = distiller(dict(batch), torch.tensor([y for _, y in chunk]))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
