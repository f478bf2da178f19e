# %% [markdown]
# Apiary inspection notes -> colony status. K-fold out-of-fold probabilities with Accelerate,
# later used to calibrate the alert threshold for the regional bee inspector.

# %%
import os
import tempfile
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)
accelerator = Accelerator(cpu=True)
N_FOLDS = 4
STATUS = ["healthy", "queenless", "varroa"]

# %%
notes = [
    ("brood pattern solid eggs seen queen spotted", 0), ("calm bees good stores capped brood", 0),
    ("laying queen seen frames of brood and pollen", 0), ("strong colony supers filling nicely", 0),
    ("eggs present gentle temper bees building comb", 0), ("queen marked seen brood on six frames", 0),
    ("no eggs no young larvae roaring colony", 1), ("emergency queen cells drawn no eggs", 1),
    ("laying workers multiple eggs per cell", 1), ("no queen found drone brood only", 1),
    ("colony defensive no brood queen cells open", 1), ("queenright check failed no eggs", 1),
    ("deformed wings on young bees mites on drone brood", 2), ("mite drop high on sticky board", 2),
    ("sugar roll count nine mites per hundred", 2), ("crawling bees deformed wings spotty brood", 2),
    ("mites visible on bees near entrance", 2), ("drone brood uncapping shows many mites", 2),
    ("strong colony capped brood eggs seen", 0), ("no eggs queen cells capped", 1),
    ("high mite count after treatment window", 2), ("queen seen laying well stores good", 0),
    ("drone laying worker pattern scattered", 1), ("mites found on drone pupae", 2),
]
texts = [t for t, _ in notes]
y_all = torch.tensor([s for _, s in notes])
print(len(texts), "notes", torch.bincount(y_all).tolist())

# %%
tmp = tempfile.mkdtemp()
words = sorted({w for t in texts for w in t.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                      num_labels=len(STATUS))

def collate(rows):
    enc = tokenizer([texts[i] for i in rows], padding=True, return_tensors="pt")
    enc["labels"] = y_all[rows]
    return enc

# %%
# 4 folds was too optimistic on this little set, re-ran with 5
N_FOLDS = 5
perm = torch.randperm(len(texts))
folds = list(perm.chunk(N_FOLDS))
[len(f) for f in folds]

# %%
fold_probs = []
for k, held_out in enumerate(folds):
    train_idx = torch.cat([f for j, f in enumerate(folds) if j != k])
    model = BertForSequenceClassification(bert_cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    train_dl = DataLoader(train_idx.tolist(), batch_size=4, shuffle=True, collate_fn=collate)
    eval_dl = DataLoader(held_out.tolist(), batch_size=8, collate_fn=collate)
    model, opt, train_dl, eval_dl = accelerator.prepare(model, opt, train_dl, eval_dl)

    model.train()
    for _ in range(1):
        for batch in train_dl:
            loss = model(**batch).loss
            accelerator.backward(loss)
            opt.step(); opt.zero_grad()

    model.eval()
    probs = []
    with torch.no_grad():
        for batch in eval_dl:
            logits = model(**{k_: v for k_, v in batch.items() if k_ != "labels"}).logits
            probs.append(accelerator.gather_for_metrics(F.softmax(logits, -1)))
    fold_probs.append(torch.cat(probs))
    accelerator.print(f"fold {k}: held out {len(held_out)}, last loss {loss.item():.3f}")

# %%
oof = torch.cat(fold_probs, dim=0)
print("oof", tuple(oof.shape))
oof_gold = y_all[torch.cat(folds)]
print("oof accuracy", (oof.argmax(-1) == oof_gold).float().mean().item())

# %%
# alert threshold: flag as varroa if p(varroa) above the value that keeps precision >= 0.8
for thr in (0.3, 0.4, 0.5, 0.6):
    flagged = oof[:, 2] > thr
    prec = (oof_gold[flagged] == 2).float().mean().item() if flagged.any() else float("nan")
    print(f"thr {thr}: flagged {int(flagged.sum())}, precision {prec:.2f}")
