# Feedback Prize - English Language Learning (6 analytic measures)
# CLS of last layers concatenated -> regression head, 3-fold, MCRMSE
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import KFold
from torch.utils.data import DataLoader, Dataset
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 11
    n_splits = 3
    num_epochs = 1
    batch = 4
    max_tokens = 64
    lr = 5e-4
    d_model = 32
    depth = 4
    use_last = 4
    measures = ["cohesion", "syntax", "vocabulary", "phraseology", "grammar", "conventions"]


random.seed(CFG.seed)
np.random.seed(CFG.seed)
torch.manual_seed(CFG.seed)

LEXICON = ("i think that school students should have more time to do homework because "
           "it is important for learning and also they can play sports with friends after "
           "class however some people believe online lessons are better in my opinion").split()
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as fp:
    fp.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(LEXICON))) + "\n")
essay_tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))

gen = np.random.default_rng(CFG.seed)
essays = []
for n in range(27):
    body = " ".join(gen.choice(LEXICON, size=gen.integers(15, 60)))
    scores = np.round(gen.uniform(1.0, 5.0, size=len(CFG.measures)) * 2) / 2
    essays.append({"text_id": f"E{n:05d}", "full_text": body, **dict(zip(CFG.measures, scores))})


class EssayDS(Dataset):
    def __init__(self, recs):
        self.txt = [r["full_text"] for r in recs]
        self.y = np.array([[r[m] for m in CFG.measures] for r in recs], dtype=np.float32)

    def __len__(self):
        return len(self.txt)

    def __getitem__(self, i):
        return self.txt[i], self.y[i]


def essay_collate(batch):
    texts, ys = zip(*batch)
    enc = essay_tok(list(texts), padding=True, truncation=True,
                    max_length=CFG.max_tokens, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], torch.tensor(np.stack(ys))


class EssayScorer(nn.Module):
    def __init__(self):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=essay_tok.vocab_size, hidden_size=CFG.d_model,
                              num_hidden_layers=CFG.depth, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=CFG.max_tokens)
        self.enc = AutoModel.from_config(bert_cfg)
        self.regressor = nn.Linear(CFG.d_model * CFG.use_last, len(CFG.measures))

    def forward(self, tok_ids, attn):
        out = self.enc(input_ids=tok_ids, attention_mask=attn, output_hidden_states=True)
        stacked = torch.stack(out.hidden_states[-CFG.use_last:])  # (L, B, T, H)
        cls_per_layer = stacked[:, :, 0]                            # (L, B, H)
        feats = cls_per_layer.permute(1, 0, 2).reshape(tok_ids.size(0), -1)
        return self.regressor(feats)


def mcrmse(y_true, y_pred):
    return float(np.mean(np.sqrt(np.mean((y_true - y_pred) ** 2, axis=0))))


def fit_fold(fold_no, tr_recs, va_recs):
    scorer = EssayScorer()
    opt = torch.optim.AdamW(scorer.parameters(), lr=CFG.lr, weight_decay=0.01)
    crit = nn.SmoothL1Loss()
    tr_dl = DataLoader(EssayDS(tr_recs), batch_size=CFG.batch, shuffle=True, collate_fn=essay_collate)
    va_dl = DataLoader(EssayDS(va_recs), batch_size=CFG.batch, collate_fn=essay_collate)
    for ep in range(CFG.num_epochs):
        scorer.train()
        for tok_ids, attn, target in tr_dl:
            pred = scorer(tok_ids, attn)
            loss = crit(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
    scorer.eval()
    ps, ts = [], []
    with torch.no_grad():
        for tok_ids, attn, target in va_dl:
            ps.append(scorer(tok_ids, attn).numpy())
            ts.append(target.numpy())
    score = mcrmse(np.concatenate(ts), np.concatenate(ps))
    print(f"fold {fold_no}: MCRMSE {score:.4f}")
    return score


splitter = KFold(n_splits=CFG.n_splits, shuffle=True, random_state=CFG.seed)
cv = [fit_fold(f, [essays[i] for i in a], [essays[i] for i in b])
      for f, (a, b) in enumerate(splitter.split(essays))]
print("CV MCRMSE:", np.mean(cv))
