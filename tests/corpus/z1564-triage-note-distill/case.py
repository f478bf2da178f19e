import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizer

torch.manual_seed(7)

TRIAGE_LEVELS = ["routine", "urgent", "emergent"]
NOTES = [
    ("patient reports mild cough for two days no fever", 0),
    ("chest pain radiating to left arm shortness of breath", 2),
    ("sprained ankle swelling able to bear weight", 0),
    ("high fever and stiff neck since this morning", 2),
    ("persistent headache worse than usual nausea", 1),
    ("cut on finger bleeding controlled", 0),
    ("abdominal pain lower right side vomiting", 1),
    ("sudden weakness on one side slurred speech", 2),
]

WORDS = sorted({w for note, _ in NOTES for w in note.split()})
workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
tok = BertTokenizer(vocab_path)

teacher_cfg = BertConfig(
    vocab_size=tok.vocab_size, hidden_size=64, num_hidden_layers=4, num_attention_heads=4,
    intermediate_size=128, max_position_embeddings=64, num_labels=len(TRIAGE_LEVELS),
)
student_cfg = BertConfig(
    vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64,
)

teacher = BertForSequenceClassification(teacher_cfg)
teacher.eval()


def make_bridge(src_cfg, dst_cfg):
    """Linear map from one encoder's pooled space into another's."""
    layer = nn.Linear(src_cfg.hidden_size, dst_cfg.hidden_size)
    nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class TriageStudent(nn.Module):
    def __init__(self, enc_cfg, frozen_head, bridge):
        super().__init__()
        self.encoder = BertModel(enc_cfg)
        self.bridge = bridge
        self.head = frozen_head
        for p in self.head.parameters():
            p.requires_grad_(False)

    def forward(self, ids, mask):
        pooled = self.encoder(input_ids=ids, attention_mask=mask).pooler_output
        return self.head(torch.tanh(self.bridge(pooled)))


# reuse the teacher's classifier head for the student
bridge = make_bridge(teacher_cfg, student_cfg)
student = TriageStudent(student_cfg, teacher.classifier, bridge)

optim = torch.optim.AdamW([p for p in student.parameters() if p.requires_grad], lr=3e-4)
T = 2.0
alpha = 0.5


def batches(rows, size):
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        enc = tok([n for n, _ in chunk], padding=True, return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"], torch.tensor([y for _, y in chunk])


for epoch in range(2):
    running = 0.0
    for ids, mask, acuity in batches(NOTES, 4):
        with torch.no_grad():
            t_logits = teacher(input_ids=ids, attention_mask=mask).logits
        s_logits = student(ids, mask)
        soft = F.kl_div(
            F.log_softmax(s_logits / T, dim=-1),
            F.softmax(t_logits / T, dim=-1),
            reduction="batchmean",
        ) * T * T
        hard = F.cross_entropy(s_logits, acuity)
        loss = alpha * soft + (1 - alpha) * hard
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item()
    print(f"epoch {epoch} loss {running:.4f}")

student.eval()
with torch.no_grad():
    enc = tok(["fever and chest pain since this morning"], return_tensors="pt")
    pred = student(enc["input_ids"], enc["attention_mask"]).argmax(-1).item()
print("predicted triage:", TRIAGE_LEVELS[pred])
