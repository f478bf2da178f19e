import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(11)

FIELD_TAGS = ["O", "B-PORT", "I-PORT", "B-CARGO", "I-CARGO", "B-WEIGHT"]
TAG2ID = {t: i for i, t in enumerate(FIELD_TAGS)}

MANIFEST_LINES = [
    ("ship from rotterdam to port said 40 tons steel coils".split(),
     ["O", "O", "B-PORT", "O", "B-PORT", "I-PORT", "B-WEIGHT", "O", "B-CARGO", "I-CARGO"]),
    ("load frozen fish at busan 12 tons".split(),
     ["O", "B-CARGO", "I-CARGO", "O", "B-PORT", "B-WEIGHT", "O"]),
    ("deliver cotton bales to le havre".split(),
     ["O", "B-CARGO", "I-CARGO", "O", "B-PORT", "I-PORT"]),
    ("8 tons copper wire from santos".split(),
     ["B-WEIGHT", "O", "B-CARGO", "I-CARGO", "O", "B-PORT"]),
    ("container of rice bags leaving hai phong".split(),
     ["O", "O", "B-CARGO", "I-CARGO", "O", "B-PORT", "I-PORT"]),
    ("transship 30 tons wheat at new york".split(),
     ["O", "B-WEIGHT", "O", "B-CARGO", "O", "B-PORT", "I-PORT"]),
]

TEACHER_LEN = 48
workdir = tempfile.mkdtemp()
vocab_file = os.path.join(workdir, "vocab.txt")
lexicon = sorted({w for words, _ in MANIFEST_LINES for w in words})
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + lexicon) + "\n")
tokenizer = BertTokenizer(vocab_file)


def encode_manifests(rows, max_len):
    enc = tokenizer([w for w, _ in rows], is_split_into_words=True, padding="max_length",
                    truncation=True, max_length=max_len, return_tensors="pt")
    tag_ids = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for r, (_, tags) in enumerate(rows):
        for pos, word_idx in enumerate(enc.word_ids(r)):
            if word_idx is not None:
                tag_ids[r, pos] = TAG2ID[tags[word_idx]]
    return enc["input_ids"], enc["attention_mask"], tag_ids


teacher_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=4,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=TEACHER_LEN, num_labels=len(FIELD_TAGS))
teacher = BertForTokenClassification(teacher_cfg).eval()

# shrink: half the layers and a shorter position table, weights taken from the teacher
student_cfg = BertConfig(**{**teacher_cfg.to_dict(), "num_hidden_layers": 2, "max_position_embeddings": 24})
student = BertForTokenClassification(student_cfg)
with torch.no_grad():
    t_emb, s_emb = teacher.bert.embeddings, student.bert.embeddings
    s_emb.word_embeddings.weight.copy_(t_emb.word_embeddings.weight)
    s_emb.token_type_embeddings.weight.copy_(t_emb.token_type_embeddings.weight)
    s_emb.LayerNorm.load_state_dict(t_emb.LayerNorm.state_dict())
    n_pos = student_cfg.max_position_embeddings
    s_emb.position_embeddings.weight.copy_(t_emb.position_embeddings.weight[:n_pos])
    for s_idx, t_idx in enumerate(range(1, teacher_cfg.num_hidden_layers, 2)):
        student.bert.encoder.layer[s_idx].load_state_dict(teacher.bert.encoder.layer[t_idx].state_dict())
    student.classifier.load_state_dict(teacher.classifier.state_dict())


def fit_to(width, *tensors):
    return [t[:, :width].contiguous() for t in tensors]


tokens, keep, field_labels = encode_manifests(MANIFEST_LINES, TEACHER_LEN)
with torch.no_grad():
    teacher_logits = teacher(input_ids=tokens, attention_mask=keep).logits
s_tokens_all, s_keep_all, t_logits_cut = fit_to(n_pos, tokens, keep, teacher_logits)

optimizer = torch.optim.AdamW(student.parameters(), lr=5e-4)
STEP_ROWS = 3
for epoch in range(3):
    total = 0.0
    for start in range(0, tokens.size(0), STEP_ROWS):
        rows = slice(start, start + STEP_ROWS)
        s_tokens, s_keep = s_tokens_all[rows], s_keep_all[rows]
        out = student(input_ids=s_tokens, attention_mask=s_keep, labels=field_labels[rows])
        t_soft = F.softmax(t_logits_cut[rows] / 2.0, dim=-1)
        s_log = F.log_softmax(out.logits / 2.0, dim=-1)
        kd = (F.kl_div(s_log, t_soft, reduction="none").sum(-1) * s_keep).sum() / s_keep.sum()
        loss = 0.5 * out.loss + 0.5 * kd
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: {total:.4f}")

student.eval()
probe_ids, probe_keep, _ = encode_manifests(MANIFEST_LINES[:1], n_pos)
with torch.no_grad():
    tags = student(input_ids=probe_ids, attention_mask=probe_keep).logits.argmax(-1)[0]
print([FIELD_TAGS[t] for t, k in zip(tags.tolist(), probe_keep[0].tolist()) if k])
