# NBME-style patient note span extraction: token classification -> character spans
# (exported from kaggle notebook, tiny random-init BERT for pipeline debugging)
import os, re, random, tempfile
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import KFold
from transformers import BertConfig, BertModel, BertTokenizer


class CFG:
    seed = 42
    n_fold = 4
    trn_fold = [0]
    epochs = 2
    batch_size = 4
    max_len = 64
    lr = 1e-3
    threshold = 0.5
    emb = 32


random.seed(CFG.seed); np.random.seed(CFG.seed); torch.manual_seed(CFG.seed)

SYMPTOMS = ["chest pain", "shortness of breath", "nausea", "palpitations", "fever", "headache"]
FILLER = ["patient is a", "year old", "presents with", "for two days", "denies smoking", "history of asthma",
          "mother has diabetes", "works as a teacher", "no known allergies"]

notes = []
for pn_num in range(40):
    parts = [random.choice(FILLER), f"{20 + pn_num} year old", "presents with"]
    sym = random.sample(SYMPTOMS, k=1 + pn_num % 3)
    parts.append(" and ".join(sym))
    parts += random.sample(FILLER, k=1 + pn_num % 4)
    text = " ".join(parts)
    spans = [(m.start(), m.end()) for s in sym for m in re.finditer(re.escape(s), text)]
    notes.append({"pn_num": pn_num, "pn_history": text, "location": spans})

tmpdir = tempfile.mkdtemp()
words = sorted({w for n in notes for w in n["pn_history"].split()})
with open(os.path.join(tmpdir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmpdir, "vocab.txt"))


def prepare_input(text):
    return tokenizer(text, add_special_tokens=True, max_length=CFG.max_len, padding="max_length",
                     truncation=True, return_offsets_mapping=True)


def create_label(text, spans):
    enc = prepare_input(text)
    label = np.zeros(len(enc["offset_mapping"]), dtype=np.float32)
    for k, (s, e) in enumerate(enc["offset_mapping"]):
        if s == e:
            label[k] = -1
            continue
        if any(s < se and e > ss for ss, se in spans):
            label[k] = 1
    return label


class NoteDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        enc = prepare_input(r["pn_history"])
        return (torch.tensor(enc["input_ids"]), torch.tensor(enc["attention_mask"]),
                torch.tensor(create_label(r["pn_history"], r["location"])))


def trim_collate(batch):
    ids, mask, lab = map(torch.stack, zip(*batch))
    mask_len = int(mask.sum(dim=1).max())
    return ids[:, :mask_len], mask[:, :mask_len], lab[:, :mask_len]


class SpanModel(nn.Module):
    def __init__(self):
        super().__init__()
        conf = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CFG.emb, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=CFG.max_len)
        self.bert = BertModel(conf)
        self.fc = nn.Linear(CFG.emb, 1)

    def forward(self, ids, mask):
        return self.fc(self.bert(input_ids=ids, attention_mask=mask).last_hidden_state).squeeze(-1)


def get_char_probs(texts, token_preds):
    out = []
    for text, tok_probs in zip(texts, token_preds):
        char_probs = np.zeros(len(text))
        offsets = prepare_input(text)["offset_mapping"]
        for k in range(len(offsets)):
            start, end = offsets[k]
            char_probs[start:end] = tok_probs[k]
        out.append(char_probs)
    return out


def char_f1(rows, char_probs):
    tp = fp = fn = 0
    for r, cp in zip(rows, char_probs):
        truth = np.zeros(len(r["pn_history"]), dtype=bool)
        for s, e in r["location"]:
            truth[s:e] = True
        pred = cp >= CFG.threshold
        tp += int((pred & truth).sum()); fp += int((pred & ~truth).sum()); fn += int((~pred & truth).sum())
    return 2 * tp / max(2 * tp + fp + fn, 1)


kf = KFold(n_splits=CFG.n_fold, shuffle=True, random_state=CFG.seed)
for fold, (tr_idx, va_idx) in enumerate(kf.split(notes)):
    if fold not in CFG.trn_fold:
        continue
    trn_rows = [notes[i] for i in tr_idx]
    val_rows = [notes[i] for i in va_idx]
    trn_loader = DataLoader(NoteDataset(trn_rows), batch_size=CFG.batch_size, shuffle=True, collate_fn=trim_collate)
    val_loader = DataLoader(NoteDataset(val_rows), batch_size=CFG.batch_size, collate_fn=trim_collate)
    model = SpanModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    bce = nn.BCEWithLogitsLoss(reduction="none")
    for epoch in range(CFG.epochs):
        model.train()
        for ids, mask, lab in trn_loader:
            raw = bce(model(ids, mask), lab.clamp(min=0))
            loss = torch.masked_select(raw, lab != -1).mean()
            optimizer.zero_grad(); loss.backward(); optimizer.step()
        model.eval()
        val_preds = []
        with torch.no_grad():
            for ids, mask, _ in val_loader:
                val_preds.extend(list(model(ids, mask).sigmoid().numpy()))
        char_probs = get_char_probs([r["pn_history"] for r in val_rows], val_preds)
        print(f"fold {fold} epoch {epoch} loss {loss.item():.4f} char F1 {char_f1(val_rows, char_probs):.4f}")
