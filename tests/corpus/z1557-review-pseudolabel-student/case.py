import os
import random
import tempfile

import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DistilBertConfig,
    DistilBertForSequenceClassification,
)

torch.manual_seed(1)
random.seed(1)

POSITIVE = "great love perfect fast sturdy comfortable recommend excellent bargain happy".split()
NEGATIVE = "broken late refund cheap flimsy returned disappointed awful missing scratched".split()
NEUTRAL = "package arrived size color box item order seller shipping product".split()
SENTIMENTS = ["negative", "neutral", "positive"]

tmp = tempfile.mkdtemp(prefix="reviews_")
vocab_file = os.path.join(tmp, "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + POSITIVE + NEGATIVE + NEUTRAL) + "\n")
tok = BertTokenizer(vocab_file)


def fake_review():
    pool = random.choice([POSITIVE, NEGATIVE]) + NEUTRAL
    return " ".join(random.choice(pool) for _ in range(random.randint(6, 18)))


unlabeled_reviews = [fake_review() for _ in range(16)]

teacher_config = BertConfig(
    vocab_size=tok.vocab_size,
    hidden_size=48,
    num_hidden_layers=3,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=64,
    num_labels=len(SENTIMENTS),
)
shop_teacher = BertForSequenceClassification(teacher_config).eval()
teacher_path = os.path.join(tmp, "shop_teacher.bin")
torch.save(shop_teacher.state_dict(), teacher_path)

TEACHER_BS = 16
STUDENT_BS = 8


def batch_slice(step, size):
    return slice(step * size, (step + 1) * size)


# 1) label the unlabeled pool with the teacher
pseudo_chunks = []
n_teacher_steps = (len(unlabeled_reviews) + TEACHER_BS - 1) // TEACHER_BS
with torch.no_grad():
    for step in range(n_teacher_steps):
        chunk = unlabeled_reviews[batch_slice(step, TEACHER_BS)]
        enc = tok(chunk, padding=True, return_tensors="pt")
        pseudo_chunks.append(shop_teacher(**enc).logits.argmax(dim=-1))
pseudo_labels = torch.cat(pseudo_chunks)
print("pseudo label histogram:", torch.bincount(pseudo_labels, minlength=3).tolist())

# 2) build a smaller DistilBERT student that reuses the teacher's token embeddings
student_config = DistilBertConfig(
    vocab_size=tok.vocab_size,
    dim=48,
    n_layers=1,
    n_heads=4,
    hidden_dim=96,
    max_position_embeddings=64,
    num_labels=len(SENTIMENTS),
)
shop_student = DistilBertForSequenceClassification(student_config)
teacher_sd = torch.load(teacher_path)
with torch.no_grad():
    shop_student.distilbert.embeddings.word_embeddings.weight.copy_(
        teacher_sd["bert.embeddings.word_embeddings.weight"]
    )
    shop_student.distilbert.embeddings.position_embeddings.weight.copy_(
        teacher_sd["bert.embeddings.position_embeddings.weight"]
    )
    shop_student.classifier.weight.copy_(teacher_sd["classifier.weight"])
    shop_student.classifier.bias.copy_(teacher_sd["classifier.bias"])

# 3) train the student on the pseudo labels
opt = torch.optim.AdamW(shop_student.parameters(), lr=3e-4)
n_student_steps = (len(unlabeled_reviews) + STUDENT_BS - 1) // STUDENT_BS
shop_student.train()
for epoch in range(1):
    running = 0.0
    for step in range(n_student_steps):
        texts = unlabeled_reviews[batch_slice(step, STUDENT_BS)]
        targets = pseudo_labels[batch_slice(step, TEACHER_BS)]
        enc = tok(texts, padding=True, return_tensors="pt")
        out = shop_student(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=targets)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        running += out.loss.item()
    print(f"epoch {epoch}: mean loss {running / n_student_steps:.4f}")

# 4) agreement between teacher and student
shop_student.eval()
agree = 0
with torch.no_grad():
    for step in range(n_student_steps):
        texts = unlabeled_reviews[batch_slice(step, STUDENT_BS)]
        enc = tok(texts, padding=True, return_tensors="pt")
        s_pred = shop_student(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.argmax(-1)
        agree += (s_pred == pseudo_labels[batch_slice(step, STUDENT_BS)]).sum().item()
print(f"student/teacher agreement: {agree / len(unlabeled_reviews):.2%}")
