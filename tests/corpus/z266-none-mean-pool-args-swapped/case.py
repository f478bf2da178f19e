import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(1)

FAQ = [
    ("how do i reset my password", "use the forgot password link on the login page"),
    ("can i change my username", "usernames can be changed once every thirty days"),
    ("where is my invoice", "invoices are listed under billing in your account"),
    ("how do i cancel my plan", "open billing and choose cancel plan"),
    ("is there a mobile app", "the app is available for android and ios"),
    ("how do i export my data", "go to settings and click export data"),
    ("why was my card declined", "check the card expiry date and billing address"),
    ("can i add a team member", "admins can invite members from the team page"),
    ("how do i enable two factor login", "turn on two factor in security settings"),
    ("what payment methods do you accept", "we accept cards and bank transfer"),
    ("how do i delete my account", "contact support to delete your account"),
    ("where can i see usage limits", "usage limits are shown on the plan page"),
]

words = sorted({w for q, a in FAQ for w in (q + " " + a).split()})
tmp = tempfile.mkdtemp()
vocab_path = os.path.join(tmp, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(vocab_path)

cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
encoder = BertModel(cfg)


def mean_pool(token_embs, attn):
    m = attn.unsqueeze(-1).to(token_embs.dtype)
    return (token_embs * m).sum(1) / m.sum(1).clamp(min=1e-6)


def embed(texts):
    enc = tok(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    out = encoder(**enc)
    vecs = mean_pool(enc["attention_mask"], out.last_hidden_state)
    return F.normalize(vecs, dim=-1)


def in_batch_loss(q_vecs, a_vecs, scale=20.0):
    sims = q_vecs @ a_vecs.T * scale
    target = torch.arange(len(q_vecs))
    return F.cross_entropy(sims, target)


opt = torch.optim.AdamW(encoder.parameters(), lr=5e-4)
bs = 8
for epoch in range(4):
    perm = torch.randperm(len(FAQ)).tolist()
    for s in range(0, len(FAQ), bs):
        chunk = [FAQ[i] for i in perm[s:s + bs]]
        qs = [q for q, _ in chunk]
        ans = [a for _, a in chunk]
        loss = in_batch_loss(embed(qs), embed(ans))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")

encoder.eval()
with torch.no_grad():
    a_bank = embed([a for _, a in FAQ])
    hits = embed(["i forgot my password", "how can i get the android app"]) @ a_bank.T
print([FAQ[i][1] for i in hits.argmax(-1).tolist()])
