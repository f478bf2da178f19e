"""Cross-validated colony-status classifier for apiary inspection notes (Accelerate loop)."""
import os
import re
import tempfile

import numpy as np
import torch
from accelerate import Accelerator
from sklearn.metrics import classification_report
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)
np.random.seed(11)

NOTES = [
    ("brood pattern solid, plenty of capped honey, calm bees", "healthy"),
    ("queen seen on frame four, eggs and larvae present", "healthy"),
    ("strong colony, good stores, no signs of disease", "healthy"),
    ("bees foraging well on clover, frames full of pollen and nectar", "healthy"),
    ("calm colony, eggs seen", "healthy"),
    ("no eggs or young larvae, bees roaring when the lid came off", "queenless"),
    ("emergency queen cells on the face of the comb, no queen found", "queenless"),
    ("laying workers suspected, multiple eggs per cell in drone comb", "queenless"),
    ("no queen, no eggs", "queenless"),
    ("several capped swarm cells along the bottom bars of the brood box", "swarming"),
    ("colony crowded, queen cups charged with larvae and royal jelly", "swarming"),
    ("cluster hanging in the hedge next to the hive, half the bees gone", "swarming"),
    ("swarm cells, box crowded", "swarming"),
    ("mites visible on drone brood, several bees with deformed wings", "varroa"),
    ("high mite drop on the sticky board after the oxalic treatment", "varroa"),
    ("deformed wing virus on newly emerged workers, mite count rising fast in late summer", "varroa"),
    ("mite drop high", "varroa"),
    ("brood spotty and several workers crawling with shrivelled wings", "varroa"),
]
N_FOLDS = 3


def build_tokenizer(texts, folder):
    vocab = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


def trim_padding(ids, pad_id):
    """Drop trailing columns that are padding for every row of this subset."""
    used = (ids != pad_id).any(axis=0)
    width = int(np.nonzero(used)[0].max()) + 1
    return ids[:, :width]


def collate(rows):
    ids, att, tgt = map(torch.stack, zip(*rows))
    return {"input_ids": ids, "attention_mask": att, "labels": tgt}


def run_fold(fold, tr_idx, va_idx, all_ids, all_att, y, n_classes, vocab_size, pad_id):
    accelerator = Accelerator(cpu=True)
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=n_classes)
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    def make_loader(idx, shuffle):
        ids_f = trim_padding(all_ids[idx], pad_id)
        att_f = all_att[idx][:, : ids_f.shape[1]]
        ds = TensorDataset(torch.from_numpy(ids_f), torch.from_numpy(att_f), torch.from_numpy(y[idx]))
        return DataLoader(ds, batch_size=4, shuffle=shuffle, collate_fn=collate)

    weights = compute_class_weight("balanced", classes=np.arange(n_classes), y=y[tr_idx])
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float))

    train_dl, val_dl = make_loader(tr_idx, True), make_loader(va_idx, False)
    model, opt, train_dl, val_dl = accelerator.prepare(model, opt, train_dl, val_dl)

    model.train()
    for epoch in range(3):
        total = 0.0
        for batch in train_dl:
            target = batch.pop("labels")
            loss = loss_fn(model(**batch).logits, target)
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            total += loss.item()
        accelerator.print(f"fold {fold} epoch {epoch} loss {total / len(train_dl):.4f}")

    model.eval()
    preds = []
    with torch.no_grad():
        for batch in val_dl:
            batch.pop("labels")
            preds.append(model(**batch).logits.argmax(-1).cpu().numpy())
    return np.concatenate(preds)


def main():
    texts = [t for t, _ in NOTES]
    status_enc = LabelEncoder().fit([s for _, s in NOTES])
    y = status_enc.transform([s for _, s in NOTES]).astype(np.int64)

    tmp = tempfile.mkdtemp()
    tok = build_tokenizer(texts, tmp)
    enc = tok(texts, padding=True, truncation=True, max_length=64, return_tensors="np")
    all_ids, all_att = enc["input_ids"].astype(np.int64), enc["attention_mask"].astype(np.int64)
    print(f"{len(texts)} notes, padded width {all_ids.shape[1]}, statuses {list(map(str, status_enc.classes_))}")

    oof = np.zeros_like(y)
    skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=11)
    for fold, (tr_idx, va_idx) in enumerate(skf.split(texts, y)):
        oof[va_idx] = run_fold(fold, tr_idx, va_idx, all_ids, all_att, y,
                               len(status_enc.classes_), tok.vocab_size, tok.pad_token_id)

    print(classification_report(y, oof, target_names=status_enc.classes_, zero_division=0))


if __name__ == "__main__":
    main()
