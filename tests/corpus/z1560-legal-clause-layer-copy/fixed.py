import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

CLAUSE_TYPES = ["indemnity", "termination", "confidentiality", "governing_law"]

CLAUSES = [
    ("the supplier shall indemnify the buyer against all claims", "indemnity"),
    ("either party may terminate this agreement with notice", "termination"),
    ("the recipient shall keep all information confidential", "confidentiality"),
    ("this agreement is governed by the laws of england", "governing_law"),
    ("the buyer shall indemnify the supplier for losses", "indemnity"),
    ("this agreement may terminate upon material breach", "termination"),
    ("confidential information shall not be disclosed", "confidentiality"),
    ("the courts of england shall have jurisdiction", "governing_law"),
]


def write_vocab(folder):
    words = sorted({w for text, _ in CLAUSES for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "legal_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def make_teacher(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=4,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(CLAUSE_TYPES),
    )
    return BertForSequenceClassification(cfg)


def make_student(teacher_cfg, keep_layers):
    cfg = BertConfig.from_dict(teacher_cfg.to_dict())
    cfg.num_hidden_layers = keep_layers
    return BertForSequenceClassification(cfg)


def build_layer_map(num_layers, stride):
    # student layer -> teacher layer it is initialised from
    return {s: s * stride + (stride - 1) for s in range(num_layers)}


def init_student_from_teacher(student, teacher, layer_map):
    student.bert.embeddings.load_state_dict(teacher.bert.embeddings.state_dict())
    student.bert.pooler.load_state_dict(teacher.bert.pooler.state_dict())
    student.classifier.load_state_dict(teacher.classifier.state_dict())
    s_layers = student.bert.encoder.layer
    t_layers = teacher.bert.encoder.layer
    for s_idx, t_idx in layer_map.items():
        s_layers[s_idx].load_state_dict(t_layers[t_idx].state_dict())


def distill_step(student, teacher, batch, targets, optimizer, temperature=2.0, alpha=0.5):
    with torch.no_grad():
        t_logits = teacher(**batch).logits
    s_logits = student(**batch).logits
    soft = F.kl_div(
        F.log_softmax(s_logits / temperature, dim=-1),
        F.softmax(t_logits / temperature, dim=-1),
        reduction="batchmean",
    ) * temperature ** 2
    hard = F.cross_entropy(s_logits, targets)
    loss = alpha * soft + (1 - alpha) * hard
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))

    teacher = make_teacher(len(tokenizer))
    teacher.eval()

    student_depth = 2
    stride = teacher.config.num_hidden_layers // student_depth
    student = make_student(teacher.config, student_depth)

    layer_map = build_layer_map(student.config.num_hidden_layers, stride)
    init_student_from_teacher(student, teacher, layer_map)

    texts = [t for t, _ in CLAUSES]
    targets = torch.tensor([CLAUSE_TYPES.index(c) for _, c in CLAUSES])
    batch = tokenizer(texts, padding=True, return_tensors="pt")

    optimizer = torch.optim.AdamW(student.parameters(), lr=5e-4)
    student.train()
    for epoch in range(3):
        loss = distill_step(student, teacher, batch, targets, optimizer)
        print(f"epoch {epoch} distill loss {loss:.4f}")

    student.eval()
    with torch.no_grad():
        preds = student(**batch).logits.argmax(-1)
    acc = (preds == targets).float().mean().item()
    print(f"student params: {sum(p.numel() for p in student.parameters())}")
    print(f"student train accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
