import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

CLAUSE_TYPES = ["indemnity", "termination", "confidentiality", "governing_law"]
LEGAL_WORDS = (
    "the party shall hereby agree to indemnify hold harmless against any claim loss "
    "damage liability arising from breach of this agreement termination notice days "
    "written consent confidential information disclose third governed laws state court "
    "jurisdiction exclusive venue obligations survive expiration effective date term"
).split()

workdir = tempfile.mkdtemp(prefix="clauses_")
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(LEGAL_WORDS)):
        fh.write(tok + "\n")

tokenizer = BertTokenizer(vocab_path)


def make_clause(n_words):
    return " ".join(random.choice(LEGAL_WORDS) for _ in range(n_words))


contract_clauses = [make_clause(random.randint(70, 140)) for _ in range(16)]
clause_labels = torch.tensor([random.randrange(len(CLAUSE_TYPES)) for _ in contract_clauses])

teacher_cfg = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=64,
    num_hidden_layers=4,
    num_attention_heads=4,
    intermediate_size=128,
    max_position_embeddings=512,
    num_labels=len(CLAUSE_TYPES),
)
student_cfg = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=128,
    max_position_embeddings=64,
    num_labels=len(CLAUSE_TYPES),
)

teacher = BertForSequenceClassification(teacher_cfg)
teacher_ckpt = os.path.join(workdir, "teacher.pt")
torch.save(teacher.state_dict(), teacher_ckpt)

student = BertForSequenceClassification(student_cfg)

# initialise the student from the saved teacher: embeddings (word + type), every
# second encoder block and the classification head
saved = torch.load(teacher_ckpt)
student_state = student.state_dict()
for key in student_state:
    if key.startswith("bert.encoder.layer."):
        parts = key.split(".")
        parts[3] = str(int(parts[3]) * 2)
        src_key = ".".join(parts)
    else:
        src_key = key
    if src_key not in saved:
        continue
    if saved[src_key].shape == student_state[key].shape:
        student_state[key] = saved[src_key].clone()
student.load_state_dict(student_state)

teacher.load_state_dict(saved)
teacher.eval()

max_clause_tokens = student_cfg.max_position_embeddings


def encode(texts):
    return tokenizer(
        texts,
        padding="longest",
        truncation=True,
        max_length=max_clause_tokens,
        return_tensors="pt",
    )


def distill_loss(s_logits, t_logits, gold, temperature=2.0, alpha=0.5):
    soft = F.kl_div(
        F.log_softmax(s_logits / temperature, dim=-1),
        F.softmax(t_logits / temperature, dim=-1),
        reduction="batchmean",
    ) * temperature ** 2
    hard = F.cross_entropy(s_logits, gold)
    return alpha * soft + (1 - alpha) * hard


optimizer = torch.optim.AdamW(student.parameters(), lr=5e-4)
batch_size = 8
student.train()
for epoch in range(1):
    order = torch.randperm(len(contract_clauses)).tolist()
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        enc = encode([contract_clauses[i] for i in idx])
        gold = clause_labels[idx]
        with torch.no_grad():
            t_logits = teacher(**enc).logits
        s_logits = student(**enc).logits
        loss = distill_loss(s_logits, t_logits, gold)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

student.eval()
with torch.no_grad():
    enc = encode(contract_clauses[:4])
    preds = student(**enc).logits.argmax(-1)
print("predicted clause types:", [CLAUSE_TYPES[p] for p in preds.tolist()])
