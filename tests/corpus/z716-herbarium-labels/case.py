# Herbarium specimen labels -> plant family (tiny BERT baseline, 3-fold CV)
import os
import random
import tempfile
from collections import Counter

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class CFG:
    seed = 42
    n_folds = 3
    epochs = 2
    batch_size = 4
    max_len = 24
    lr = 3e-4
    min_class_count = 2   # need at least 2 per class for the folds
    num_labels = None     # filled in after label encoding


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


seed_everything(CFG.seed)

# ---- "train.csv" ----
raw = [
    {"id": 0, "label_text": "erect herb ray florets yellow roadside verge", "family": "Asteraceae"},
    {"id": 1, "label_text": "capitula solitary involucre bracts in two rows", "family": "Asteraceae"},
    {"id": 2, "label_text": "pappus of white bristles disturbed ground", "family": "Asteraceae"},
    {"id": 3, "label_text": "ligules purple meadow margin flowering june", "family": "Asteraceae"},
    {"id": 4, "label_text": "culms tufted spikelets awned dry grassland", "family": "Poaceae"},
    {"id": 5, "label_text": "panicle open spikelets two flowered ligule membranous", "family": "Poaceae"},
    {"id": 6, "label_text": "stolons rooting at nodes lawn weed", "family": "Poaceae"},
    {"id": 7, "label_text": "leaf blades flat auricles present field edge", "family": "Poaceae"},
    {"id": 8, "label_text": "pods dehiscent trifoliate leaves root nodules", "family": "Fabaceae"},
    {"id": 9, "label_text": "papilionate corolla keel pink climbing tendrils", "family": "Fabaceae"},
    {"id": 10, "label_text": "legume hairy stipules leafy sandy bank", "family": "Fabaceae"},
    {"id": 11, "label_text": "pinnate leaves tendrils pods flattened hedgerow", "family": "Fabaceae"},
    {"id": 12, "label_text": "petals five stamens numerous hips red thorny shrub", "family": "Rosaceae"},
    {"id": 13, "label_text": "pome fruit hedgerow shrub white petals", "family": "Rosaceae"},
    {"id": 14, "label_text": "stipules toothed drupelets black bramble thicket", "family": "Rosaceae"},
    {"id": 15, "label_text": "labellum spurred tubers paired calcareous turf", "family": "Orchidaceae"},
    {"id": 16, "label_text": "pollinia resupinate flowers damp fen", "family": "Orchidaceae"},
    {"id": 17, "label_text": "labellum lobed spotted leaves woodland ride", "family": "Orchidaceae"},
    {"id": 18, "label_text": "stems square leaves opposite aromatic bilabiate", "family": "Lamiaceae"},
    {"id": 19, "label_text": "verticillasters purple square stems damp ditch", "family": "Lamiaceae"},
    {"id": 20, "label_text": "nutlets four aromatic opposite leaves rocky slope", "family": "Lamiaceae"},
    {"id": 21, "label_text": "stems trigonous leaves three ranked wet flush", "family": "Cyperaceae"},
]
print(f"rows: {len(raw)}")

# columns as numpy arrays
ids = np.array([r["id"] for r in raw])
texts = np.array([r["label_text"] for r in raw], dtype=object)
families = np.array([r["family"] for r in raw], dtype=object)

classes, label_ids = np.unique(families, return_inverse=True)
print("classes:", list(classes))

# drop ultra-rare families, they can't be split into folds
fam_counts = Counter(families.tolist())
print("family counts:", dict(fam_counts))
keep = np.array([fam_counts[f] >= CFG.min_class_count for f in families])
ids, texts, families, label_ids = ids[keep], texts[keep], families[keep], label_ids[keep]
CFG.num_labels = len(np.unique(families))
print(f"after filter: {len(ids)} rows, {CFG.num_labels} classes")

# ---- tokenizer from corpus vocab ----
tmp_dir = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in t.split()})
vocab_path = os.path.join(tmp_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(vocab_path)
print("vocab size:", len(tokenizer))

enc = tokenizer(list(texts), padding="max_length", truncation=True, max_length=CFG.max_len, return_tensors="pt")
X_ids, X_att = enc["input_ids"], enc["attention_mask"]
y_all = torch.from_numpy(label_ids).long()
print("X_ids:", tuple(X_ids.shape), "y:", tuple(y_all.shape))


def make_folds(y, n_folds, seed):
    # simple stratified assignment: shuffle each class and deal round-robin
    rng = np.random.RandomState(seed)
    fold_of = np.zeros(len(y), dtype=int)
    for c in np.unique(y):
        idx = np.where(y == c)[0]
        rng.shuffle(idx)
        fold_of[idx] = np.arange(len(idx)) % n_folds
    return fold_of


def build_model():
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=CFG.num_labels)
    return BertForSequenceClassification(cfg)


def train_one_fold(trn_idx):
    model = build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    model.train()
    for epoch in range(CFG.epochs):
        perm = np.random.permutation(trn_idx)
        running = 0.0
        for s in range(0, len(perm), CFG.batch_size):
            b = torch.from_numpy(perm[s:s + CFG.batch_size])
            out = model(input_ids=X_ids[b], attention_mask=X_att[b], labels=y_all[b])
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        print(f"  epoch {epoch} loss {running:.4f}")
    return model


folds = make_folds(label_ids, CFG.n_folds, CFG.seed)
oof = np.zeros((len(ids), CFG.num_labels), dtype=np.float32)
for fold in range(CFG.n_folds):
    trn_idx = np.where(folds != fold)[0]
    val_idx = np.where(folds == fold)[0]
    print(f"fold {fold}: train {len(trn_idx)} / valid {len(val_idx)}")
    model = train_one_fold(trn_idx)
    model.eval()
    with torch.no_grad():
        v = torch.from_numpy(val_idx)
        logits = model(input_ids=X_ids[v], attention_mask=X_att[v]).logits
    oof[val_idx] = torch.softmax(logits, -1).numpy()

oof_acc = (oof.argmax(1) == label_ids).mean()
print(f"OOF accuracy: {oof_acc:.4f}")
