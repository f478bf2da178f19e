import math
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)
random.seed(3)

NORMAL_TOKENS = "info request served user login session cache hit ok started completed heartbeat".split()
ANOMALY_TOKENS = "error timeout disk full oom killed refused segfault panic retry failed corrupt".split()
COMMON = "worker node db api service port pid".split()

logdir = tempfile.mkdtemp(prefix="logkd_")
vocab_path = os.path.join(logdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted(set(NORMAL_TOKENS + ANOMALY_TOKENS + COMMON))) + "\n")
log_tok = BertTokenizer(vocab_path)


def synth_line(is_anomaly):
    pool = (ANOMALY_TOKENS if is_anomaly else NORMAL_TOKENS) + COMMON
    return " ".join(random.choice(pool) for _ in range(random.randint(4, 14)))


log_flags = [random.random() < 0.3 for _ in range(64)]
log_lines = [synth_line(f) for f in log_flags]
log_targets = torch.tensor([int(f) for f in log_flags])

tcfg = BertConfig(vocab_size=log_tok.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=128, max_position_embeddings=32, num_labels=2)
log_teacher = BertForSequenceClassification(tcfg).eval()
ckpt = os.path.join(logdir, "log_teacher.pt")
torch.save(log_teacher.state_dict(), ckpt)

teacher_weights = torch.load(ckpt)
head_dim = tcfg.hidden_size // tcfg.num_attention_heads
prefix = "bert.encoder.layer.0.attention."

# score heads of the first block by the norm of their value projection, keep the top 2
v_w = teacher_weights[prefix + "self.value.weight"]
head_scores = v_w.view(tcfg.num_attention_heads, head_dim, -1).norm(dim=(1, 2))
kept_heads = head_scores.topk(2).indices.sort().values.tolist()
kept_rows = torch.cat([torch.arange(h * head_dim, (h + 1) * head_dim) for h in kept_heads])
print("keeping heads", kept_heads)


class PrunedLogEncoder(nn.Module):
    def __init__(self, sd, rows, n_heads, d_head, n_classes):
        super().__init__()
        hidden = sd["bert.embeddings.word_embeddings.weight"].shape[1]
        self.n_heads, self.d_head = n_heads, d_head
        self.tok_emb = nn.Embedding.from_pretrained(sd["bert.embeddings.word_embeddings.weight"].clone(), freeze=False)
        self.pos_emb = nn.Embedding.from_pretrained(sd["bert.embeddings.position_embeddings.weight"].clone(), freeze=False)
        self.q = nn.Linear(hidden, n_heads * d_head)
        self.k = nn.Linear(hidden, n_heads * d_head)
        self.v = nn.Linear(hidden, n_heads * d_head)
        self.o = nn.Linear(n_heads * d_head, hidden)
        with torch.no_grad():
            for name, lin in (("query", self.q), ("key", self.k), ("value", self.v)):
                lin.weight.copy_(sd[prefix + f"self.{name}.weight"][rows])
                lin.bias.copy_(sd[prefix + f"self.{name}.bias"][rows])
            self.o.weight.copy_(sd[prefix + "output.dense.weight"][:, rows])
            self.o.bias.copy_(sd[prefix + "output.dense.bias"])
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, n_classes)

    def split(self, x, B, T):
        return x.view(B, T, self.n_heads, self.d_head).transpose(1, 2)

    def forward(self, ids, mask):
        B, T = ids.shape
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(T).unsqueeze(0))
        q, k, v = self.split(self.q(x), B, T), self.split(self.k(x), B, T), self.split(self.v(x), B, T)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d_head)
        scores = scores.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
        ctx = scores.softmax(-1) @ v
        ctx = ctx.transpose(1, 2).contiguous().view(B, T, self.n_heads * self.d_head)
        x = self.norm(x + self.o(ctx))
        m = mask.unsqueeze(-1).to(x.dtype)
        return self.head((x * m).sum(1) / m.sum(1))


pruned = PrunedLogEncoder(teacher_weights, kept_rows, len(kept_heads), head_dim, tcfg.num_labels)
opt = torch.optim.Adam(pruned.parameters(), lr=2e-3)
T_SOFT = 2.0
for epoch in range(3):
    order = torch.randperm(len(log_lines)).tolist()
    tot = 0.0
    for s in range(0, len(order), 16):
        idx = order[s:s + 16]
        enc = log_tok([log_lines[i] for i in idx], padding=True, return_tensors="pt")
        with torch.no_grad():
            t_logits = log_teacher(**enc).logits
        s_logits = pruned(enc["input_ids"], enc["attention_mask"])
        kd = F.kl_div(F.log_softmax(s_logits / T_SOFT, -1), F.softmax(t_logits / T_SOFT, -1),
                      reduction="batchmean") * T_SOFT ** 2
        loss = 0.5 * kd + 0.5 * F.cross_entropy(s_logits, log_targets[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
    print(f"epoch {epoch} loss {tot:.3f}")

with torch.no_grad():
    enc = log_tok(log_lines[:6], padding=True, return_tensors="pt")
    flagged = pruned(enc["input_ids"], enc["attention_mask"]).argmax(-1).tolist()
print("flagged:", flagged, "truth:", log_targets[:6].tolist())
