import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)
random.seed(7)

TOPICS = {
    "sport": "match goal league coach striker season final cup injury transfer".split(),
    "markets": "stocks shares index rally bonds inflation rate earnings investors dollar".split(),
    "science": "study researchers telescope species climate vaccine genome orbit fossil lab".split(),
}
FILLER = "the a of in after over new says report year".split()
topic_names = sorted(TOPICS)

scratch = tempfile.mkdtemp(prefix="newsdesk_")
vocab_txt = os.path.join(scratch, "vocab.txt")
words = sorted({w for ws in TOPICS.values() for w in ws} | set(FILLER))
with open(vocab_txt, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
headline_tok = BertTokenizer(vocab_txt)

headlines, topic_ids = [], []
for _ in range(12):
    t = random.randrange(len(topic_names))
    pool = TOPICS[topic_names[t]] * 2 + FILLER
    headlines.append(" ".join(random.choice(pool) for _ in range(random.randint(5, 12))))
    topic_ids.append(t)
topic_ids = torch.tensor(topic_ids)

big_cfg = BertConfig(vocab_size=headline_tok.vocab_size, hidden_size=64, num_hidden_layers=6,
                     num_attention_heads=4, intermediate_size=128, max_position_embeddings=32,
                     num_labels=len(topic_names))
small_cfg = BertConfig(vocab_size=headline_tok.vocab_size, hidden_size=32, num_hidden_layers=3,
                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                       num_labels=len(topic_names))

newsroom_teacher = BertForSequenceClassification(big_cfg)
torch.save(newsroom_teacher.state_dict(), os.path.join(scratch, "teacher_sd.pt"))
newsroom_teacher.load_state_dict(torch.load(os.path.join(scratch, "teacher_sd.pt")))
newsroom_teacher.eval()

newsroom_student = BertForSequenceClassification(small_cfg)

# one linear adapter per student hidden state (embeddings + each block) up to teacher width
adapters = nn.ModuleList(
    nn.Linear(small_cfg.hidden_size, big_cfg.hidden_size)
    for _ in range(small_cfg.num_hidden_layers + 1)
)
layer_stride = big_cfg.num_hidden_layers // small_cfg.num_hidden_layers


def intermediate_loss(student_states, teacher_states, mask):
    keep = mask.unsqueeze(-1).float()
    total = 0.0
    for depth in range(len(student_states)):
        projected = adapters[depth](student_states[depth])
        target = teacher_states[depth * layer_stride]
        diff = (projected - target) ** 2 * keep
        total = total + diff.sum() / keep.sum() / big_cfg.hidden_size
    return total


def logit_loss(s_logits, t_logits, T=3.0):
    return F.kl_div(F.log_softmax(s_logits / T, -1), F.softmax(t_logits / T, -1),
                    reduction="batchmean") * T * T


params = list(newsroom_student.parameters()) + list(adapters.parameters())
optim = torch.optim.Adam(params, lr=1e-3)
BATCH = 12

for epoch in range(1):
    perm = torch.randperm(len(headlines))
    epoch_loss = 0.0
    for b in range(0, len(headlines), BATCH):
        rows = perm[b:b + BATCH].tolist()
        batch = headline_tok([headlines[r] for r in rows], padding=True, return_tensors="pt")
        with torch.no_grad():
            t_out = newsroom_teacher(**batch, output_hidden_states=True)
        s_out = newsroom_student(**batch, output_hidden_states=True)
        loss = (
            intermediate_loss(s_out.hidden_states, t_out.hidden_states, batch["attention_mask"])
            + logit_loss(s_out.logits, t_out.logits)
            + F.cross_entropy(s_out.logits, topic_ids[rows])
        )
        optim.zero_grad()
        loss.backward()
        optim.step()
        epoch_loss += loss.item()
    print(f"epoch {epoch}: {epoch_loss:.3f}")

newsroom_student.eval()
with torch.no_grad():
    sample = headline_tok(headlines[:5], padding=True, return_tensors="pt")
    guess = newsroom_student(**sample).logits.argmax(-1).tolist()
for h, g in zip(headlines[:5], guess):
    print(f"[{topic_names[g]}] {h}")
