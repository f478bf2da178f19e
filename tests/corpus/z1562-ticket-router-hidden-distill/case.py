import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

QUEUES = ["billing", "outage", "account", "shipping"]
TICKETS = [
    ("i was charged twice on my invoice", 0),
    ("refund has not arrived on my card", 0),
    ("the service is down since this morning", 1),
    ("website returns an error and will not load", 1),
    ("cannot reset my password or login", 2),
    ("please change the email on my account", 2),
    ("my parcel is late and tracking is stuck", 3),
    ("the courier delivered to the wrong address", 3),
]


def write_vocab(folder):
    words = sorted({w for text, _ in TICKETS for w in text.split()})
    path = os.path.join(folder, "tickets_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class HiddenStateDistiller(nn.Module):
    def __init__(self, teacher, student):
        super().__init__()
        self.teacher = teacher
        self.student = student
        self.proj = nn.Linear(student.config.hidden_size, teacher.config.hidden_size)
        n_teacher = teacher.config.num_hidden_layers
        n_student = student.config.num_hidden_layers
        # evenly spaced teacher layers (hidden_states[0] is the embedding output)
        self.register_buffer(
            "teacher_layer_idx",
            torch.linspace(0, n_teacher, steps=n_student + 1).round(),
            persistent=False,
        )

    def forward(self, enc, queue_ids, temperature=2.0):
        with torch.no_grad():
            t_out = self.teacher(**enc, output_hidden_states=True)
        s_out = self.student(**enc, output_hidden_states=True)

        t_hidden = torch.stack(t_out.hidden_states)
        s_hidden = torch.stack(s_out.hidden_states)
        t_picked = t_hidden[self.teacher_layer_idx]

        mask = enc["attention_mask"].unsqueeze(0).unsqueeze(-1).float()
        hid_loss = (((self.proj(s_hidden) - t_picked) ** 2) * mask).sum() / mask.sum()

        logit_loss = F.kl_div(
            F.log_softmax(s_out.logits / temperature, dim=-1),
            F.softmax(t_out.logits / temperature, dim=-1),
            reduction="batchmean",
        ) * temperature ** 2
        ce = F.cross_entropy(s_out.logits, queue_ids)
        return hid_loss + logit_loss + ce


def main():
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(tmp))

    teacher_cfg = BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=6, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=48, num_labels=len(QUEUES),
    )
    student_cfg = BertConfig(
        vocab_size=len(tok), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=48, num_labels=len(QUEUES),
    )
    teacher = BertForSequenceClassification(teacher_cfg)
    teacher_path = os.path.join(tmp, "router_teacher.bin")
    torch.save(teacher.state_dict(), teacher_path)

    reloaded = BertForSequenceClassification(teacher_cfg)
    reloaded.load_state_dict(torch.load(teacher_path))
    reloaded.eval()
    student = BertForSequenceClassification(student_cfg)

    distiller = HiddenStateDistiller(reloaded, student)
    print("teacher layers used:", distiller.teacher_layer_idx.tolist())

    enc = tok([t for t, _ in TICKETS], padding=True, return_tensors="pt")
    queue_ids = torch.tensor([q for _, q in TICKETS])

    trainable = list(student.parameters()) + list(distiller.proj.parameters())
    opt = torch.optim.AdamW(trainable, lr=3e-3)
    for step in range(2):
        loss = distiller(enc, queue_ids)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")

    student.eval()
    with torch.no_grad():
        routed = student(**enc).logits.argmax(-1)
    for (text, gold), pred in zip(TICKETS, routed.tolist()):
        print(f"{QUEUES[gold]:>9} -> {QUEUES[pred]:<9} {text}")


if __name__ == "__main__":
    main()
